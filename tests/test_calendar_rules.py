"""Calendar rules without Telegram: weekly events across summer time, reminders, typed dates."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from bot.services.calendar import (
    Recurrence,
    occurrences,
    parse_date,
    parse_past_date,
    parse_time,
    reminder_time,
)

AMS = ZoneInfo("Europe/Amsterdam")


def local(*args: int) -> datetime:
    return datetime(*args, tzinfo=AMS).astimezone(UTC)


@pytest.mark.parametrize(("first", "label"), [
    (local(2027, 3, 17, 14, 0), "around the last Sunday of March"),
    (local(2026, 10, 21, 14, 0), "around the last Sunday of October"),
])
def test_weekly_consultation_hour_keeps_its_local_time(first, label):
    found = occurrences(Recurrence(first, first.replace(hour=first.hour + 1), weekly=True,
                                   until=None, skipped=set()), tz=AMS, window_start=first,
                        window_end=first.replace(year=first.year + 1, month=1, day=1)
                        if first.month == 10 else local(2027, 4, 15, 0, 0))
    local_times = {o.start.astimezone(AMS).time() for o in found}
    assert local_times == {time(14, 0)}, label
    utc_hours = {o.start.hour for o in found}
    assert len(utc_hours) == 2, label  # 13:00 UTC in winter, 12:00 UTC in summer


def test_skipped_dates_and_until():
    first = local(2026, 12, 2, 14, 0)
    found = occurrences(Recurrence(first, first, weekly=True, until=date(2026, 12, 30),
                                   skipped={date(2026, 12, 23)}), tz=AMS, window_start=first,
                        window_end=local(2027, 2, 1, 0, 0))
    assert [o.start.astimezone(AMS).day for o in found] == [2, 9, 16, 30]


def test_reminders_the_day_before_at_ten_and_two_hours_before_across_summer_time():
    start = local(2027, 3, 29, 10, 0)  # Monday after the clocks went forward
    assert reminder_time("day_before_10", start, AMS).astimezone(AMS) == datetime(
        2027, 3, 28, 10, 0, tzinfo=AMS)
    assert reminder_time("hours_2", start, AMS).astimezone(AMS) == datetime(
        2027, 3, 29, 8, 0, tzinfo=AMS)
    # The night the clocks go back: two hours before 02:30 is still two real hours.
    start = local(2026, 10, 25, 9, 0)
    assert (start - reminder_time("hours_2", start, AMS)).total_seconds() == 7200


TODAY = date(2026, 11, 29)  # a Sunday


@pytest.mark.parametrize(("text", "expected"), [
    ("12-3", date(2027, 3, 12)), ("12/03/2027", date(2027, 3, 12)), ("1-12", date(2026, 12, 1)),
    ("12 maart", date(2027, 3, 12)), ("4 december", date(2026, 12, 4)),
    ("4 dec", date(2026, 12, 4)),
    ("vrijdag", date(2026, 12, 4)), ("Friday", date(2026, 12, 4)), ("zondag", TODAY),
    ("morgen", date(2026, 11, 30)), ("gisteren", date(2026, 11, 28)),
    ("31-2", None), ("soon", None), ("", None), ("12-13", None),
])
def test_typed_dates(text, expected):
    assert parse_date(text, TODAY) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("14:00", time(14, 0)), ("9", time(9, 0)), ("19u30", time(19, 30)), ("14.30", time(14, 30)),
    ("14 uur", time(14, 0)), ("25:00", None), ("later", None),
])
def test_typed_times(text, expected):
    assert parse_time(text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("vrijdag", date(2026, 11, 27)),  # the last friday
    ("3-11", date(2026, 11, 3)),
    ("12-3", date(2026, 3, 12)),  # the last 12 March
    ("5-12", date(2026, 12, 5)),  # in the coming week: kept, so the log refuses it
    ("morgen", date(2026, 12, 2)),  # kept, so the log refuses it
])
def test_dates_typed_for_a_log_look_back_but_never_move_a_typed_day(text, expected):
    assert parse_past_date(text, date(2026, 12, 1)) == expected
