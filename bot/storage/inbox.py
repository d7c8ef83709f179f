"""SQL for the inbox of updates: store a batch, list what waits, mark one done."""

from __future__ import annotations

from datetime import datetime

import aiosqlite


async def receive(conn: aiosqlite.Connection, updates: list[tuple[int, str]],
                  now: datetime) -> int:
    """Stores a batch (id, JSON); an update handled before, or already waiting, is skipped."""
    mark = await last_done(conn)
    fresh = [(update_id, payload, now.isoformat()) for update_id, payload in updates
             if update_id > mark]
    await conn.executemany(
        "INSERT OR IGNORE INTO inbox (update_id, payload, received_at) VALUES (?, ?, ?)", fresh)
    return len(fresh)


async def last_done(conn: aiosqlite.Connection) -> int:
    row = await (await conn.execute("SELECT last_done FROM inbox_mark WHERE id = 1")).fetchone()
    return row[0]


async def waiting(conn: aiosqlite.Connection, limit: int = 100) -> list[tuple[int, str]]:
    rows = await conn.execute_fetchall(
        "SELECT update_id, payload FROM inbox ORDER BY update_id LIMIT ?", (limit,))
    return [(r[0], r[1]) for r in rows]


async def done(conn: aiosqlite.Connection, update_id: int) -> None:
    """Forgets the update (its content goes with it) and remembers that it was handled."""
    await conn.execute("DELETE FROM inbox WHERE update_id = ?", (update_id,))
    await conn.execute("UPDATE inbox_mark SET last_done = max(last_done, ?) WHERE id = 1",
                       (update_id,))


async def next_offset(conn: aiosqlite.Connection) -> int:
    """The getUpdates offset that confirms everything stored or handled so far."""
    row = await (await conn.execute("SELECT max(update_id) FROM inbox")).fetchone()
    return max(row[0] or 0, await last_done(conn)) + 1
