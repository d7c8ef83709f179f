"""SQL for group offers: an offer with places, and the seats of the residents invited to it."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.access import Role
from bot.storage.items import Item
from bot.storage.sqlite import Connection

TAKEN = ("agreed", "done")  # seats that fill a place of the activity
HELD = ("invited", "agreed", "done")  # seats that keep a place from being offered again


@dataclass(frozen=True)
class Group:
    id: int
    offer_id: int
    organiser_id: int | None
    places: int
    status: str
    host_answer: str | None
    asked_at: str | None
    follow_up_at: str | None
    followed_up_at: str | None
    outcome: str | None
    created_at: str
    updated_at: str


@dataclass(frozen=True)
class Seat:
    id: int
    group_id: int
    need_id: int
    status: str
    answer: str | None
    follow_up_at: str | None
    outcome: str | None
    created_at: str
    updated_at: str


# groups ----------------------------------------------------------------------------------------
async def create(conn: Connection, *, offer_id: int, organiser_id: int, places: int,
                 now: datetime) -> int | None:
    """The new group's id, or None when this offer is a group already."""
    try:
        cur = await conn.execute(
            "INSERT INTO group_offer (offer_id, organiser_id, places, created_at, updated_at)"
            " VALUES (?, ?, ?, ?, ?)",
            (offer_id, organiser_id, places, now.isoformat(), now.isoformat()))
    except sqlite3.IntegrityError:
        return None
    return cur.lastrowid


async def by_id(conn: Connection, group_id: int) -> Group | None:
    cur = await conn.execute("SELECT * FROM group_offer WHERE id = ?", (group_id,))
    row = await cur.fetchone()
    return None if row is None else Group(**dict(row))


async def by_offer(conn: Connection, offer_id: int) -> Group | None:
    cur = await conn.execute("SELECT * FROM group_offer WHERE offer_id = ?", (offer_id,))
    row = await cur.fetchone()
    return None if row is None else Group(**dict(row))


async def _update(conn: Connection, table: str, row_id: int, now: datetime,
                  **values: Any) -> None:
    columns = ", ".join(f"{name} = ?" for name in values)
    await conn.execute(f"UPDATE {table} SET {columns}, updated_at = ? WHERE id = ?",
                       (*values.values(), now.isoformat(), row_id))


async def set_group(conn: Connection, group_id: int, now: datetime, **values: Any) -> None:
    """Sets columns of a group (``status``, ``host_answer``, ``asked_at``, ``follow_up_at``,
    ``followed_up_at``, ``outcome``); datetimes are stored as ISO text."""
    await _update(conn, "group_offer", group_id, now, **_iso(values))


async def live_offer_ids(conn: Connection, organiser_id: int) -> set[int]:
    """The offers of a circle that are an open group activity (not suggested one to one)."""
    rows = await conn.execute_fetchall(
        "SELECT g.offer_id FROM group_offer g JOIN item i ON i.id = g.offer_id"
        " JOIN person p ON p.id = i.person_id WHERE p.invited_by = ? AND g.status = 'open'",
        (organiser_id,))
    return {r[0] for r in rows}


async def circle_offers(conn: Connection, organiser_id: int
                        ) -> list[tuple[Item, str, Group | None, int]]:
    """Open offers of a circle's residents with their first name, their group (if any) and
    the places its seats hold."""
    rows = await conn.execute_fetchall(
        "SELECT i.*, p.display_name AS _name, g.id AS _group,"
        " (SELECT count(*) FROM group_seat s WHERE s.group_id = g.id"
        f"  AND s.status IN {HELD}) AS _held"
        " FROM item i JOIN person p ON p.id = i.person_id"
        " LEFT JOIN group_offer g ON g.offer_id = i.id"
        " WHERE p.invited_by = ? AND p.role = ? AND i.kind = 'offer' AND i.status = 'open'"
        " ORDER BY i.category, p.display_name, i.id", (organiser_id, Role.RESIDENT))
    found = []
    for r in rows:
        data = dict(r)
        name, group_id, held = data.pop("_name"), data.pop("_group"), data.pop("_held")
        group = await by_id(conn, group_id) if group_id is not None else None
        found.append((Item(**data), name, group, held or 0))
    return found


async def due_groups(conn: Connection, now: datetime) -> list[Group]:
    rows = await conn.execute_fetchall(
        "SELECT * FROM group_offer WHERE status = 'open' AND follow_up_at IS NOT NULL"
        " AND follow_up_at <= ?", (now.isoformat(),))
    return [Group(**dict(r)) for r in rows]


