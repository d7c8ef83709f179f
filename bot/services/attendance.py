"""Attendance: which past meetings a trainer or kwartiermaker can tick, the list to tick (a
trainer sees residents only in numbers: a resident's attendance is their own kwartiermaker's
to keep), and the absence rule when the list is saved."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot import access
from bot.services import notices
from bot.services.events import may_manage, members_of, occurrences_of
from bot.services.request import Request
from bot.storage import events as store
from bot.storage import outbox
from bot.storage.events import Event
from bot.storage.people import Person
from bot.storage.sqlite import Connection


async def past_occurrences(req: Request, days: int = 14) -> list[tuple[Event, datetime]]:
    now = req.now
    found = []
    async with req.db.read() as conn:
        for event in await store.active(conn):
            if not may_manage(req.me, req.role, event):
                continue
            skipped = await store.skipped_dates(conn, event.id)
            for occ in occurrences_of(event, req.tz, skipped, now - timedelta(days=days), now):
                found.append((event, occ.start))
    return sorted(found, key=lambda item: item[1], reverse=True)


async def _sheet_event(conn: Connection, req: Request, event_id: int) -> Event:
    event = await store.by_id(conn, event_id)
    if event is None or not may_manage(req.me, req.role, event):
        raise access.AccessDenied("not your event")
    return event


async def attendance_sheet(req: Request, event_id: int, occurrence: datetime
                           ) -> tuple[Event, list[Person], dict[int, bool]]:
    """The people to tick: for a trainer, residents are left out (they see residents only in
    numbers; a resident's attendance is their own kwartiermaker's to keep)."""
    async with req.db.read() as conn:
        event = await _sheet_event(conn, req, event_id)
        members = [p for p in await members_of(conn, event) if _may_see_name(req, p)]
        marks = await store.attendance_of(conn, event_id, occurrence.isoformat())
    return event, members, marks


def _may_see_name(req: Request, person: Person) -> bool:
    """Names of residents: only for themselves and their own kwartiermaker."""
    return not access.is_resident(person.role) or person.invited_by == req.me.id \
        or person.id == req.me.id


async def declined(req: Request, event_id: int, occurrence: datetime) -> set[int]:
    """Who said they cannot come to this date of an event the person manages."""
    async with req.db.read() as conn:
        await _sheet_event(conn, req, event_id)
        return await store.declined(conn, event_id, occurrence.isoformat())


async def record_attendance(req: Request, event_id: int, occurrence: datetime,
                            present: dict[int, bool]) -> list[tuple[Person, int]]:
    """Saves the attendance list; returns the people who reached the absence limit now
    (``max_missed_training_days`` of the settings)."""
    person, now = req.me, req.now
    limit = req.settings.max_missed_training_days
    reached = []
    async with req.db.tx() as conn:
        event = await _sheet_event(conn, req, event_id)
        members = {p.id: p for p in await members_of(conn, event)}
        present = {pid: here for pid, here in present.items() if pid in members}
        before = await store.attendance_of(conn, event_id, occurrence.isoformat())
        await store.set_attendance(conn, event_id=event_id, occurrence_start=occurrence.isoformat(),
                                   present=present, recorded_by=person.id, now=now)
        if event.kind != "training":
            return reached
        for pid, here in present.items():
            if here or before.get(pid) is False:
                continue  # present, or this absence was already counted
            missed = await store.missed_training_days(conn, pid)
            if missed >= limit:
                member = members[pid]
                reached.append((member, missed))
                t = req.translations.for_language(member.language)
                await outbox.enqueue(conn, person_id=pid, chat_id=member.telegram_id,
                                     kind="notice", ref=f"absence:{pid}",
                                     payload=notices.absence_limit(t, missed), due_at=now, now=now)
    return reached
