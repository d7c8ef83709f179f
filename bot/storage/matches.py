"""SQL for matches between a need and an offer."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime

from bot.access import Role
from bot.storage.sqlite import Connection


@dataclass(frozen=True)
class Match:
    id: int
    need_id: int
    offer_id: int
    status: str
    need_answer: str | None
    offer_answer: str | None
    organiser_id: int | None
    follow_up_at: str | None
    outcome: str | None
    created_at: str
    updated_at: str


_CANDIDATES = (
    "SELECT i.id, i.person_id, i.category, p.language, i.created_at FROM item i"
    " JOIN person p ON p.id = i.person_id WHERE p.invited_by = :organiser_id"
    " AND p.role = :resident_role AND i.kind = :kind AND i.status = 'open'")


async def open_candidates(conn: Connection, organiser_id: int, kind: str,
                          newest: int | None = None) -> list[tuple[int, int, str, str, str]]:
    """(item id, person id, category, language, created_at) of open items in a circle;
    ``newest`` keeps only that many, most recent first."""
    sql = _CANDIDATES + (" ORDER BY i.created_at DESC LIMIT :newest" if newest else "")
    rows = await conn.execute_fetchall(sql, {"organiser_id": organiser_id, "kind": kind,
                                             "newest": newest,
                                             "resident_role": Role.RESIDENT})
    return [tuple(r) for r in rows]


async def newest_offers_per_category(conn: Connection, organiser_id: int,
                                     categories: list[str], per_category: int
                                     ) -> list[tuple[int, int, str, str, str]]:
    """The ``per_category`` newest open offers of each category in a circle (one query; each
    part walks the (kind, status, category, created_at) index backwards)."""
    part = ("SELECT * FROM (SELECT i.id, i.person_id, i.category, p.language, i.created_at"
            " FROM item i JOIN person p ON p.id = i.person_id WHERE i.kind = 'offer'"
            " AND i.status = 'open' AND i.category = ? AND p.invited_by = ?"
            " AND p.role = ? ORDER BY i.created_at DESC LIMIT ?)")
    if not categories:
        return []
    params: list[object] = []
    for code in categories:
        params += [code, organiser_id, Role.RESIDENT, per_category]
    rows = await conn.execute_fetchall(" UNION ALL ".join([part] * len(categories)), params)
    return [tuple(r) for r in rows]


async def open_per_giver(conn: Connection, organiser_id: int) -> dict[int, int]:
    rows = await conn.execute_fetchall(
        "SELECT o.person_id, count(*) FROM match m JOIN item o ON o.id = m.offer_id"
        " WHERE m.organiser_id = ? AND m.status IN ('introduced', 'agreed')"
        " GROUP BY o.person_id", (organiser_id,))
    return {r[0]: r[1] for r in rows}


async def known_pairs(conn: Connection, organiser_id: int) -> set[tuple[int, int]]:
    rows = await conn.execute_fetchall(
        "SELECT need_id, offer_id FROM match WHERE organiser_id = ?", (organiser_id,))
    return {(r[0], r[1]) for r in rows}


async def insert(conn: Connection, *, need_id: int, offer_id: int, status: str,
                 organiser_id: int, now: datetime) -> int | None:
    """The new match id, or None when this pair already has a match (a double tap)."""
    try:
        cur = await conn.execute(
            "INSERT INTO match (need_id, offer_id, status, organiser_id, created_at, updated_at)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (need_id, offer_id, status, organiser_id, now.isoformat(), now.isoformat()))
    except sqlite3.IntegrityError:
        return None
    await history(conn, cur.lastrowid, organiser_id, status, now)
    return cur.lastrowid


async def history(conn: Connection, match_id: int, actor_id: int | None, status: str,
                  now: datetime) -> None:
    await conn.execute("INSERT INTO match_history (match_id, at, actor_id, status)"
                       " VALUES (?, ?, ?, ?)", (match_id, now.isoformat(), actor_id, status))


async def by_id(conn: Connection, match_id: int) -> Match | None:
    cur = await conn.execute("SELECT * FROM match WHERE id = ?", (match_id,))
    row = await cur.fetchone()
    return None if row is None else Match(**dict(row))


async def set_answer(conn: Connection, match_id: int, side: str, answer: str,
                     now: datetime) -> None:
    column = {"need": "need_answer", "offer": "offer_answer"}[side]
    await conn.execute(f"UPDATE match SET {column} = ?, updated_at = ? WHERE id = ?",
                       (answer, now.isoformat(), match_id))


async def set_status(conn: Connection, match_id: int, status: str, actor_id: int | None,
                     now: datetime, *, follow_up_at: datetime | None = None) -> None:
    await conn.execute(
        "UPDATE match SET status = ?, updated_at = ?, follow_up_at = ? WHERE id = ?",
        (status, now.isoformat(), follow_up_at.isoformat() if follow_up_at else None, match_id))
    await history(conn, match_id, actor_id, status, now)


async def due_follow_ups(conn: Connection, now: datetime) -> list[Match]:
    rows = await conn.execute_fetchall(
        "SELECT * FROM match WHERE status = 'agreed' AND follow_up_at IS NOT NULL"
        " AND follow_up_at <= ?", (now.isoformat(),))
    return [Match(**dict(r)) for r in rows]


async def clear_follow_up(conn: Connection, match_id: int) -> None:
    await conn.execute("UPDATE match SET follow_up_at = NULL WHERE id = ?", (match_id,))


async def set_outcome(conn: Connection, match_id: int, outcome: str,
                      now: datetime) -> None:
    await conn.execute("UPDATE match SET outcome = ?, updated_at = ? WHERE id = ?",
                       (outcome, now.isoformat(), match_id))
