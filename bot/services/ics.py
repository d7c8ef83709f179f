"""An add-to-calendar file (.ics, RFC 5545) for one occurrence of an event."""

from __future__ import annotations

from datetime import datetime

from icalendar import Calendar
from icalendar import Event as VEvent

from bot.storage.events import Event


def ics_for(event: Event, start: datetime, end: datetime, *, now: datetime,
            summary: str) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//SAMENredzaam//samenbot//EN")
    calendar.add("version", "2.0")
    entry = VEvent()
    entry.add("uid", f"event-{event.id}-{int(start.timestamp())}@samenbot")
    entry.add("dtstamp", now)
    entry.add("dtstart", start)
    entry.add("dtend", end)
    entry.add("summary", summary)
    if event.place:
        entry.add("location", event.place)
    if event.cancelled_at:
        entry.add("status", "CANCELLED")
    calendar.add_component(entry)
    return calendar.to_ical()
