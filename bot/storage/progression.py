"""SQL for a kwartiermaker's recorded steps (``stage_event``) and the figures shown beside them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.access import Role
from bot.storage.people import Person, from_row
from bot.storage.sqlite import Connection


@dataclass(frozen=True)
class StageEvent:
    id: int
    person_id: int
    stage: str  # apprentice, journeyman, master
    decided_by: int | None  # None once that trainer erased their data
    decided_at: str
    note: str | None
    override: bool
    decided_by_name: str | None = None


def _event(row) -> StageEvent:
    data = dict(row)
    data["override"] = bool(data["override"])
    return StageEvent(**data)


async def history(conn: Connection, person_id: int) -> list[StageEvent]:
    """A person's steps, oldest first, with the name of who decided (while they are here)."""
    rows = await conn.execute_fetchall(
        "SELECT e.*, p.display_name AS decided_by_name FROM stage_event e"
        " LEFT JOIN person p ON p.id = e.decided_by WHERE e.person_id = ?"
        " ORDER BY e.decided_at, e.id", (person_id,))
    return [_event(r) for r in rows]


async def record(conn: Connection, *, person_id: int, stage: str, decided_by: int,
                 now: datetime, note: str | None = None, override: bool = False) -> int | None:
    """The new event's id, or None when this step was already recorded (a second tap)."""
    cur = await conn.execute(
        "INSERT OR IGNORE INTO stage_event (person_id, stage, decided_by, decided_at, note,"
        " override) VALUES (?, ?, ?, ?, ?, ?)",
        (person_id, stage, decided_by, now.isoformat(), note, int(override)))
    return cur.lastrowid if cur.rowcount == 1 else None


async def recorded_stages(conn: Connection) -> dict[int, list[str]]:
    """Every person's recorded steps, in the order they were recorded."""
    rows = await conn.execute_fetchall(
        "SELECT person_id, stage FROM stage_event ORDER BY decided_at, id")
    found: dict[int, list[str]] = {}
    for person_id, stage in rows:
        found.setdefault(person_id, []).append(stage)
    return found


async def kwartiermakers(conn: Connection) -> list[Person]:
    """Active kwartiermakers (reachable or not: a certificate needs no chat), by name."""
    rows = await conn.execute_fetchall(
        "SELECT * FROM person WHERE role = ? AND active = 1 ORDER BY display_name, created_at, id",
        (Role.ORGANISER,))
    return [p for p in (from_row(r) for r in rows) if p is not None]


async def session_figures(conn: Connection, person_id: int) -> tuple[int, int]:
    """Sessions logged in the series this person hosts, and how many of those series are
    complete with a report for every planned session (the hints beside the recorded stage)."""
    cur = await conn.execute(
        "SELECT count(*) FROM table_session t JOIN series s ON s.id = t.series_id"
        " WHERE s.organiser_id = ?", (person_id,))
    logged = int((await cur.fetchone())[0])
    cur = await conn.execute(
        "SELECT count(*) FROM series s WHERE s.organiser_id = ? AND s.planned <= ("
        " SELECT count(*) FROM table_session t WHERE t.series_id = s.id"
        " AND t.report_at IS NOT NULL)", (person_id,))
    complete = int((await cur.fetchone())[0])
    return logged, complete

