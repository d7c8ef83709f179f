"""The few numbers that say whether the bot is keeping up (``samenbot status``, /healthz)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.storage.sqlite import Connection


@dataclass(frozen=True)
class Queues:
    outbox_pending: int  # due now or later
    outbox_oldest_due: str | None  # the longest-waiting row that is due already
    outbox_unknown: int  # cut off on the wire: never resent, reported to the sender
    replies_waiting: int
    inbox_waiting: int  # stored, not handled yet
    reminders_planned: int


async def queues(conn: Connection, now: datetime) -> Queues:
    moment = now.isoformat()
    pending, oldest, unknown = (await conn.execute_fetchall(
        "SELECT sum(status = 'pending'),"
        " min(CASE WHEN status = 'pending' AND due_at <= ? THEN due_at END),"
        " sum(status = 'unknown') FROM outbox", (moment,)))[0]
    replies = (await conn.execute_fetchall("SELECT count(*) FROM reply"))[0][0]
    inbox = (await conn.execute_fetchall(
        "SELECT count(*) FROM inbox WHERE update_id > (SELECT last_done FROM inbox_mark)"))[0][0]
    planned = (await conn.execute_fetchall(
        "SELECT count(*) FROM reminder WHERE status = 'planned' AND remind_at > ?",
        (moment,)))[0][0]
    return Queues(outbox_pending=pending or 0, outbox_oldest_due=oldest,
                  outbox_unknown=unknown or 0, replies_waiting=replies, inbox_waiting=inbox,
                  reminders_planned=planned)
