"""Needs and offers: saving the questionnaire, a person's own list, an organiser's circle.

Who may enter items for whom: a resident for themselves; a kwartiermaker for a resident of
their own circle (phone intake). Everything else is refused here, whatever the buttons said.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot import access
from bot.i18n import Translator
from bot.services import categories as grid
from bot.services.request import Request
from bot.storage import audit, people
from bot.storage import items as store
from bot.storage.items import Category, Item
from bot.storage.people import Person

TEXT_MAX = 300
KINDS = ("need", "offer")


@dataclass(frozen=True)
class DraftItem:
    kind: str
    category: str
    text: str = ""
    voice_file_id: str | None = None
    voice_seconds: int | None = None


def clean_text(raw: str) -> tuple[str, bool]:
    """Collapses spaces and cuts to TEXT_MAX; returns (text, was_cut)."""
    text = " ".join(raw.split())
    return text[:TEXT_MAX], len(text) > TEXT_MAX


def has_words(text: str) -> bool:
    """Emoji-only or punctuation-only text says nothing a helper can use."""
    return any(ch.isalnum() for ch in text)


async def may_enter_for(req: Request, owner_id: int) -> Person:
    """The owner of the items, if the person asking may enter items for them."""
    actor, role = req.me, req.role
    async with req.db.read() as conn:
        owner = await people.by_id(conn, owner_id)
    if owner is None:
        raise access.AccessDenied("no such person")
    if owner.id == actor.id and access.is_resident(role):
        return owner
    if (access.is_organiser(role) and owner.invited_by == actor.id
            and access.is_resident(owner.role)):
        return owner
    raise access.AccessDenied("not yours to enter")


async def save(req: Request, owner_id: int, drafts: list[DraftItem]) -> list[int]:
    owner = await may_enter_for(req, owner_id)
    async with req.db.tx() as conn:
        ids = await insert_items(conn, req, owner.id, drafts)
        await audit.record(conn, now=req.now, actor_id=req.me.id, action="items.save",
                           subject=f"person:{owner.id}")
    return ids


async def insert_items(conn, req: Request, owner_id: int, drafts: list[DraftItem]) -> list[int]:
    """Stores the items of a questionnaire inside the caller's transaction."""
    known = {c.code for c in await store.categories(conn)}
    ids = []
    for draft in drafts:
        if draft.kind not in KINDS or draft.category not in known:
            raise ValueError("unknown kind or category")
        text, _ = clean_text(draft.text)
        ids.append(await store.insert(
            conn, person_id=owner_id, kind=draft.kind, category=draft.category, text=text,
            voice_file_id=draft.voice_file_id, voice_seconds=draft.voice_seconds,
            entered_by=req.me.id, now=req.now))
    return ids


async def mine(req: Request) -> list[Item]:
    async with req.db.read() as conn:
        return await store.of_person(conn, req.me.id)


async def change_status(req: Request, item_id: int, status: str) -> bool:
    """Withdraw an item or mark a need solved; only the owner may. False if nothing changed."""
    if status not in ("withdrawn", "solved"):
        raise ValueError(status)
    async with req.db.tx() as conn:
        item = await store.by_id(conn, item_id)
        if item is None or item.person_id != req.me.id:
            raise access.AccessDenied("not your item")
        if item.status in ("withdrawn", "solved") or (status == "solved" and item.kind != "need"):
            return False
        await store.set_status(conn, item_id, status, req.now)
    return True


async def change_detail(req: Request, item_id: int, *, text: str = "",
                        voice_file_id: str | None = None, voice_seconds: int | None = None
                        ) -> None:
    """New words or a new voice message for one of the person's own items."""
    async with req.db.tx() as conn:
        item = await store.by_id(conn, item_id)
        if (item is None or item.person_id != req.me.id
                or item.status in ("withdrawn", "solved")):
            raise access.AccessDenied("not your item")
        await store.set_detail(conn, item_id, text=clean_text(text)[0],
                               voice_file_id=voice_file_id, voice_seconds=voice_seconds,
                               now=req.now)


async def categories(req: Request) -> list[Category]:
    async with req.db.read() as conn:
        return await store.categories(conn)


async def labels(req: Request, t: Translator) -> dict[str, str]:
    """Category code → emoji and name in ``t``'s language, in the grid's order."""
    return {c.code: grid.label(t, c) for c in await categories(req)}


async def circle(req: Request) -> list[tuple[Item, str, str]]:
    async with req.db.read() as conn:
        return await store.of_circle(conn, req.me.id)


async def counts(req: Request) -> list[tuple[str | None, str, str, int]]:
    async with req.db.read() as conn:
        return await store.counts(conn)
