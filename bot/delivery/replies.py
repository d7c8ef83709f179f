"""Replies: stored with their update, sent right after it commits, then deleted (one write).

A reply is sent at least once: if the process dies after the commit and before the send, it
is sent at the next start. "Message is not modified" (an edit that changes nothing) counts as
done. Replies are not paced behind broadcasts; they count in the shared send budget. Their
content is not kept once sent; a named one (a broadcast's status message) leaves its message
id in ``sent_ref``.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter
from telegram.request import BaseRequest

from bot.delivery.journal import Call, Journal
from bot.delivery.sending import never_left
from bot.storage import replies as store
from bot.storage.db import Database

log = logging.getLogger(__name__)

# Stored replies wait this long before the outbox worker may take them: the handler's own task
# sends them at once; the worker only takes what a crash or a failed attempt left.
GRACE = timedelta(seconds=60)

Stored = list[tuple[int, Call]]


async def keep(conn: Any, journal: Journal, now: datetime) -> Stored:
    """Writes the update's calls as reply rows, inside the update's transaction."""
    stored = []
    for call in journal.calls:
        row_id = await store.add(conn, chat_id=call.chat_id, ref=call.ref,
                                 payload=call.payload(), due_at=now + GRACE, now=now)
        stored.append((row_id, call))
    return stored


async def send_one(request: BaseRequest, base_url: str, call: Call
                   ) -> tuple[str, int | None, str | None, float | None]:
    """Sends one call: (status, message id, error, retry in seconds or None)."""
    try:
        result = await request.post(f"{base_url}/{call.endpoint}", call.request_data())
    except RetryAfter as exc:
        wait = exc.retry_after
        seconds = wait.total_seconds() if isinstance(wait, timedelta) else float(wait)
        return "pending", None, f"429 retry_after {seconds}", seconds
    except Forbidden as exc:
        return "blocked", None, str(exc)[:200], None
    except BadRequest as exc:
        if "not modified" in str(exc).lower():
            return "sent", None, None, None
        return "failed", None, str(exc)[:200], None
    except NetworkError as exc:
        if never_left(exc):
            return "pending", None, f"not sent: {exc}"[:200], 1.0
        return "unknown", None, str(exc)[:200], None
    message_id = result.get("message_id") if isinstance(result, dict) else None
    return "sent", message_id, None, None


async def send_all(db: Database, request: BaseRequest, base_url: str, stored: Stored,
                   now: datetime) -> None:
    """Sends the update's replies in order and records how each went, in one write."""
    if not stored:
        return
    finished, waiting = [], []
    for row_id, call in stored:
        status, message_id, error, retry = await send_one(request, base_url, call)
        if status == "pending":
            waiting.append((row_id, error, retry or 1.0))
            continue
        finished.append((row_id, call.ref, status, message_id))
        if status != "sent":
            log.info("a reply (%s) ended %s: %s", call.endpoint, status, error)
    async with db.tx() as conn:
        await store.done(conn, finished)
        for row_id, error, retry in waiting:
            await store.later(conn, row_id, now + timedelta(seconds=retry), error or "")
