"""SQL for the outbox: enqueue inside the caller's transaction, claim, and record outcomes."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot import bidi
from bot.languages import LANGUAGES
from bot.storage.sqlite import Connection

FINAL = ("sent", "blocked", "failed", "unknown", "cancelled")


@dataclass(frozen=True)
class OutboxRow:
    id: int
    person_id: int | None
    chat_id: int
    kind: str
    ref: str | None
    payload: dict[str, Any]
    due_at: str
    status: str
    attempts: int


async def enqueue(
    conn: Connection, *, person_id: int | None, chat_id: int, kind: str,
    ref: str | None, payload: dict[str, Any], due_at: datetime, now: datetime,
    about: Iterable[int | None] = (),
) -> int:
    """Queues a message; ``about`` are the people it names or quotes, so that erasing one of
    them can blank it. For a reader of a right-to-left language the text is laid out for
    them (``bot.bidi``) here, the one place every message of the bot's own passes."""
    if person_id is not None:
        payload = await _for_reader(conn, person_id, payload)
    cur = await conn.execute(
        "INSERT INTO outbox (person_id, chat_id, kind, ref, payload, due_at, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        (person_id, chat_id, kind, ref, json.dumps(payload, ensure_ascii=False),
         due_at.isoformat(), now.isoformat()),
    )
    named = {p for p in about if p is not None and p != person_id}
    if named:
        await conn.executemany("INSERT OR IGNORE INTO outbox_about (outbox_id, person_id)"
                               " VALUES (?, ?)", [(cur.lastrowid, p) for p in named])
    return cur.lastrowid


async def _for_reader(conn: Connection, person_id: int, payload: dict[str, Any]
                      ) -> dict[str, Any]:
    rows = await conn.execute_fetchall("SELECT language FROM person WHERE id = ?", (person_id,))
    language = LANGUAGES.get(rows[0][0]) if rows else None
    return bidi.for_reader(payload, language is not None and language.rtl)


ERASED = json.dumps({"erased": True})


async def blank_about(conn: Connection, person_id: int, broadcasts_of: int) -> None:
    """Messages that name or quote an erased person, or carry their broadcast: the unsent
    are cancelled, and none keeps its words; the delivery facts stay."""
    about = ("SELECT outbox_id FROM outbox_about WHERE person_id = ? UNION"
             " SELECT o.id FROM outbox o JOIN broadcast b ON o.ref = 'broadcast:' || b.id"
             " WHERE b.created_by = ?")
    await conn.execute(f"UPDATE outbox SET status = 'cancelled', last_error = 'erased'"
                       f" WHERE status = 'pending' AND id IN ({about})",
                       (person_id, broadcasts_of))
    await conn.execute(f"UPDATE outbox SET payload = ? WHERE id IN ({about})",
                       (ERASED, person_id, broadcasts_of))
    await conn.execute("DELETE FROM outbox_about WHERE person_id = ?", (person_id,))


async def forget_payloads(conn: Connection, before: datetime) -> int:
    """Retention: what sent messages said goes after a while; that they were sent stays."""
    cur = await conn.execute(
        "UPDATE outbox SET payload = '{}' WHERE status IN ('sent', 'blocked', 'failed',"
        " 'unknown', 'cancelled') AND created_at < ? AND payload != '{}'",
        (before.isoformat(),))
    await conn.execute("DELETE FROM outbox_about WHERE outbox_id IN (SELECT id FROM outbox"
                       " WHERE payload = '{}')")
    return cur.rowcount


async def prune(conn: Connection, before: datetime) -> int:
    """Deletes finished rows created before ``before``: the outbox does not grow for ever."""
    cur = await conn.execute(
        "DELETE FROM outbox WHERE status IN ('sent', 'blocked', 'failed', 'unknown', 'cancelled')"
        " AND created_at < ?", (before.isoformat(),))
    return cur.rowcount


async def due(conn: Connection, now: datetime, limit: int) -> list[OutboxRow]:
    rows = await conn.execute_fetchall(
        "SELECT id, person_id, chat_id, kind, ref, payload, due_at, status, attempts FROM outbox"
        " WHERE status = 'pending' AND due_at <= ? ORDER BY due_at, id LIMIT ?",
        (now.isoformat(), limit),
    )
    return [OutboxRow(**{**dict(r), "payload": json.loads(r["payload"])}) for r in rows]


async def claim(conn: Connection, row_id: int) -> bool:
    """pending → sending; a crash after this point makes the row 'unknown', never resent."""
    cur = await conn.execute(
        "UPDATE outbox SET status = 'sending', attempts = attempts + 1"
        " WHERE id = ? AND status = 'pending'", (row_id,))
    return cur.rowcount == 1


async def finish(conn: Connection, row_id: int, status: str, *, now: datetime,
                 message_id: int | None = None, error: str | None = None) -> None:
    assert status in FINAL
    await conn.execute(
        "UPDATE outbox SET status = ?, telegram_message_id = ?, last_error = ?, sent_at = ?"
        " WHERE id = ?",
        (status, message_id, error, now.isoformat() if status == "sent" else None, row_id))


async def retry_later(conn: Connection, row_id: int, due_at: datetime,
                      error: str) -> None:
    await conn.execute(
        "UPDATE outbox SET status = 'pending', due_at = ?, last_error = ? WHERE id = ?",
        (due_at.isoformat(), error, row_id))


async def release(conn: Connection, row_id: int) -> None:
    """A claimed row that was never sent (a stop came first) waits again."""
    await conn.execute("UPDATE outbox SET status = 'pending', attempts = attempts - 1"
                       " WHERE id = ? AND status = 'sending'", (row_id,))


async def recover_interrupted(conn: Connection) -> int:
    """At start-up: rows caught mid-send may have reached Telegram; mark them, don't resend."""
    cur = await conn.execute(
        "UPDATE outbox SET status = 'unknown', last_error = 'interrupted while sending'"
        " WHERE status = 'sending'")
    return cur.rowcount


async def cancel_pending_for_chat(conn: Connection, chat_id: int, reason: str) -> None:
    await conn.execute(
        "UPDATE outbox SET status = 'cancelled', last_error = ?"
        " WHERE chat_id = ? AND status = 'pending'", (reason, chat_id))


async def counts_by_ref(conn: Connection, ref: str) -> dict[str, int]:
    rows = await conn.execute_fetchall(
        "SELECT status, count(*) FROM outbox WHERE ref = ? GROUP BY status", (ref,))
    return {r[0]: r[1] for r in rows}


async def mark_unreachable(conn: Connection, chat_id: int, now: datetime) -> None:
    await conn.execute("UPDATE person SET unreachable_at = ? WHERE telegram_id = ?",
                       (now.isoformat(), chat_id))
