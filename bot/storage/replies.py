"""SQL for stored replies: written with their update, deleted once sent."""

from __future__ import annotations

import json
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.storage.sqlite import Connection


@dataclass(frozen=True)
class StoredReply:
    id: int
    chat_id: int
    ref: str | None
    payload: dict[str, Any]
    attempts: int


async def add(conn: Connection, rows: list[tuple[int, str | None, dict[str, Any]]],
              *, due_at: datetime, now: datetime) -> list[int]:
    """Stores an update's replies (chat id, ref, payload) in one statement; returns their ids,
    in order."""
    if not rows:
        return []
    first = await (await conn.execute("SELECT coalesce(max(id), 0) + 1 FROM reply")).fetchone()
    ids = list(range(first[0], first[0] + len(rows)))
    await conn.executemany(
        "INSERT INTO reply (id, chat_id, ref, payload, due_at, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        [(row_id, chat_id, ref, json.dumps(payload, ensure_ascii=False), due_at.isoformat(),
          now.isoformat()) for row_id, (chat_id, ref, payload) in zip(ids, rows, strict=True)])
    return ids


async def due(conn: Connection, now: datetime, limit: int,
              skip: Collection[int] = ()) -> list[StoredReply]:
    """Due replies, oldest first, leaving out ``skip`` (rows a sender still has in hand)."""
    rows = await conn.execute_fetchall(
        "SELECT id, chat_id, ref, payload, attempts FROM reply WHERE due_at <= ?"
        " AND id NOT IN (SELECT value FROM json_each(?)) ORDER BY id LIMIT ?",
        (now.isoformat(), json.dumps(sorted(skip)), limit))
    return [StoredReply(r[0], r[1], r[2], json.loads(r[3]), r[4]) for r in rows]


async def done(conn: Connection, outcomes: list[tuple[int, str | None, str,
                                                                 int | None]]) -> None:
    """Forgets sent (or hopeless) replies: (id, ref, status, message id); a named one leaves
    its message id behind."""
    await conn.executemany("DELETE FROM reply WHERE id = ?", [(o[0],) for o in outcomes])
    await conn.executemany(
        "INSERT INTO sent_ref (ref, status, message_id) VALUES (?, ?, ?)"
        " ON CONFLICT (ref) DO UPDATE SET status = excluded.status,"
        " message_id = excluded.message_id",
        [(ref, status, message_id) for _, ref, status, message_id in outcomes if ref])


async def later(conn: Connection, row_id: int, due_at: datetime, error: str) -> None:
    await conn.execute("UPDATE reply SET due_at = ?, last_error = ?, attempts = attempts + 1"
                       " WHERE id = ?", (due_at.isoformat(), error, row_id))


async def all_due_now(conn: Connection, now: datetime) -> int:
    """At start-up: what a crash left goes out at once."""
    cur = await conn.execute("UPDATE reply SET due_at = ?", (now.isoformat(),))
    return cur.rowcount


async def sent_ref(conn: Connection, ref: str) -> tuple[str, int | None] | None:
    row = await (await conn.execute("SELECT status, message_id FROM sent_ref WHERE ref = ?",
                                    (ref,))).fetchone()
    return None if row is None else (row[0], row[1])
