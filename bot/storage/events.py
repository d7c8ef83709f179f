"""SQL for events, their reminders, RSVPs and attendance."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime

from bot.storage.sqlite import Connection, Row


@dataclass(frozen=True)
class Event:
    id: int
    kind: str
    title: str
    place: str
    starts_at: datetime
    ends_at: datetime
    weekly: bool
    repeat_until: date | None
    audience: str
    audience_ref: int | None
    reminders: tuple[str, ...]
    created_by: int | None
    cancelled_at: str | None
    created_at: str


def _event(row: Row | None) -> Event | None:
    if row is None:
        return None
    data = dict(row)
    data["starts_at"] = datetime.fromisoformat(data["starts_at"])
    data["ends_at"] = datetime.fromisoformat(data["ends_at"])
    data["weekly"] = bool(data["weekly"])
    until = data["repeat_until"]
    data["repeat_until"] = date.fromisoformat(until) if until else None
    data["reminders"] = tuple(json.loads(data["reminders"]))
    return Event(**data)


async def insert(conn: Connection, *, kind: str, title: str, place: str,
                 starts_at: datetime, ends_at: datetime, weekly: bool, audience: str,
                 audience_ref: int | None, members: tuple[int, ...],
                 reminders: tuple[str, ...], created_by: int, now: datetime) -> Event:
    cur = await conn.execute(
        "INSERT INTO event (kind, title, place, starts_at, ends_at, weekly, audience,"
        " audience_ref, reminders, created_by, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (kind, title, place, starts_at.isoformat(), ends_at.isoformat(), int(weekly), audience,
         audience_ref, json.dumps(list(reminders)), created_by, now.isoformat()))
    await conn.executemany("INSERT INTO event_member (event_id, person_id) VALUES (?, ?)",
                           [(cur.lastrowid, pid) for pid in members])
    event = await by_id(conn, cur.lastrowid)
    assert event is not None
    return event


async def by_id(conn: Connection, event_id: int) -> Event | None:
    cur = await conn.execute("SELECT * FROM event WHERE id = ?", (event_id,))
    return _event(await cur.fetchone())


async def active(conn: Connection) -> list[Event]:
    rows = await conn.execute_fetchall("SELECT * FROM event WHERE cancelled_at IS NULL")
    return [e for e in (_event(r) for r in rows) if e is not None]


async def by_creator(conn: Connection, person_id: int) -> list[Event]:
    rows = await conn.execute_fetchall(
        "SELECT * FROM event WHERE created_by = ? AND cancelled_at IS NULL ORDER BY starts_at",
        (person_id,))
    return [e for e in (_event(r) for r in rows) if e is not None]


async def skipped_dates(conn: Connection, event_id: int) -> set[date]:
    rows = await conn.execute_fetchall(
        "SELECT occurs_on FROM event_skip WHERE event_id = ?", (event_id,))
    return {date.fromisoformat(r[0]) for r in rows}


async def cancel(conn: Connection, event_id: int, now: datetime) -> bool:
    cur = await conn.execute("UPDATE event SET cancelled_at = ? WHERE id = ? AND cancelled_at"
                             " IS NULL", (now.isoformat(), event_id))
    await conn.execute("UPDATE reminder SET status = 'cancelled' WHERE event_id = ?"
                       " AND status = 'planned'", (event_id,))
    return cur.rowcount == 1


async def skip_date(conn: Connection, event_id: int, day: date,
                    occurrence_start: datetime) -> None:
    await conn.execute("INSERT OR IGNORE INTO event_skip (event_id, occurs_on) VALUES (?, ?)",
                       (event_id, day.isoformat()))
    await conn.execute("UPDATE reminder SET status = 'cancelled' WHERE event_id = ?"
                       " AND occurrence_start = ? AND status = 'planned'",
                       (event_id, occurrence_start.isoformat()))


async def move(conn: Connection, event_id: int, starts_at: datetime,
               ends_at: datetime) -> None:
    await conn.execute("UPDATE event SET starts_at = ?, ends_at = ? WHERE id = ?",
                       (starts_at.isoformat(), ends_at.isoformat(), event_id))
    await conn.execute("UPDATE reminder SET status = 'cancelled' WHERE event_id = ?"
                       " AND status = 'planned'", (event_id,))


# reminders ----------------------------------------------------------------------------------
async def plan_reminder(conn: Connection, event_id: int, occurrence_start: datetime,
                        remind_at: datetime) -> None:
    await conn.execute(
        "INSERT OR IGNORE INTO reminder (event_id, occurrence_start, remind_at) VALUES (?, ?, ?)",
        (event_id, occurrence_start.isoformat(), remind_at.isoformat()))


async def due_reminders(conn: Connection, now: datetime) -> list[tuple[int, int, str]]:
    rows = await conn.execute_fetchall(
        "SELECT id, event_id, occurrence_start FROM reminder WHERE status = 'planned'"
        " AND remind_at <= ? ORDER BY remind_at, id", (now.isoformat(),))
    return [(r[0], r[1], r[2]) for r in rows]


async def set_reminder_status(conn: Connection, reminder_id: int, status: str) -> bool:
    cur = await conn.execute("UPDATE reminder SET status = ? WHERE id = ? AND status = 'planned'",
                             (status, reminder_id))
    return cur.rowcount == 1


# answers and attendance -----------------------------------------------------------------------
async def upsert_rsvp(conn: Connection, *, event_id: int, occurrence_start: str,
                      person_id: int, answer: str, reason: str | None, now: datetime) -> bool:
    """Records an answer; False when exactly this answer was already recorded."""
    cur = await conn.execute(
        "SELECT answer, reason FROM rsvp WHERE event_id = ? AND occurrence_start = ?"
        " AND person_id = ?", (event_id, occurrence_start, person_id))
    previous = await cur.fetchone()
    if previous is not None and tuple(previous) == (answer, reason):
        return False
    await conn.execute(
        "INSERT INTO rsvp (event_id, occurrence_start, person_id, answer, reason, answered_at)"
        " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (event_id, occurrence_start, person_id)"
        " DO UPDATE SET answer = excluded.answer, reason = excluded.reason,"
        " answered_at = excluded.answered_at",
        (event_id, occurrence_start, person_id, answer, reason, now.isoformat()))
    return True


async def claim_notice(conn: Connection, event_id: int, occurrence_start: str,
                       person_id: int, now: datetime) -> bool:
    """Marks that the organiser was told about this answer; False when they already were
    (one notice per person, event and date, however often the answer changes)."""
    cur = await conn.execute(
        "UPDATE rsvp SET told_at = ? WHERE event_id = ? AND occurrence_start = ?"
        " AND person_id = ? AND told_at IS NULL",
        (now.isoformat(), event_id, occurrence_start, person_id))
    return cur.rowcount == 1


async def answer_counts(conn: Connection, event_id: int, occurrence_start: str
                        ) -> dict[str, int]:
    """How many said yes and no to one date of a meeting."""
    rows = await conn.execute_fetchall(
        "SELECT answer, count(*) FROM rsvp WHERE event_id = ? AND occurrence_start = ?"
        " GROUP BY answer", (event_id, occurrence_start))
    return {r[0]: r[1] for r in rows}


async def declined(conn: Connection, event_id: int, occurrence_start: str) -> set[int]:
    rows = await conn.execute_fetchall(
        "SELECT person_id FROM rsvp WHERE event_id = ? AND occurrence_start = ? AND answer = 'no'",
        (event_id, occurrence_start))
    return {r[0] for r in rows}


async def set_attendance(conn: Connection, *, event_id: int, occurrence_start: str,
                         present: dict[int, bool], recorded_by: int, now: datetime) -> None:
    for person_id, here in present.items():
        await conn.execute(
            "INSERT INTO attendance (event_id, occurrence_start, person_id, present, recorded_by,"
            " recorded_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (event_id, occurrence_start,"
            " person_id) DO UPDATE SET present = excluded.present,"
            " recorded_by = excluded.recorded_by, recorded_at = excluded.recorded_at",
            (event_id, occurrence_start, person_id, int(here), recorded_by, now.isoformat()))


async def attendance_of(conn: Connection, event_id: int,
                        occurrence_start: str) -> dict[int, bool]:
    rows = await conn.execute_fetchall(
        "SELECT person_id, present FROM attendance WHERE event_id = ? AND occurrence_start = ?",
        (event_id, occurrence_start))
    return {r[0]: bool(r[1]) for r in rows}


async def missed_training_days(conn: Connection, person_id: int) -> int:
    """Training days the person was marked absent at; for someone in a round only those
    inside that round's dates (misses of an earlier round do not follow them)."""
    rows = await conn.execute_fetchall(
        "SELECT a.occurrence_start, r.opens_at, r.closes_at FROM attendance a"
        " JOIN event e ON e.id = a.event_id JOIN person p ON p.id = a.person_id"
        " LEFT JOIN round r ON r.id = p.round_id"
        " WHERE a.person_id = ? AND a.present = 0 AND e.kind = 'training'", (person_id,))
    return sum(1 for start, opens, closes in rows if opens is None
               or datetime.fromisoformat(opens) <= datetime.fromisoformat(start)
               < datetime.fromisoformat(closes))


async def member_ids(conn: Connection, event_id: int) -> tuple[int, ...]:
    rows = await conn.execute_fetchall(
        "SELECT person_id FROM event_member WHERE event_id = ? ORDER BY person_id", (event_id,))
    return tuple(r[0] for r in rows)
