"""SQL for the inbox of updates: store a batch, list what waits, mark one handled.

Handling an update writes one statement, the mark; the handled rows (and what people wrote in
them) are deleted with the next batch that is stored, or at start-up.
"""

from __future__ import annotations

from datetime import datetime

from bot.storage.sqlite import Connection


async def receive(conn: Connection, updates: list[tuple[int, str]],
                  now: datetime) -> None:
    """Stores a batch (id, JSON) and forgets the rows already handled."""
    await conn.executemany(
        "INSERT OR IGNORE INTO inbox (update_id, payload, received_at) VALUES (?, ?, ?)",
        [(update_id, payload, now.isoformat()) for update_id, payload in updates])
    await forget_handled(conn)


async def forget_handled(conn: Connection) -> None:
    await conn.execute("DELETE FROM inbox WHERE update_id <="
                       " (SELECT last_done FROM inbox_mark WHERE id = 1)")


async def last_done(conn: Connection) -> int:
    row = await (await conn.execute("SELECT last_done FROM inbox_mark WHERE id = 1")).fetchone()
    return row[0]


async def waiting(conn: Connection) -> list[tuple[int, str]]:
    """What was stored and not handled, oldest first."""
    rows = await conn.execute_fetchall(
        "SELECT update_id, payload FROM inbox WHERE update_id >"
        " (SELECT last_done FROM inbox_mark WHERE id = 1) ORDER BY update_id")
    return [(r[0], r[1]) for r in rows]


async def done(conn: Connection, update_id: int) -> None:
    """Marks the update handled (inside the transaction of its handling)."""
    await conn.execute("UPDATE inbox_mark SET last_done = max(last_done, ?) WHERE id = 1",
                       (update_id,))


async def next_offset(conn: Connection) -> int:
    """The getUpdates offset that confirms everything stored or handled so far."""
    row = await (await conn.execute("SELECT max(update_id) FROM inbox")).fetchone()
    return max(row[0] or 0, await last_done(conn)) + 1
