"""Add-to-calendar files (.ics, RFC 5545): one date of a meeting, or a weekly meeting as one
series (RRULE) with the dates it skips (EXDATE), in the programme's time zone so the phone
keeps it at 10:00 across summer time."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time, tzinfo

from icalendar import Calendar
from icalendar import Event as VEvent

from bot.storage.events import Event


def ics_for(event: Event, start: datetime, end: datetime, *, now: datetime,
            summary: str) -> bytes:
    """One date of a meeting."""
    entry = _entry(event, now, summary)
    entry.add("uid", f"event-{event.id}-{int(start.timestamp())}@samenbot")
    entry.add("dtstart", start)
    entry.add("dtend", end)
    return _calendar(entry)


def ics_for_series(event: Event, *, tz: tzinfo, skipped: Iterable[date], now: datetime,
                   summary: str) -> bytes:
    """A weekly meeting as one entry that repeats, without the dates it is not held."""
    first = event.starts_at.astimezone(tz)
    entry = _entry(event, now, summary)
    entry.add("uid", f"event-{event.id}@samenbot")
    entry.add("dtstart", first)
    entry.add("dtend", first + (event.ends_at - event.starts_at))
    rule: dict[str, object] = {"freq": "weekly"}
    if event.repeat_until is not None:
        rule["until"] = datetime.combine(event.repeat_until, time(23, 59), tzinfo=tz)
    entry.add("rrule", rule)
    left_out = sorted(skipped)
    if left_out:
        entry.add("exdate", [datetime.combine(day, first.time(), tzinfo=tz) for day in left_out])
    return _calendar(entry)


def _entry(event: Event, now: datetime, summary: str) -> VEvent:
    entry = VEvent()
    entry.add("dtstamp", now)
    entry.add("summary", summary)
    if event.place:
        entry.add("location", event.place)
    if event.cancelled_at:
        entry.add("status", "CANCELLED")
    return entry


def _calendar(entry: VEvent) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//SAMENredzaam//samenbot//EN")
    calendar.add("version", "2.0")
    calendar.add_component(entry)
    calendar.add_missing_timezones()
    return calendar.to_ical()
