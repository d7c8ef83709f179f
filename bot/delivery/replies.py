"""Replies: stored with their update, sent right after it commits, then deleted (one write).

A reply is sent at least once: if the process dies after the commit and before the send, it
is sent at the next start. "Message is not modified" (an edit that changes nothing) counts as
done. Replies never wait behind a broadcast, but they do keep to their chat's pace and to the
shares of the send budget (``pacing``): a chat that writes faster than Telegram allows waits
in its own lane, in order, and nothing it sends is dropped. Their content is not kept once
sent; a named one (a broadcast's status message) leaves its message id in ``sent_ref``.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter
from telegram.request import BaseRequest

from bot.delivery import attachments
from bot.delivery.journal import Call, Journal
from bot.delivery.pacing import MEMBER, VISITOR, ChatPace, SendBudget, counted, reserved
from bot.delivery.sending import MAX_ATTEMPTS, never_left
from bot.storage import people
from bot.storage import replies as store
from bot.storage.db import Database

log = logging.getLogger(__name__)

# Stored replies wait this long before the outbox worker may take them: the handler's own task
# sends them; the worker only takes what a crash or a failed attempt left, never a row that a
# lane still holds (a chat that waits for its turn).
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
    next update never waits for Telegram's answer to the last one. Each message first waits for
    its chat's turn (``pace``), then for its share of the send budget: members' replies go at
    once, strangers' wait while a broadcast needs the room. What was sent is forgotten in
    batches (one write for many replies); a crash before that write means those replies go out
    again at the next start, never that they are lost."""

    FLUSH_DELAY = 0.02
    AT_ONCE = 8  # requests in flight: beyond this, the HTTP pool only spends time queueing
    KNOWN_FOR = 30.0  # seconds a chat is remembered as a member's or a stranger's

    def __init__(self, db: Database, request: BaseRequest, base_url: Callable[[], str],
                 clock: Callable[[], datetime], *, budget: SendBudget | None = None,
                 pace: ChatPace | None = None) -> None:
        self.db, self.request, self.base_url, self.clock = db, request, base_url, clock
        self.budget = budget
        self.pace = pace or ChatPace()
        self._tails: dict[int, asyncio.Task] = {}  # per chat, its last task
        self._tasks: set[asyncio.Task] = set()
        self._finished: list[tuple[int, str | None, str, int | None]] = []
        self._waiting: list[tuple[int, str, float]] = []
        self._flush: asyncio.Task | None = None
        self._slots = asyncio.Semaphore(self.AT_ONCE)
        self._held: set[int] = set()  # stored rows handed over and not yet recorded
        self._attempts: dict[int, int] = {}  # earlier attempts of rows a failure gave back
        self._kinds: dict[int, tuple[str, float]] = {}
        self._on_wire: set[asyncio.Task] = set()
        self._stopping = False

    @property
    def held(self) -> frozenset[int]:
        """Stored replies this process has in hand (the outbox worker leaves them alone)."""
        return frozenset(self._held)

    def submit(self, chat_id: int, stored: Stored) -> None:
        if not stored or self._stopping:
            return  # stopping: the rows stay stored and go out at the next start
        self._held.update(row_id for row_id, _ in stored if row_id)
        task = asyncio.create_task(self._send(self._tails.get(chat_id), chat_id, stored))
        self._tails[chat_id] = task
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        task.add_done_callback(lambda done: self._tails.pop(chat_id, None)
                               if self._tails.get(chat_id) is done else None)

    def resume(self, rows: list[store.StoredReply]) -> int:
        """Takes back stored replies that a crash or a failed attempt left (oldest first):
        each goes to its chat's lane, behind what that chat already waits for."""
        taken = 0
        for row in rows:
            if row.id in self._held:
                continue
            self._attempts[row.id] = row.attempts
            self.submit(row.chat_id, [(row.id, Call.from_payload(row.payload, row.ref))])
            taken += 1
        return taken

    async def _send(self, before: asyncio.Task | None, chat_id: int, stored: Stored) -> None:
        reserved.set(True)  # the budget is taken below; the request must not count it again
        if before is not None:
            await asyncio.wait([before])  # this chat's earlier replies first
        try:
            await self._send_in_turn(chat_id, stored)
        except Exception:  # a bug must not keep the rows in hand: the worker retries them
            log.exception("replies to a chat could not be sent")
            self._held.difference_update(row_id for row_id, _ in stored)
        if self._flush is None or self._flush.done():
            self._flush = asyncio.create_task(self._flush_soon())

    async def _send_in_turn(self, chat_id: int, stored: Stored) -> None:
        for row_id, call in stored:
            if self._stopping:
                return  # not sent: still stored, it goes out at the next start
            if call.make is not None:
                try:
                    call = await attachments.made(call)  # in a thread: other chats go on
                except Exception:
                    log.exception("a file could not be made")
                    self._record(row_id, call, "failed", None, "not made", None)
                    continue
            if counted(call.endpoint):
                target = call.chat_id or chat_id
                delay = self.pace.reserve(target)
                if delay:
                    await asyncio.sleep(delay)
                if self.budget is not None:
                    await self.budget.turn(await self._kind(target))
                if self._stopping:
                    return
            task = asyncio.current_task()
            async with self._slots:
                self._on_wire.add(task)
                try:
                    status, message_id, error, retry = await send_one(
                        self.request, self.base_url(), call)
                finally:
                    self._on_wire.discard(task)
            self._record(row_id, call, status, message_id, error, retry)

    def _record(self, row_id: int, call: Call, status: str, message_id: int | None,
                error: str | None, retry: float | None) -> None:
        if not row_id:  # not stored: sent once, whatever happened
            return
        attempts = self._attempts.pop(row_id, 0)
        if status == "pending" and attempts + 1 < MAX_ATTEMPTS:
            self._waiting.append((row_id, error or "", retry or 1.0))
            return
        if status == "pending":
            status = "failed"
        self._finished.append((row_id, call.ref, status, message_id))
        if status != "sent":
            log.info("a reply (%s) ended %s: %s", call.endpoint, status, error)

    async def _kind(self, chat_id: int) -> str:
        """A member's chat or anyone else's (a group, a visitor), remembered for a while."""
        if chat_id <= 0:
            return VISITOR
        now = time.monotonic()
        known = self._kinds.get(chat_id)
        if known is not None and now - known[1] < self.KNOWN_FOR:
            return known[0]
        async with self.db.read() as conn:
            person = await people.by_telegram_id(conn, chat_id)
        kind = MEMBER if person is not None else VISITOR
        if len(self._kinds) > 10_000:
            self._kinds = {c: k for c, k in self._kinds.items() if now - k[1] < self.KNOWN_FOR}
        self._kinds[chat_id] = (kind, now)
        return kind

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
        # Only now may the worker see them: sent ones are gone, failed ones are due later.
        self._held.difference_update(row_id for row_id, *_ in finished)
        self._held.difference_update(row_id for row_id, *_ in waiting)

    async def settle(self) -> None:
        """Waits until every reply handed over was sent and recorded (tests, console)."""
        while self._tails:
            await asyncio.wait(list(self._tails.values()))
        await self.flush()  # now, not after the delay

    async def stop(self, grace: float = 2.0) -> None:
        """At shutdown: replies get ``grace`` seconds to go out; then what is on the wire is
        finished and recorded, and what still waits for its turn stays stored and goes out at
        the next start (a flooded lane does not hold the exit back)."""
        if self._tasks and grace > 0:
            await asyncio.wait(list(self._tasks), timeout=grace)
        self._stopping = True
        for task in list(self._tasks):
            if task not in self._on_wire:
                task.cancel()
        while self._tasks:
            await asyncio.wait(list(self._tasks))
        await self.flush()
