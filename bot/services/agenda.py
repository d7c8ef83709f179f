"""What a person reads about their own meetings: /agenda (a weekly meeting once, at its next
date, with the weeks it skips) and the calendar file (a weekly one as a repeating series)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from bot.services.calendar import Occurrence
from bot.services.events import members_of, occurrences_of
from bot.services.ics import ics_for, ics_for_series
from bot.services.request import Request
from bot.storage import events as store
from bot.storage.events import Event


async def coming(req: Request, days: int = 30) -> list[tuple[Event, datetime, datetime]]:
    """The person's events in the coming days, soonest first (for /agenda)."""
    person, now = req.me, req.now
    found = []
    async with req.db.read() as conn:
        for event in await store.active(conn):
            members = {p.id for p in await members_of(conn, event)}
            if person.id not in members and person.id != event.created_by:
                continue
            skipped = await store.skipped_dates(conn, event.id)
            for occ in occurrences_of(event, req.tz, skipped, now, now + timedelta(days=days)):
                found.append((event, occ.start, occ.end))
    return sorted(found, key=lambda item: item[1])


@dataclass(frozen=True)
class AgendaEntry:
    """One meeting in /agenda: a weekly one once, at its next date."""

    event: Event
    start: datetime
    end: datetime
    skipped: tuple[date, ...] = ()  # weeks left out, after ``start``, within the view


async def agenda(req: Request, days: int = 30) -> list[AgendaEntry]:
    """The person's meetings in the coming days, one entry each, soonest first."""
    entries: dict[int, AgendaEntry] = {}
    for event, start, end in await coming(req, days):
        if event.id not in entries:
            entries[event.id] = AgendaEntry(event, start, end)
    horizon = (req.now + timedelta(days=days)).astimezone(req.tz).date()
    async with req.db.read() as conn:
        for event_id, entry in entries.items():
            if entry.event.weekly:
                first = entry.start.astimezone(req.tz).date()
                left_out = sorted(d for d in await store.skipped_dates(conn, event_id)
                                  if first < d <= horizon)
                entries[event_id] = AgendaEntry(entry.event, entry.start, entry.end,
                                                tuple(left_out))
    return list(entries.values())


async def calendar_file(req: Request, event: Event, occurrence: Occurrence,
                        summary: str) -> bytes:
    """The .ics for a meeting: a weekly one as one repeating entry, so the phone holds the
    series (and its skipped weeks), not one date of it."""
    if not event.weekly:
        return ics_for(event, occurrence.start, occurrence.end, now=req.now, summary=summary)
    async with req.db.read() as conn:
        skipped = await store.skipped_dates(conn, event.id)
    return ics_for_series(event, tz=req.tz, skipped=skipped, now=req.now, summary=summary)
