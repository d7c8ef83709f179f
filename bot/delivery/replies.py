"""Replies: stored with their update, sent right after it commits, then deleted (one write).

A reply is sent at least once: if the process dies after the commit and before the send, it
is sent at the next start. "Message is not modified" (an edit that changes nothing) counts as
done. Replies are not paced behind broadcasts; they count in the shared send budget. Their
content is not kept once sent; a named one (a broadcast's status message) leaves its message
id in ``sent_ref``.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
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
    if not journal.keep:
        return [(0, call) for call in journal.calls]  # id 0: nothing stored, nothing to forget
    ids = await store.add(conn, [(c.chat_id, c.ref, c.payload()) for c in journal.calls],
                          due_at=now + GRACE, now=now)
    return list(zip(ids, journal.calls, strict=True))


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


class Lanes:
    """Sends each update's replies in the background, in order per chat, so that handling the
    next update never waits for Telegram's answer to the last one. What was sent is forgotten
    in batches (one write for many replies); a crash before that write means those replies
    go out again at the next start, never that they are lost."""

    FLUSH_DELAY = 0.02
    AT_ONCE = 8  # requests in flight: beyond this, the HTTP pool only spends time queueing

    def __init__(self, db: Database, request: BaseRequest, base_url: Callable[[], str],
                 clock: Callable[[], datetime]) -> None:
        self.db, self.request, self.base_url, self.clock = db, request, base_url, clock
        self._tails: dict[int, asyncio.Task] = {}
        self._finished: list[tuple[int, str | None, str, int | None]] = []
        self._waiting: list[tuple[int, str, float]] = []
        self._flush: asyncio.Task | None = None
        self._slots = asyncio.Semaphore(self.AT_ONCE)

    def submit(self, chat_id: int, stored: Stored) -> None:
        if not stored:
            return
        task = asyncio.create_task(self._send(self._tails.get(chat_id), stored))
        self._tails[chat_id] = task
        task.add_done_callback(lambda done: self._tails.pop(chat_id, None)
                               if self._tails.get(chat_id) is done else None)

    async def _send(self, before: asyncio.Task | None, stored: Stored) -> None:
        if before is not None:
            await asyncio.wait([before])  # this chat's earlier replies first
        for row_id, call in stored:
            async with self._slots:
                status, message_id, error, retry = await send_one(self.request, self.base_url(),
                                                                  call)
            if not row_id:  # not stored: sent once, whatever happened
                continue
            if status == "pending":
                self._waiting.append((row_id, error or "", retry or 1.0))
                continue
            self._finished.append((row_id, call.ref, status, message_id))
            if status != "sent":
                log.info("a reply (%s) ended %s: %s", call.endpoint, status, error)
        if self._flush is None or self._flush.done():
            self._flush = asyncio.create_task(self._flush_soon())

    async def _flush_soon(self) -> None:
        await asyncio.sleep(self.FLUSH_DELAY)  # let more replies join the same write
        await self.flush()

    async def flush(self) -> None:
        finished, waiting = self._finished, self._waiting
        if not finished and not waiting:
            return
        self._finished, self._waiting = [], []
        now = self.clock()
        async with self.db.tx() as conn:
            await store.done(conn, finished)
            for row_id, error, retry in waiting:
                await store.later(conn, row_id, now + timedelta(seconds=retry), error)

    async def settle(self) -> None:
        """Waits until every reply handed over was sent and recorded (tests, shutdown)."""
        while self._tails:
            await asyncio.wait(list(self._tails.values()))
        await self.flush()  # now, not after the delay
