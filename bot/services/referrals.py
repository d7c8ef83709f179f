"""Warm handovers to the social map, and keeping the map: a kwartiermaker refers a need of
their circle (or one noted in a session log) to an entry with a short note; 14 days later
they are asked how it went, and the answer updates the need. Trainers keep the entries."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date, timedelta

from bot import access
from bot.access import Role
from bot.services import notices
from bot.services.request import Request
from bot.storage import audit, outbox, people
from bot.storage import items as item_store
from bot.storage import sessions as session_store
from bot.storage import socialmap as store
from bot.storage.socialmap import Entry

OUTCOMES = ("helped", "waiting", "not_helped", "other")
NOTE_MAX = 300
UNVERIFIED_DAYS = 365


@dataclass(frozen=True)
class Handover:
    """What a kwartiermaker refers (a need of their circle, or a note of a session log), to
    which entry of the map, with a short note for the service."""

    need_id: int | None
    session_id: int | None
    category: str
    entry_id: str
    note: str


async def referable(req: Request
                    ) -> tuple[list[tuple[int, str, str]], list[tuple[int, str, date, str]]]:
    """Open needs of the circle (id, first name, category) and recent session notes of needs
    that remained (session id, series title, day, note)."""
    organiser, now = req.me, req.now
    async with req.db.read() as conn:
        needs = [(item.id, name, item.category)
                 for item, name, _ in await item_store.of_circle(conn, organiser.id)
                 if item.kind == "need"]
        notes = []
        for series in await session_store.series_of(conn, organiser.id):
            for session in await session_store.sessions_of(conn, series.id):
                if session.remaining and session.held_on >= (now - timedelta(days=60)).date():
                    notes.append((session.id, series.title, session.held_on, session.remaining))
    return needs, notes


async def create(req: Request, handover: Handover) -> int:
    """Refers; the kwartiermaker is asked how it went after ``referral_follow_up_days``."""
    organiser, now = req.me, req.now
    need_id, session_id = handover.need_id, handover.session_id
    category = handover.category
    if not access.is_organiser(req.role):
        raise access.AccessDenied("kwartiermakers refer")
    async with req.db.tx() as conn:
        entry = await store.by_id(conn, handover.entry_id)
        if entry is None or not entry.active:
            raise access.AccessDenied("no such entry")
        if need_id is not None:
            need = await item_store.by_id(conn, need_id)
            owner = await people.by_id(conn, need.person_id) if need else None
            if (need is None or need.kind != "need" or owner is None
                    or owner.invited_by != organiser.id):
                raise access.AccessDenied("outside your circle")
            category = need.category
            await item_store.set_status(conn, need_id, "referred", now)
        elif session_id is not None:
            session = await session_store.session_by_id(conn, session_id)
            series = (await session_store.series_by_id(conn, session.series_id)
                      if session else None)
            if series is None or organiser.id not in (series.organiser_id, series.cohost_id):
                raise access.AccessDenied("not your session")
        else:
            raise access.AccessDenied("refer a need or a session note")
        referral_id = await store.insert_referral(
            conn, organiser_id=organiser.id, need_id=need_id, session_id=session_id,
            category=category, entry_id=handover.entry_id, note=handover.note[:NOTE_MAX],
            follow_up_at=now + timedelta(days=req.settings.referral_follow_up_days), now=now)
        await audit.record(conn, now=now, actor_id=organiser.id, action="referral.create",
                           subject=f"referral:{referral_id}")
    return referral_id


async def send_follow_ups(req: Request) -> int:
    now = req.now
    sent = 0
    async with req.db.tx() as conn:
        for referral in await store.due_referrals(conn, now):
            await store.set_referral(conn, referral["id"], outcome=referral["outcome"],
                                     follow_up_at=None, now=now)
            organiser = await people.by_id(conn, referral["organiser_id"])
            entry = await store.by_id(conn, referral["entry_id"])
            if organiser is None or organiser.telegram_id is None or entry is None:
                continue
            who, about = "", None
            if referral["need_id"]:
                need = await item_store.by_id(conn, referral["need_id"])
                person = await people.by_id(conn, need.person_id) if need else None
                who, about = (person.display_name, person.id) if person else ("", None)
            t = req.translations.for_language(organiser.language)
            await outbox.enqueue(conn, person_id=organiser.id, chat_id=organiser.telegram_id,
                                 kind="follow_up", ref=f"referral:{referral['id']}", due_at=now,
                                 now=now, about=[about], payload=notices.referral_follow_up(
                                     t, who or referral["note"], entry.name, referral["id"]))
            sent += 1
    return sent


async def answer(req: Request, referral_id: int, outcome: str) -> None:
    """Records how a handover went; "still waiting" asks again after
    ``referral_follow_up_days`` (settings)."""
    now = req.now
    if outcome not in OUTCOMES:
        raise ValueError(outcome)
    async with req.db.tx() as conn:
        referral = await store.referral_by_id(conn, referral_id)
        if referral is None or referral["organiser_id"] != req.me.id:
            raise access.AccessDenied("not your referral")
        if referral["follow_up_at"] is not None or referral["outcome"] not in (None, "waiting"):
            raise access.AccessDenied("no answer is due")
        again = (now + timedelta(days=req.settings.referral_follow_up_days)
                 if outcome == "waiting" else None)
        await store.set_referral(conn, referral_id, outcome=outcome, follow_up_at=again,
                                 now=now)
        if referral["need_id"]:
            status = {"helped": "solved", "not_helped": "open"}.get(outcome)
            if status:  # unless the resident withdrew or solved it meanwhile
                await item_store.move(conn, referral["need_id"], status,
                                      only_from=("referred",), now=now)


async def counts(req: Request) -> list[tuple[int, str, int]]:
    async with req.db.read() as conn:
        return await store.referral_counts(conn)


async def gaps(req: Request) -> list[str]:
    """Categories of open needs that no active entry on the map covers."""
    async with req.db.read() as conn:
        needed = await item_store.open_need_categories(conn)
        covered = {c for e in await store.all_entries(conn) if e.active for c in e.categories}
    return sorted(needed - covered)


# keeping the map ----------------------------------------------------------------------------------
def _trainer(role: str | None) -> None:
    if not access.is_trainer(role):
        raise access.AccessDenied("trainers keep the map")


async def edit(req: Request, entry_id: str, field: str, value: object) -> None:
    _trainer(req.role)
    async with req.db.tx() as conn:
        if await store.by_id(conn, entry_id) is None:
            raise access.AccessDenied("no such entry")
        await store.set_field(conn, entry_id, field, value, req.me.id, req.now)


async def add(req: Request, *, entry: Entry) -> None:
    _trainer(req.role)
    async with req.db.tx() as conn:
        await store.upsert(conn, entry, req.now)
        await store.history(conn, entry.id, req.me.id, "created", req.now)


async def add_entry(req: Request, *, name: str, description: str, line: int,
                    category: str) -> str:
    """A new entry typed in by a trainer (verified today); returns its id."""
    entry_id = "svc-" + secrets.token_hex(4)
    await add(req, entry=Entry(
        id=entry_id, organization_id=entry_id, organization_name=name, name=name,
        description=description, line=line, categories=(category,), languages=(),
        location_id=None, location_name="", address="", city="", postal_code="", latitude=None,
        longitude=None, phone="", url="", email="", eligibility="", cost="", hours={},
        active=True, last_verified=req.now.astimezone(req.tz).date().isoformat()))
    return entry_id


async def unverified(req: Request) -> list[tuple[str, str]]:
    async with req.db.read() as conn:
        return await store.unverified_since(
            conn, (req.now - timedelta(days=UNVERIFIED_DAYS)).date().isoformat())


async def tell_unverified(req: Request) -> int:
    """Once a month: the trainers get the entries not verified for 12 months."""
    stale = await unverified(req)
    if not stale:
        return 0
    now = req.now
    async with req.db.tx() as conn:
        trainers = [p for p in await people.audience(conn, "everyone", None)
                    if p.role == Role.TRAINER]
        for trainer in trainers:
            t = req.translations.for_language(trainer.language)
            await outbox.enqueue(conn, person_id=trainer.id, chat_id=trainer.telegram_id,
                                 kind="notice", ref="socialmap:unverified", due_at=now, now=now,
                                 payload=notices.unverified_entries(t, [n for _, n in stale]))
    return len(trainers)
