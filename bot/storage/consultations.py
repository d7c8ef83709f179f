"""SQL for requests for an individual talk: the request, its proposals, and erasing it.

Every change of state is a compare-and-set on the status (and the proposal's round), so a
double tap or an old button changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from bot.storage import outbox, people
from bot.storage.sqlite import Connection, Row

if TYPE_CHECKING:  # people imports this module (erasure, /mydata)
    from bot.storage.people import Person

@dataclass(frozen=True)
class Consultation:
    id: int
    person_id: int
    text: str
    voice_file_id: str | None
    voice_seconds: int | None
    status: str  # open, proposed, agreed, withdrawn
    trainer_id: int | None
    proposed_start: datetime | None
    proposed_end: datetime | None
    proposed_place: str
    round: int
    event_id: int | None
    created_at: str
    updated_at: str


def _consultation(row: Row | None) -> Consultation | None:
    if row is None:
        return None
    data = dict(row)
    for key in ("proposed_start", "proposed_end"):
        data[key] = datetime.fromisoformat(data[key]) if data[key] else None
    return Consultation(**data)


async def insert(conn: Connection, *, person_id: int, text: str, voice_file_id: str | None,
                 voice_seconds: int | None, now: datetime) -> Consultation:
    cur = await conn.execute(
        "INSERT INTO consultation (person_id, text, voice_file_id, voice_seconds, created_at,"
        " updated_at) VALUES (?, ?, ?, ?, ?, ?)",
        (person_id, text, voice_file_id, voice_seconds, now.isoformat(), now.isoformat()))
    found = await by_id(conn, cur.lastrowid)
    assert found is not None
    return found


async def by_id(conn: Connection, consultation_id: int) -> Consultation | None:
    cur = await conn.execute("SELECT * FROM consultation WHERE id = ?", (consultation_id,))
    return _consultation(await cur.fetchone())


async def of_person(conn: Connection, person_id: int) -> list[Consultation]:
    """The person's requests, newest first."""
    rows = await conn.execute_fetchall(
        "SELECT * FROM consultation WHERE person_id = ? ORDER BY id DESC", (person_id,))
    return [c for c in map(_consultation, rows) if c is not None]


async def active(conn: Connection) -> list[Consultation]:
    """Requests still open, proposed or agreed, oldest first."""
    rows = await conn.execute_fetchall(
        "SELECT * FROM consultation WHERE status IN ('open', 'proposed', 'agreed') ORDER BY id")
    return [c for c in map(_consultation, rows) if c is not None]


async def propose(conn: Connection, consultation_id: int, *, trainer_id: int, start: datetime,
                  end: datetime, place: str, now: datetime) -> bool:
    """A new proposal (open or proposed → proposed, one round more); False if the request was
    agreed or withdrawn meanwhile."""
    cur = await conn.execute(
        "UPDATE consultation SET status = 'proposed', trainer_id = ?, proposed_start = ?,"
        " proposed_end = ?, proposed_place = ?, round = round + 1, updated_at = ?"
        " WHERE id = ? AND status IN ('open', 'proposed')",
        (trainer_id, start.isoformat(), end.isoformat(), place, now.isoformat(),
         consultation_id))
    return cur.rowcount == 1


async def answer(conn: Connection, consultation_id: int, *, round_: int, status: str,
                 now: datetime) -> bool:
    """The requester's answer to proposal ``round_``: agreed, or open again."""
    cur = await conn.execute(
        "UPDATE consultation SET status = ?, updated_at = ?"
        " WHERE id = ? AND status = 'proposed' AND round = ?",
        (status, now.isoformat(), consultation_id, round_))
    return cur.rowcount == 1


async def set_event(conn: Connection, consultation_id: int, event_id: int) -> None:
    await conn.execute("UPDATE consultation SET event_id = ? WHERE id = ?",
                       (event_id, consultation_id))


async def withdraw(conn: Connection, consultation_id: int, now: datetime) -> bool:
    cur = await conn.execute(
        "UPDATE consultation SET status = 'withdrawn', updated_at = ?"
        " WHERE id = ? AND status IN ('open', 'proposed', 'agreed')",
        (now.isoformat(), consultation_id))
    return cur.rowcount == 1


async def talk_event_ids(conn: Connection) -> set[int]:
    """Events that are agreed talks (not the weekly consultation hour itself)."""
    rows = await conn.execute_fetchall(
        "SELECT event_id FROM consultation WHERE event_id IS NOT NULL")
    return {r[0] for r in rows}


async def trainers(conn: Connection) -> list[Person]:
    return await people.trainers(conn)


async def export(conn: Connection, person_id: int) -> list[dict[str, Any]]:
    """The person's own requests, for /mydata (the trainer's id is left out)."""
    rows = await conn.execute_fetchall(
        "SELECT text, voice_file_id, voice_seconds, status, proposed_start, proposed_place,"
        " created_at FROM consultation WHERE person_id = ? ORDER BY id", (person_id,))
    return [dict(r) for r in rows]


# erasure -------------------------------------------------------------------------------------
async def _drop_event(conn: Connection, event_id: int) -> None:
    """The event of a talk goes with its reminders, answers and attendance; what was sent
    about it (its title names both people) is blanked, and cancelled if not sent yet."""
    ref = f"event:{event_id}:%"
    await conn.execute("UPDATE outbox SET status = 'cancelled', last_error = 'erased'"
                       " WHERE status = 'pending' AND ref LIKE ?", (ref,))
    await conn.execute("UPDATE outbox SET payload = ? WHERE ref LIKE ?",
                       (outbox.ERASED, ref))
    await conn.execute("DELETE FROM event WHERE id = ?", (event_id,))


async def erase(conn: Connection, person: Person) -> None:
    """Before the person row goes (their requests go with it, by the foreign key): the
    events of their talks, whose title names them. As the trainer of a proposal not yet
    answered, it is open again for another trainer (its buttons go stale); an agreed talk
    stays on the requester's agenda."""
    rows = await conn.execute_fetchall(
        "SELECT event_id FROM consultation WHERE person_id = ? AND event_id IS NOT NULL",
        (person.id,))
    for row in rows:
        await _drop_event(conn, row[0])
    await conn.execute(
        "UPDATE consultation SET status = 'open', trainer_id = NULL, proposed_start = NULL,"
        " proposed_end = NULL, proposed_place = '', round = round + 1"
        " WHERE trainer_id = ? AND status = 'proposed'", (person.id,))
    # their own rows go with the person row (ON DELETE CASCADE)
