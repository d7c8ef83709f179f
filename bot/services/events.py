"""Events: create, plan and send reminders, answers, changes, attendance and the absence rule.

The database is the source of truth. ``plan`` writes reminder rows for the coming weeks;
``send_due`` turns due reminder rows into outbox rows in one transaction, so a reminder is
queued exactly once, late if the bot was down and the event has not begun, else skipped.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, tzinfo

from bot import access
from bot.services import audiences, notices
from bot.services.audiences import Audience
from bot.services.calendar import (
    DEFAULT_REMINDERS,
    REMINDER_RULES,
    Occurrence,
    Recurrence,
    occurrences,
    reminder_time,
)
from bot.services.request import Request
from bot.storage import audit, outbox, people
from bot.storage import events as store
from bot.storage import prompts as prompt_store
from bot.storage.events import Event
from bot.storage.people import Person
from bot.storage.sqlite import Connection

PLAN_DAYS = 60
MAX_AHEAD = timedelta(days=2 * 366)  # further than any date the planning flow accepts
TRAINER_KINDS = ("training", "preparation", "return", "consultation", "sounding_board",
                 "conference")


class EventCancelled(Exception):
    pass


class NotInAudience(access.AccessDenied):
    pass


class NotPlanned(Exception):
    """The date is not one the meeting's calendar gives (any more), or it is over: a forged
    or outdated button. Nothing is stored."""


@dataclass(frozen=True)
class Draft:
    kind: str
    title: str
    place: str
    start: datetime
    end: datetime
    weekly: bool
    audience: Audience
    reminders: tuple[str, ...] = DEFAULT_REMINDERS


def passed_reminders(draft: Draft, now: datetime, tz: tzinfo) -> tuple[str, ...]:
    """The reminder rules whose moment has passed already for a meeting held once: they
    would never go out (the announcement at planning tells the people instead)."""
    if draft.weekly:
        return ()  # the next weeks still get them
    return tuple(r for r in REMINDER_RULES if reminder_time(r, draft.start, tz) <= now)


def kinds_for(role: str | None) -> tuple[str, ...]:
    if access.is_trainer(role):
        return (*TRAINER_KINDS, "table_session")
    if access.is_organiser(role):
        return ("table_session",)
    return ()


def check_draft(role: str | None, draft: Draft) -> None:
    if draft.kind not in kinds_for(role):
        raise access.AccessDenied("kind not allowed for this role")
    if not set(draft.reminders) <= set(REMINDER_RULES) or draft.end <= draft.start:
        raise ValueError("bad reminders or times")


async def members_of(conn: Connection, event: Event) -> list[Person]:
    audience = Audience(event.audience, event.audience_ref,
                        await store.member_ids(conn, event.id))
    return await audiences._members(conn, audience, event.created_by)


async def create(req: Request, draft: Draft, *, announce: bool = True) -> Event:
    """Stores the event, plans its reminders and, unless ``announce`` is False (a caller that
    tells the people itself), queues the announcement to its audience, all in one transaction:
    planned means told."""
    creator, now = req.me, req.now
    check_draft(req.role, draft)
    async with req.db.tx() as conn:
        await audiences._check(conn, req.role, creator, draft.audience)
        event = await store.insert(
            conn, kind=draft.kind, title=draft.title, place=draft.place, starts_at=draft.start,
            ends_at=draft.end, weekly=draft.weekly, audience=draft.audience.kind,
            audience_ref=draft.audience.ref, members=draft.audience.members,
            reminders=draft.reminders, created_by=creator.id, now=now)
        await _plan_event(conn, event, now, req.tz)
        if announce:
            await _announce_new(conn, req, event)
        await audit.record(conn, now=now, actor_id=creator.id, action="event.create",
                           subject=f"event:{event.id}")
    return event


async def _announce_new(conn: Connection, req: Request, event: Event) -> None:
    """Everyone the event is for hears of it now, in their language, with the answer buttons
    of its first date. A reminder whose moment had passed was never planned: this is it."""
    first = _next_start(event, req.tz, set(), req.now)
    end = first + (event.ends_at - event.starts_at)
    for person in await members_of(conn, event):
        if person.id == event.created_by:
            continue
        t = req.translations.for_language(person.language)
        await outbox.enqueue(
            conn, person_id=person.id, chat_id=person.telegram_id, kind="announcement",
            ref=announcement_ref(event.id), about=(req.me.id,), due_at=req.now, now=req.now,
            payload=notices.announced(t, event, first, end, req.me.display_name))


def announcement_ref(event_id: int) -> str:
    return f"event:{event_id}:new"


async def reached(req: Request, event_id: int) -> int:
    """How many people the announcement of a new event was queued for."""
    async with req.db.read() as conn:
        return sum((await outbox.counts_by_ref(conn, announcement_ref(event_id))).values())


async def _plan_event(conn: Connection, event: Event, now: datetime, tz: tzinfo) -> None:
    skipped = await store.skipped_dates(conn, event.id)
    for occ in occurrences_of(event, tz, skipped, now, now + timedelta(days=PLAN_DAYS)):
        for rule in event.reminders:
            at = reminder_time(rule, occ.start, tz)
            if at > now:  # a reminder whose moment passed before planning is not sent
                await store.plan_reminder(conn, event.id, occ.start, at)


def occurrences_of(event: Event, tz: tzinfo, skipped: set[date], start: datetime, end: datetime):
    recurrence = Recurrence(event.starts_at, event.ends_at, weekly=event.weekly,
                            until=event.repeat_until, skipped=skipped)
    return occurrences(recurrence, tz=tz, window_start=start, window_end=end)


async def plan(req: Request) -> None:
    """Extends the reminder plan of weekly events (run daily and at start-up)."""
    async with req.db.tx() as conn:
        for event in await store.active(conn):
            await _plan_event(conn, event, req.now, req.tz)


async def send_due(req: Request) -> int:
    """Queues every due reminder once; returns how many messages were queued."""
    now, tz = req.now, req.tz
    queued = 0
    async with req.db.read() as conn:
        due = await store.due_reminders(conn, now)
    for reminder_id, event_id, occurrence in due:
        async with req.db.tx() as conn:
            event = await store.by_id(conn, event_id)
            start = datetime.fromisoformat(occurrence)
            skipped = await store.skipped_dates(conn, event_id)
            if event is None or event.cancelled_at or start.astimezone(tz).date() in skipped:
                await store.set_reminder_status(conn, reminder_id, "cancelled")
                continue
            if start <= now:  # the event has begun: a late reminder is no use
                await store.set_reminder_status(conn, reminder_id, "skipped")
                continue
            if not await store.set_reminder_status(conn, reminder_id, "queued"):
                continue
            end = start + (event.ends_at - event.starts_at)
            declined = await store.declined(conn, event_id, occurrence)
            spoken = await prompt_store.all_voices(conn)
            for person in await members_of(conn, event):
                if person.id in declined:
                    continue
                t = req.translations.for_language(person.language)
                voice = spoken.get(("reminder", person.language))
                await outbox.enqueue(conn, person_id=person.id, chat_id=person.telegram_id,
                                     kind="reminder", ref=f"event:{event_id}:{occurrence}",
                                     payload=notices.reminder(t, event, start, end, voice),
                                     due_at=now, now=now)
                queued += 1
    return queued


async def _event_for(conn: Connection, person: Person, event_id: int) -> Event:
    event = await store.by_id(conn, event_id)
    if event is None:
        raise NotInAudience("no such event")
    members = {p.id for p in await members_of(conn, event)}
    if person.id not in members and person.id != event.created_by:
        raise NotInAudience("not invited to this event")
    return event


async def answer(req: Request, *, event_id: int, occurrence: int, answer: str,
                 reason: str | None) -> bool:
    """Records an RSVP to a real date of a meeting the person is invited to; False if
    nothing changed.

    The organiser hears "X cannot come" at most once per person, meeting and date: the first
    time that person says they cannot come. A later change (another reason, or coming after
    all) is stored, and the attendance sheet shows it, but nobody gets a second message; so
    a hundred taps cost one notice at most."""
    person, now = req.me, req.now
    async with req.db.tx() as conn:
        event, occ = await _occurrence_for(conn, req, event_id, occurrence)
        start = occ.start.isoformat()
        changed = await store.upsert_rsvp(
            conn, event_id=event_id, occurrence_start=start, person_id=person.id,
            answer=answer, reason=reason, now=now)
        if not (changed and answer == "no" and reason):
            return changed
        told = await _who_hears_absence(conn, event, person)
        if told is not None and await store.claim_notice(conn, event_id, start, person.id, now):
            t = req.translations.for_language(told.language)
            await outbox.enqueue(
                conn, person_id=told.id, chat_id=told.telegram_id, kind="notice",
                ref=f"rsvp:{event_id}", now=now, due_at=now, about=[person.id],
                payload=notices.cannot_come(t, person.display_name, event, occ, reason))
    return changed


async def occurrence_for(req: Request, event_id: int, stamp: int) -> tuple[Event, Occurrence]:
    """The meeting and the date a button under a reminder names, if the person is invited
    and the date is still planned (raises NotInAudience, EventCancelled or NotPlanned)."""
    async with req.db.read() as conn:
        return await _occurrence_for(conn, req, event_id, stamp)


async def _occurrence_for(conn: Connection, req: Request, event_id: int, stamp: int
                          ) -> tuple[Event, Occurrence]:
    event = await _event_for(conn, req.me, event_id)
    if event.cancelled_at:
        raise EventCancelled()
    skipped = await store.skipped_dates(conn, event_id)
    return event, _planned(event, req.tz, skipped, req.now, stamp)


def _planned(event: Event, tz: tzinfo, skipped: set[date], now: datetime,
             stamp: int) -> Occurrence:
    """The occurrence starting at ``stamp`` (seconds, from callback data) if the calendar
    rules give it and it is not over. Dates beyond the planning horizon count only when they
    are the meeting's next date (a meeting moved far ahead is announced with buttons)."""
    since = now - (event.ends_at - event.starts_at)
    if not since.timestamp() < stamp <= (now + MAX_AHEAD).timestamp():
        raise NotPlanned()  # over, or absurdly far (a forged number)
    start = datetime.fromtimestamp(stamp, tz=UTC)
    found = occurrences_of(event, tz, skipped, since, start + timedelta(seconds=1))
    if not found or notices.stamp(found[-1].start) != stamp:
        raise NotPlanned()
    if found[-1].start >= now + timedelta(days=PLAN_DAYS) and len(found) > 1:
        raise NotPlanned()
    return found[-1]


