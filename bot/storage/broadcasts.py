"""SQL for broadcasts and their progress."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.access import Role
from bot.storage.sqlite import Connection


@dataclass(frozen=True)
class Broadcast:
    id: int
    created_by: int | None
    audience: str
    total: int
    status: str
    status_chat_id: int | None
    status_message_id: int | None
    created_at: str
    finished_at: str | None
    sender_language: str | None = None


async def insert(conn: Connection, *, created_by: int, audience: str, total: int,
                 status_chat_id: int, now: datetime) -> int:
    cur = await conn.execute(
        "INSERT INTO broadcast (created_by, audience, total, status_chat_id, created_at)"
        " VALUES (?, ?, ?, ?, ?)", (created_by, audience, total, status_chat_id, now.isoformat()))
    return cur.lastrowid


async def set_status_message(conn: Connection, broadcast_id: int,
                             message_id: int) -> None:
    await conn.execute("UPDATE broadcast SET status_message_id = ? WHERE id = ?",
                       (message_id, broadcast_id))


async def sending(conn: Connection) -> list[Broadcast]:
    rows = await conn.execute_fetchall(
        "SELECT b.*, p.language AS sender_language FROM broadcast b"
        " LEFT JOIN person p ON p.id = b.created_by WHERE b.status = 'sending'")
    return [Broadcast(**dict(r)) for r in rows]


async def finish(conn: Connection, broadcast_id: int, now: datetime) -> bool:
    cur = await conn.execute("UPDATE broadcast SET status = 'done', finished_at = ? WHERE id = ?"
                             " AND status = 'sending'", (now.isoformat(), broadcast_id))
    return cur.rowcount == 1


async def by_id(conn: Connection, broadcast_id: int) -> Broadcast | None:
    row = await (await conn.execute(
        "SELECT b.*, p.language AS sender_language FROM broadcast b"
        " LEFT JOIN person p ON p.id = b.created_by WHERE b.id = ?", (broadcast_id,))).fetchone()
    return None if row is None else Broadcast(**dict(row))


async def names_by_status(conn: Connection, ref: str, status: str) -> tuple[list[str], int]:
    """First names of the recipients of a broadcast whose copy ended in ``status`` (not of
    residents, whom a trainer sees only in numbers), and how many residents besides."""
    rows = await conn.execute_fetchall(
        "SELECT p.display_name, p.role FROM outbox o JOIN person p ON p.id = o.person_id"
        " WHERE o.ref = ? AND o.status = ? ORDER BY p.display_name", (ref, status))
    names = [r[0] for r in rows if r[1] != Role.RESIDENT]
    return names, len(rows) - len(names)


async def send_again(conn: Connection, broadcast_id: int, ref: str,
                     now: datetime) -> int:
    """Copies that provably never arrived (failed, or cancelled behind a block) wait again; the
    broadcast counts up anew. Unknown copies are left alone: they may have arrived."""
    cur = await conn.execute(
        "UPDATE outbox SET status = 'pending', attempts = 0, due_at = ?, last_error = NULL"
        " WHERE ref = ? AND status IN ('failed', 'cancelled')", (now.isoformat(), ref))
    if cur.rowcount:
        await conn.execute("UPDATE broadcast SET status = 'sending', finished_at = NULL"
                           " WHERE id = ?", (broadcast_id,))
    return cur.rowcount
