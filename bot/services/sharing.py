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
TOLD = "told"  # a need told by voice only; its kwartiermaker picks the theme after listening


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
        told = draft.category == TOLD and draft.kind == "need" and bool(draft.voice_file_id)
        if draft.kind not in KINDS or (draft.category not in known and not told):
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


async def heard_in_circle(req: Request, item_id: int) -> tuple[Item, str]:
    """A voice message left by a resident of the kwartiermaker's circle, and the resident's
    first name; AccessDenied for anyone else's item."""
    if not access.is_organiser(req.role):
        raise access.AccessDenied("only a kwartiermaker listens in their circle")
    async with req.db.read() as conn:
        found = await store.in_circle(conn, req.me.id, item_id)
    if found is None or not found[0].voice_file_id:
        raise access.AccessDenied("not in your circle")
    return found


async def theme_told(req: Request, item_id: int, category: str) -> bool:
    """The kwartiermaker listened to a need told by voice and picks its theme; False when a
    theme was picked already (a second tap, or another device)."""
    item, _ = await heard_in_circle(req, item_id)
    async with req.db.tx() as conn:
        if category not in {c.code for c in await store.categories(conn)}:
            raise access.AccessDenied("no such theme")
        if item.category != TOLD:
            return False
        await store.set_category(conn, item_id, category, only_from=TOLD, now=req.now)
        await audit.record(conn, now=req.now, actor_id=req.me.id, action="item.theme",
                           subject=f"item:{item_id}")
    return True


async def categories(req: Request) -> list[Category]:
    async with req.db.read() as conn:
        return await store.categories(conn)


async def labels(req: Request, t: Translator) -> dict[str, str]:
    """Category code → emoji and name in ``t``'s language, in the grid's order; the last one,
    not in the grid, is "told by voice"."""
    shown = {c.code: grid.label(t, c) for c in await categories(req)}
    return {**shown, TOLD: grid.label(t, Category(TOLD, "🎤"))}


async def circle(req: Request) -> list[tuple[Item, str, str]]:
    async with req.db.read() as conn:
        return await store.of_circle(conn, req.me.id)


async def counts(req: Request) -> list[tuple[str | None, str, str, int]]:
    async with req.db.read() as conn:
        return await store.counts(conn)