async def _who_hears_absence(conn: Connection, event: Event, person: Person) -> Person | None:
    """Who hears "X cannot come, because …": the organiser of the meeting, except that a
    resident's name and reason go only to their own kwartiermaker (trainers see residents in
    numbers, never by name). An individual talk is between two people: the other one hears."""
    if event.kind == "consultation" and event.audience == "list":
        others = [p for p in await members_of(conn, event) if p.id != person.id]
        if len(others) == 1:
            return others[0] if others[0].telegram_id is not None else None
    told = await people.by_id(conn, event.created_by) if event.created_by else None
    if access.is_resident(person.role) and (told is None or told.id != person.invited_by):
        told = await people.by_id(conn, person.invited_by) if person.invited_by else None
    return told if told is not None and told.telegram_id is not None else None


def may_manage(person: Person, role: str | None, event: Event) -> bool:
    return event.created_by == person.id or (access.is_trainer(role) and event.kind != (
        "table_session"))


async def _managed_event(conn: Connection, person: Person, role: str | None,
                         event_id: int) -> Event:
    """The event, if this person may change it and it still takes place."""
    event = await store.by_id(conn, event_id)
    if event is None or event.cancelled_at or not may_manage(person, role, event):
        raise access.AccessDenied("not your event")
    return event


async def _announce(conn: Connection, req: Request, recipients: list[Person],
                    ref: str, render) -> None:
    """Queues one announcement per person, rendered in their language by ``render(t)``."""
    for person in recipients:
        await outbox.enqueue(conn, person_id=person.id, chat_id=person.telegram_id,
                             kind="announcement", ref=ref,
                             payload=render(req.translations.for_language(person.language)),
                             due_at=req.now, now=req.now)