# seats -----------------------------------------------------------------------------------------
async def insert_seat(conn: Connection, group_id: int, need_id: int, now: datetime
                      ) -> int | None:
    """The new seat's id, or None when this need was invited to this group before."""
    try:
        cur = await conn.execute(
            "INSERT INTO group_seat (group_id, need_id, created_at, updated_at)"
            " VALUES (?, ?, ?, ?)", (group_id, need_id, now.isoformat(), now.isoformat()))
    except sqlite3.IntegrityError:
        return None
    return cur.lastrowid


async def seat_by_id(conn: Connection, seat_id: int) -> Seat | None:
    cur = await conn.execute("SELECT * FROM group_seat WHERE id = ?", (seat_id,))
    row = await cur.fetchone()
    return None if row is None else Seat(**dict(row))


async def seats(conn: Connection, group_id: int) -> list[Seat]:
    rows = await conn.execute_fetchall(
        "SELECT * FROM group_seat WHERE group_id = ? ORDER BY id", (group_id,))
    return [Seat(**dict(r)) for r in rows]


async def count(conn: Connection, group_id: int, statuses: tuple[str, ...]) -> int:
    marks = ", ".join("?" * len(statuses))
    cur = await conn.execute(
        f"SELECT count(*) FROM group_seat WHERE group_id = ? AND status IN ({marks})",
        (group_id, *statuses))
    row = await cur.fetchone()
    return int(row[0])


async def set_seat(conn: Connection, seat_id: int, now: datetime, **values: Any) -> None:
    """Sets columns of a seat (``status``, ``answer``, ``follow_up_at``, ``outcome``)."""
    await _update(conn, "group_seat", seat_id, now, **_iso(values))


async def due_seats(conn: Connection, now: datetime) -> list[Seat]:
    rows = await conn.execute_fetchall(
        "SELECT * FROM group_seat WHERE status = 'agreed' AND follow_up_at IS NOT NULL"
        " AND follow_up_at <= ?", (now.isoformat(),))
    return [Seat(**dict(r)) for r in rows]


async def needs_for(conn: Connection, organiser_id: int, group_id: int | None,
                    categories: list[str], offerer_id: int) -> list[tuple[Item, str]]:
    """Open needs of these categories in a circle, of residents who can be asked (on
    Telegram), not the offerer's own and not invited to this group before; with first names."""
    if not categories:
        return []
    marks = ", ".join("?" * len(categories))
    rows = await conn.execute_fetchall(
        "SELECT i.*, p.display_name AS _name FROM item i JOIN person p ON p.id = i.person_id"
        " WHERE p.invited_by = ? AND p.role = ? AND i.kind = 'need' AND i.status = 'open'"
        f" AND i.category IN ({marks}) AND p.id != ? AND p.telegram_id IS NOT NULL"
        " AND NOT EXISTS (SELECT 1 FROM group_seat s WHERE s.group_id = ?"
        "  AND s.need_id = i.id) ORDER BY p.display_name, i.id",
        (organiser_id, Role.RESIDENT, *categories, offerer_id, group_id or 0))
    found = []
    for r in rows:
        data = dict(r)
        name = data.pop("_name")
        found.append((Item(**data), name))
    return found


# /mydata ---------------------------------------------------------------------------------------
async def export_rows(conn: Connection, person_id: int) -> list[dict[str, Any]]:
    """The group activities a person offers or was invited to: their own answers and the
    theme, never who else was in the group."""
    offered = await conn.execute_fetchall(
        "SELECT 'offerer' AS part, i.category, g.places, g.status, g.host_answer AS answer,"
        " g.outcome, g.created_at FROM group_offer g JOIN item i ON i.id = g.offer_id"
        " WHERE i.person_id = ? ORDER BY g.id", (person_id,))
    joined = await conn.execute_fetchall(
        "SELECT 'participant' AS part, i.category, g.places, s.status, s.answer, s.outcome,"
        " s.created_at FROM group_seat s JOIN item i ON i.id = s.need_id"
        " JOIN group_offer g ON g.id = s.group_id WHERE i.person_id = ? ORDER BY s.id",
        (person_id,))
    return [dict(r) for r in (*offered, *joined)]


def _iso(values: dict[str, Any]) -> dict[str, Any]:
    return {k: v.isoformat() if isinstance(v, datetime) else v for k, v in values.items()}
