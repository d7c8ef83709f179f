"""The outbox worker: drains due rows under Telegram's limits, never sending anything twice.

- pace: a send budget shared with replies (``pacing.SendBudget``, default 25/s overall, of
  which the outbox keeps at least half whatever replies do), at most one message a second per
  private chat and 20 a minute per group;
- 429: every slot pauses for ``retry_after``, the row is tried again after it;
- 403: the person is marked unreachable and their other pending rows are cancelled;
- a failure before the request left (connection refused) is retried with back-off;
- a request that may have reached Telegram (timeout, dropped connection) becomes
  ``unknown`` and is not resent; so is a row caught mid-send by a crash (see ``recover``).
  A row becomes ``sending`` only when its turn in the budget has come, right before the
  request; a stop cancels what waits for its turn and lets what is on the wire finish, so a
  stop leaves nothing mid-send.

Replies to someone who just wrote are sent by their own update (``replies.Lanes``); here they
are only found when a crash or a failed attempt left them, and handed back to their chat's lane.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta

from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter
from telegram.ext import ExtBot
from telegram.request import BaseRequest

from bot.delivery.pacing import SendBudget, reserved
from bot.delivery.replies import Lanes
from bot.delivery.sending import MAX_ATTEMPTS, never_left, send
from bot.storage import outbox
from bot.storage import replies as reply_store
from bot.storage.db import Database
from bot.storage.outbox import OutboxRow

log = logging.getLogger(__name__)


class DeliveryWorker:
    def __init__(
        self,
        db: Database,
        bot: ExtBot,
        clock: Callable[[], datetime],
        budget: SendBudget,
        *,
        slots: int = 8,
        per_chat_interval: float = 1.0,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        idle_interval: float = 0.25,
        request: BaseRequest | None = None,
        lanes: Lanes | None = None,
    ) -> None:
        self.db, self.bot, self.clock = db, bot, clock
        # Stored replies go back to their chat's lane; without lanes (tools), they get their own.
        self.lanes = lanes or Lanes(db, request or bot.request, lambda: bot.base_url, clock,
                                    budget=budget)
        self.budget = budget
        self.slots = asyncio.Semaphore(slots)
        self.sleep = sleep
        self.idle_interval = idle_interval
        self.per_chat_interval = per_chat_interval
        self._last_sent: dict[int, float] = {}
        self._group_sent: dict[int, list[float]] = {}
        self._paused_until = 0.0
        self._task: asyncio.Task | None = None
        self._inflight: set[asyncio.Task] = set()
        self._busy: set[int] = set()  # rows a task has taken, claimed or not yet
        self._claimed: dict[asyncio.Task, int] = {}  # tasks whose row is on the wire
        self.wake = asyncio.Event()

    # life cycle ----------------------------------------------------------------------------
    async def recover(self) -> int:
        async with self.db.tx() as conn:
            count = await outbox.recover_interrupted(conn)
            await reply_store.all_due_now(conn, self.clock())
        if count:
            log.warning("%d outbox rows were interrupted mid-send and are marked unknown", count)
        return count

    async def start(self) -> None:
        await self.recover()
        await self.flush_replies()  # what a crash left goes first, in each chat's lane
        self._task = asyncio.create_task(self._loop(), name="outbox-worker")

    async def flush_replies(self, rounds: int = 20) -> None:
        """Hands what a crash left to the lanes, ahead of anything new in the same chat (it
        does not wait for them: a flooded chat's backlog must not hold the start-up back)."""
        for _ in range(rounds):
            if not await self._replies():
                return

    async def stop(self) -> None:
        """Stops taking rows; what waits for its turn is let go (still pending), what is on
        the wire is finished and recorded."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        for task in list(self._inflight):
            if task not in self._claimed:
                task.cancel()
        if self._inflight:
            await asyncio.gather(*self._inflight, return_exceptions=True)

    async def _loop(self) -> None:
        while True:
            try:
                handled = await self.run_once()
            except Exception:  # keep draining whatever one row did
                log.exception("outbox round failed")
                handled = 0
            if not handled:
                self.wake.clear()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self.wake.wait(), self.idle_interval)

    # one round -----------------------------------------------------------------------------
    async def run_once(self, batch: int = 100) -> int:
        """Starts delivery of what is due now (respecting pace); returns rows started."""
        handed = await self._replies(batch)
        if handed:  # replies a crash or a failed attempt left: first, in their chat's lane
            return handed
        async with self.db.read() as conn:
            rows = await outbox.due(conn, self.clock(), batch)
        started = 0
        for row in rows:
            if row.id in self._busy or not self._chat_ready(row.chat_id):
                continue
            self._note_sent(row.chat_id)
            await self.slots.acquire()
            self._busy.add(row.id)
            task = asyncio.create_task(self._deliver(row))
            self._inflight.add(task)
            task.add_done_callback(self._inflight.discard)
            started += 1
        return started

    async def _replies(self, batch: int = 100) -> int:
        """Stored replies that are due and that no lane holds, back to their lanes."""
        async with self.db.read() as conn:
            left = await reply_store.due(conn, self.clock(), batch, skip=self.lanes.held)
        return self.lanes.resume(left)

    async def drain(self, max_rounds: int = 1000) -> None:
        """Delivers until nothing is due (for tests, tools and benchmarks)."""
        for _ in range(max_rounds):
            started = await self.run_once()
            if self._inflight:
                await asyncio.gather(*list(self._inflight), return_exceptions=True)
            await self.lanes.settle()
            if not started:
                async with self.db.read() as conn:
                    if not await outbox.due(conn, self.clock(), 1):
                        return
                await asyncio.sleep(0.05)  # real time: per-chat spacing is on the real clock

    # pacing ---------------------------------------------------------------------------------
    def _chat_ready(self, chat_id: int) -> bool:
        now = time.monotonic()
        if chat_id < 0:  # groups: 20 a minute
            recent = [t for t in self._group_sent.get(chat_id, []) if now - t < 60]
            self._group_sent[chat_id] = recent
            return len(recent) < 20
        return now - self._last_sent.get(chat_id, -1e9) >= self.per_chat_interval

    def _note_sent(self, chat_id: int) -> None:
        now = time.monotonic()
        self._last_sent[chat_id] = now
        if chat_id < 0:
            self._group_sent.setdefault(chat_id, []).append(now)

    async def _wait_for_pause(self) -> None:
        delay = self._paused_until - time.monotonic()
        if delay > 0:
            await self.sleep(delay)

    # one row --------------------------------------------------------------------------------
    async def _deliver(self, row: OutboxRow) -> None:
        try:
            await self._attempt(row)
        finally:
            self._busy.discard(row.id)
            self._claimed.pop(asyncio.current_task(), None)
            self.slots.release()

    async def _attempt(self, row: OutboxRow) -> None:
        await self._wait_for_pause()
        reserved.set(True)  # this task's sends are reserved by wait_turn, not counted again
        await self.budget.wait_turn()  # right before the request, so both clocks agree
        async with self.db.tx() as conn:  # only now is the row "sending"
            if not await outbox.claim(conn, row.id):
                return
        self._claimed[asyncio.current_task()] = row.id
        now = self.clock()
        try:
            message = await send(self.bot, row.chat_id, row.payload)
        except RetryAfter as exc:
            wait = _seconds(exc.retry_after)
            self._paused_until = max(self._paused_until, time.monotonic() + wait)
            async with self.db.tx() as conn:
                await outbox.retry_later(conn, row.id, now + timedelta(seconds=wait),
                                         f"429 retry_after {wait}")
            return
        except Forbidden as exc:
            async with self.db.tx() as conn:
                await outbox.finish(conn, row.id, "blocked", now=now, error=str(exc)[:200])
                await outbox.mark_unreachable(conn, row.chat_id, now)
                await outbox.cancel_pending_for_chat(conn, row.chat_id, "recipient unreachable")
            return
        except BadRequest as exc:
            async with self.db.tx() as conn:
                await outbox.finish(conn, row.id, "failed", now=now, error=str(exc)[:200])
            return
        except NetworkError as exc:  # includes TimedOut
            async with self.db.tx() as conn:
                if never_left(exc) and row.attempts + 1 < MAX_ATTEMPTS:
                    backoff = min(2 ** row.attempts, 60)
                    await outbox.retry_later(conn, row.id, now + timedelta(seconds=backoff),
                                             f"not sent: {exc}"[:200])
                elif never_left(exc):
                    await outbox.finish(conn, row.id, "failed", now=now, error=str(exc)[:200])
                else:
                    await outbox.finish(conn, row.id, "unknown", now=now, error=str(exc)[:200])
            return
        async with self.db.tx() as conn:
            await outbox.finish(conn, row.id, "sent", now=now, message_id=message.message_id)


def _seconds(retry_after: int | float | timedelta) -> float:
    if isinstance(retry_after, timedelta):
        return retry_after.total_seconds()
    return float(retry_after)