async def cancel(req: Request, event_id: int) -> bool:
    """Cancels an event and tells everyone who was reminded of it."""
    person, now = req.me, req.now
    async with req.db.tx() as conn:
        event = await store.by_id(conn, event_id)
        if event is None or not may_manage(person, req.role, event):
            raise access.AccessDenied("not your event")
        if not await store.cancel(conn, event_id, now):
            return False
        start = _next_start(event, req.tz, await store.skipped_dates(conn, event_id), now)
        end = start + (event.ends_at - event.starts_at)
        await _announce(conn, req, await people.reminded_of(conn, event_id),
                        f"event:{event_id}:cancel",
                        lambda t: notices.cancelled(t, event, start, end))
        await audit.record(conn, now=now, actor_id=person.id, action="event.cancel",
                           subject=f"event:{event_id}")
    return True


async def move(req: Request, event_id: int, new_start: datetime) -> Event:
    """Moves an event; reminders are planned anew and those already reminded are told."""
    person, now = req.me, req.now
    async with req.db.tx() as conn:
        event = await _managed_event(conn, person, req.role, event_id)
        new_end = new_start + (event.ends_at - event.starts_at)
        await store.move(conn, event_id, new_start, new_end)
        moved = await store.by_id(conn, event_id)
        await _plan_event(conn, moved, now, req.tz)
        await _announce(conn, req, await people.reminded_of(conn, event_id),
                        f"event:{event_id}:change",
                        lambda t: notices.changed(t, moved, new_start, new_end))
        await audit.record(conn, now=now, actor_id=person.id, action="event.move",
                           subject=f"event:{event_id}")
    return moved


