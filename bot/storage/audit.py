"""SQL for the audit log: who did what to which record, never content."""

from __future__ import annotations

from datetime import datetime

from bot.storage.sqlite import Connection


async def record(
    conn: Connection,
    *,
    now: datetime,
    actor_id: int | None,
    action: str,
    subject: str | None = None,
) -> None:
    await conn.execute(
        "INSERT INTO audit_log (at, actor_id, action, subject) VALUES (?, ?, ?, ?)",
        (now.isoformat(), actor_id, action, subject),
    )
