"""Plain calendar rules: occurrences of weekly events, reminder times, and typed dates.

Times are stored in UTC and computed in the programme's time zone, so a weekly consultation
hour stays at 14:00 local time across the change to and from summer time.
"""

from __future__ import annotations

import re
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo

from babel import dates as babel_dates

# Reminder rules a trainer can pick; the default is the first two.
REMINDER_RULES = ("day_before_10", "hours_2", "week_before_10")
DEFAULT_REMINDERS = ("day_before_10", "hours_2")


@dataclass(frozen=True)
class Occurrence:
    start: datetime  # aware, UTC
    end: datetime


@dataclass(frozen=True)
class Recurrence:
    """The first occurrence of an event and how it repeats."""

    start: datetime  # aware, UTC
    end: datetime
    weekly: bool = False
    until: date | None = None
    skipped: AbstractSet[date] = frozenset()


def occurrences(recurrence: Recurrence, *, tz: tzinfo, window_start: datetime,
                window_end: datetime) -> list[Occurrence]:
    """Occurrences that start inside [window_start, window_end), in UTC, skips left out."""
    first_start = recurrence.start
    local_start = first_start.astimezone(tz)
    duration = recurrence.end - first_start
    found = []
    week = 0
    while True:
        day = local_start.date() + timedelta(weeks=week)
        if recurrence.until is not None and day > recurrence.until:
            break
        start = datetime.combine(day, local_start.time(), tzinfo=tz).astimezone(first_start.tzinfo)
        if start >= window_end:
            break
        if start >= window_start and day not in recurrence.skipped:
            found.append(Occurrence(start, start + duration))
        if not recurrence.weekly:
            break
        week += 1
    return found


def reminder_time(rule: str, occurrence_start: datetime, tz: tzinfo) -> datetime:
    local = occurrence_start.astimezone(tz)
    if rule == "hours_2":
        return occurrence_start - timedelta(hours=2)
    days = {"day_before_10": 1, "week_before_10": 7}[rule]
    day = local.date() - timedelta(days=days)
    return datetime.combine(day, time(10, 0), tzinfo=tz).astimezone(occurrence_start.tzinfo)


# Typed dates ----------------------------------------------------------------------------------
_NUMERIC = re.compile(r"^\s*(\d{1,2})\s*[-/.]\s*(\d{1,2})(?:\s*[-/.]\s*(\d{2,4}))?\s*$")
_NAMED = re.compile(r"^\s*(\d{1,2})\s+([^\d\s]+)\.?(?:\s+(\d{4}))?\s*$")
_RELATIVE = {"vandaag": 0, "today": 0, "morgen": 1, "tomorrow": 1, "overmorgen": 2,
             "gisteren": -1, "yesterday": -1}


def _names(kind: str, locales: tuple[str, ...]) -> dict[str, int]:
    found: dict[str, int] = {}
    for locale in locales:
        if kind == "month":
            for width in ("wide", "abbreviated"):
                for number, name in babel_dates.get_month_names(width, locale=locale).items():
                    found[name.lower().rstrip(".")] = number
        else:
            for width in ("wide", "abbreviated"):
                for number, name in babel_dates.get_day_names(width, locale=locale).items():
                    found[name.lower().rstrip(".")] = number
    return found


def _wide(kind: str, locales: tuple[str, ...]) -> dict[str, int]:
    """Full names only (abbreviations of different languages collide: "mar")."""
    get = babel_dates.get_month_names if kind == "month" else babel_dates.get_day_names
    return {name.lower(): number for locale in locales
            for number, name in get("wide", locale=locale).items()}


_LOCALES = ("nl", "en")
# Every language people can pick understands its own day and month names ("viernes", "cuma",
# "الجمعة"); Dutch and English, with their abbreviations, win where names collide.
_OTHERS = ("tr", "es", "ar", "pap", "ak")
_MONTHS = {**_wide("month", _OTHERS), **_names("month", _LOCALES)}
_WEEKDAYS = {**_wide("day", _OTHERS), **_names("day", _LOCALES)}


def parse_date(text: str, today: date) -> date | None:
    """Understands "12-3", "12/03/2027", "12 maart", "12 march", "vrijdag", "morgen".

    A day and month without a year mean the next such date from today on. Weekday names mean
    the next such day (today counts). Returns None when the text is not a date.
    """
    text = text.strip().lower()
    if text in _RELATIVE:
        return today + timedelta(days=_RELATIVE[text])
    if text.rstrip(".") in _WEEKDAYS:
        ahead = (_WEEKDAYS[text.rstrip(".")] - today.weekday()) % 7
        return today + timedelta(days=ahead)
    match = _NUMERIC.match(text)
    if match:
        day, month, year = int(match.group(1)), int(match.group(2)), match.group(3)
        return _build(day, month, year, today)
    match = _NAMED.match(text)
    if match and match.group(2).rstrip(".") in _MONTHS:
        return _build(int(match.group(1)), _MONTHS[match.group(2).rstrip(".")], match.group(3),
                      today)
    return None


def _build(day: int, month: int, year: str | None, today: date) -> date | None:
    try:
        if year is not None:
            full = int(year) + (2000 if len(year) == 2 else 0)
            return date(full, month, day)
        candidate = date(today.year, month, day)
        return candidate if candidate >= today else date(today.year + 1, month, day)
    except ValueError:
        return None


_TIME = re.compile(r"^\s*(\d{1,2})(?:\s*[:.hu]\s*(\d{2}))?\s*(?:uur)?\s*$")


def parse_time(text: str) -> time | None:
    """Understands "14:00", "14.30", "9", "19u30", "14 uur"."""
    match = _TIME.match(text.strip().lower())
    if not match:
        return None
    hour, minute = int(match.group(1)), int(match.group(2) or 0)
    if hour > 23 or minute > 59:
        return None
    return time(hour, minute)


_YEAR = re.compile(r"\d{4}|\d{1,2}\s*[-/.]\s*\d{1,2}\s*[-/.]\s*\d{2}")


def parse_past_date(text: str, today: date) -> date | None:
    """A typed date that looks back, as a session log does: "friday" is the last friday,
    "12-3" without a year the last 12 March (unless that is in the coming week: then it
    stays, to be refused). Tomorrow stays tomorrow (to be refused)."""
    day = parse_date(text, today)
    if day is None or day <= today + timedelta(days=1) or _YEAR.search(text):
        return day
    if day - today < timedelta(days=7):
        # "friday" is the last friday; "5-12" typed on 1 December stays 5 December, to be
        # refused as still to come, not quietly read as another day.
        return day if any(ch.isdigit() for ch in text) else day - timedelta(days=7)
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)