async def skip(req: Request, event_id: int, occurrence: datetime) -> bool:
    """Leaves one date of a weekly event out (a holiday); those reminded of it are told."""
    person, now, tz = req.me, req.now, req.tz
    async with req.db.tx() as conn:
        event = await _managed_event(conn, person, req.role, event_id)
        skipped = await store.skipped_dates(conn, event_id)
        dates = {o.start for o in occurrences_of(event, tz, skipped, now,
                                               now + timedelta(days=PLAN_DAYS))}
        if occurrence not in dates:
            return False
        await store.skip_date(conn, event_id, occurrence.astimezone(tz).date(), occurrence)
        end = occurrence + (event.ends_at - event.starts_at)
        reminded = await people.reminded_of(conn, event_id, occurrence.isoformat())
        await _announce(conn, req, reminded, f"event:{event_id}:skip",
                        lambda t: notices.cancelled(t, event, occurrence, end))
        await audit.record(conn, now=now, actor_id=person.id, action="event.skip",
                           subject=f"event:{event_id}")
    return True


async def next_dates(req: Request, event: Event, count: int = 4) -> list[datetime]:
    async with req.db.read() as conn:
        skipped = await store.skipped_dates(conn, event.id)
    return [o.start for o in occurrences_of(event, req.tz, skipped, req.now,
                                          req.now + timedelta(days=PLAN_DAYS))][:count]


def _next_start(event: Event, tz: tzinfo, skipped: set[date], now: datetime) -> datetime:
    found = occurrences_of(event, tz, skipped, now, now + timedelta(days=PLAN_DAYS))
    return found[0].start if found else event.starts_at


@dataclass(frozen=True)
class Answers:
    """Who answered for a meeting's next date, in numbers (a trainer sees residents only as
    numbers): said they come, said they cannot, and how many it is for."""

    start: datetime
    yes: int
    no: int
    invited: int


async def answers(req: Request, event: Event) -> Answers:
    if not may_manage(req.me, req.role, event):
        raise access.AccessDenied("not your event")
    async with req.db.read() as conn:
        start = _next_start(event, req.tz, await store.skipped_dates(conn, event.id), req.now)
        counts = await store.answer_counts(conn, event.id, start.isoformat())
        invited = sum(1 for p in await members_of(conn, event) if p.id != event.created_by)
    return Answers(start, counts.get("yes", 0), counts.get("no", 0), invited)


async def managed(req: Request) -> list[Event]:
    async with req.db.read() as conn:
        return [e for e in await store.active(conn) if may_manage(req.me, req.role, e)]
