"""SQL for rounds (cohorts) of the programme and who is in which."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from bot.access import Role
from bot.storage.sqlite import Connection, Row


@dataclass(frozen=True)
class Round:
    id: int
    name: str
    starts_on: date
    ends_on: date
    opens_at: str  # UTC instant of local midnight at the start
    closes_at: str  # UTC instant of local midnight after the end
    created_at: str

    def runs_on(self, day: date) -> bool:
        return self.starts_on <= day <= self.ends_on


def _round(row: Row | None) -> Round | None:
    if row is None:
        return None
    data = dict(row)
    data["starts_on"] = date.fromisoformat(data["starts_on"])
    data["ends_on"] = date.fromisoformat(data["ends_on"])
    return Round(**data)


async def insert(conn: Connection, *, name: str, starts_on: date, ends_on: date,
                 opens_at: datetime, closes_at: datetime, now: datetime) -> int:
    cur = await conn.execute(
        "INSERT INTO round (name, starts_on, ends_on, opens_at, closes_at, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        (name, starts_on.isoformat(), ends_on.isoformat(), opens_at.isoformat(),
         closes_at.isoformat(), now.isoformat()))
    return cur.lastrowid


async def by_id(conn: Connection, round_id: int) -> Round | None:
    cur = await conn.execute("SELECT * FROM round WHERE id = ?", (round_id,))
    return _round(await cur.fetchone())


async def every(conn: Connection) -> list[Round]:
    """All rounds, the earliest first."""
    rows = await conn.execute_fetchall("SELECT * FROM round ORDER BY starts_on, id")
    return [r for r in map(_round, rows) if r is not None]


async def sizes(conn: Connection) -> dict[int | None, int]:
    """Kwartiermakers per round (``None``: in no round), active or paused."""
    rows = await conn.execute_fetchall(
        "SELECT round_id, count(*) FROM person WHERE role = ? GROUP BY round_id",
        (Role.ORGANISER,))
    return {r[0]: int(r[1]) for r in rows}


async def granted(conn: Connection) -> dict[int | None, int]:
    """Vouchers approved or paid, per round (``None``: vouchers without a round)."""
    rows = await conn.execute_fetchall(
        "SELECT round_id, count(*) FROM voucher WHERE status IN ('approved', 'paid')"
        " GROUP BY round_id")
    return {r[0]: int(r[1]) for r in rows}


async def set_round(conn: Connection, person_id: int, round_id: int | None) -> bool:
    """Puts a person in a round (or in none); False when they were there already."""
    cur = await conn.execute(
        "UPDATE person SET round_id = ? WHERE id = ? AND round_id IS NOT ?",
        (round_id, person_id, round_id))
    return cur.rowcount == 1


async def export_row(conn: Connection, round_id: int | None) -> dict | None:
    """A person's round as /mydata shows it: its name and dates (never its id)."""
    if round_id is None:
        return None
    cur = await conn.execute("SELECT name, starts_on, ends_on FROM round WHERE id = ?",
                             (round_id,))
    row = await cur.fetchone()
    return None if row is None else dict(row)
