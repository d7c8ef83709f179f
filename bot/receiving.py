"""Long polling into the inbox, and the one task that handles what the inbox holds.

Telegram forgets an update once a later getUpdates carries a higher offset, whether or not it
was handled. So before the next getUpdates confirms a batch, each of its updates is either
handled and committed, or stored in the inbox. Long polling takes the short way when nothing
else waits: the batch is handled at once, and each update is marked handled in the same
transaction as everything its handling stored (``SamenApplication``), so an update costs one
commit and its words are never written to the inbox. A batch that arrives while others wait,
and whatever a failure or a stop left unhandled, is stored first, as the webhook does with
every update. Updates are handled in order, from memory (each is parsed once), by one handler
at a time. After a crash, what was stored and not handled is read back from the inbox and
handled first; what was neither handled nor stored was not confirmed, so Telegram sends it
again.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import logging
from collections import deque
from datetime import UTC, datetime, timedelta
from typing import Any

from telegram import Update
from telegram.error import NetworkError, RetryAfter, TimedOut
from telegram.ext import Application

from bot.context import Services
from bot.delivery.journal import Call
from bot.storage import inbox

log = logging.getLogger(__name__)

ALLOWED = ["message", "callback_query"]
POLL_SECONDS = 10
GIVE_UP_AFTER = 3  # an update whose handling fails this often is set aside, not retried forever
BATCH = 32  # updates that share one commit at most (a burst; one at a time otherwise)


class Receiver:
    def __init__(self, app: Application) -> None:
        self.app = app
        self.services: Services = app.bot_data["services"]
        self.wake = asyncio.Event()
        self._queue: deque[dict[str, Any]] = deque()
        self._queued: set[int] = set()
        self._handling = asyncio.Lock()  # one handler at a time: the poller or the worker
        self._in_hand = False  # the poller is handling a batch (a stop lets it finish)
        self._mark = -1  # the highest update handled, once read
        self._failures: dict[int, int] = {}
        self._stopping = False
        self.last_update_at: datetime | None = None  # for the heartbeat
        self.receiving_ok_at: datetime | None = None  # Telegram last answered (or called)

    async def _load(self) -> None:
        """What a crash left in the inbox goes first."""
        async with self.services.db.tx() as conn:
            self._mark = await inbox.last_done(conn)
            waiting = await inbox.waiting(conn)
            await inbox.forget_handled(conn)
        self._enqueue([json.loads(payload) for _, payload in waiting])

    def _enqueue(self, updates: list[dict[str, Any]], *, wake: bool = True
                 ) -> list[dict[str, Any]]:
        fresh = [u for u in updates
                 if u["update_id"] > self._mark and u["update_id"] not in self._queued]
        self._queue.extend(fresh)
        self._queued.update(u["update_id"] for u in fresh)
        if wake:
            self.wake.set()
        return fresh

    async def store(self, updates: list[dict[str, Any]]) -> int:
        """Keeps a batch (raw JSON objects) before it is confirmed; returns how many were new."""
        if self._mark < 0:
            await self._load()
        fresh = [u for u in updates
                 if u["update_id"] > self._mark and u["update_id"] not in self._queued]
        await self._keep(fresh)
        return len(self._enqueue(fresh))

    async def _keep(self, updates: list[dict[str, Any]]) -> None:
        async with self.services.db.tx() as conn:
            await inbox.receive(conn, [(u["update_id"], json.dumps(u)) for u in updates],
                                self.services.clock())

    async def take(self, updates: list[dict[str, Any]]) -> int:
        """A batch from getUpdates: handled at once when nothing else waits (one commit per
        batch of updates, nothing written to the inbox), else stored to wait its turn. On
        return every update of it is handled or stored, so the next getUpdates may confirm
        it. Returns how many were new."""
        if self._mark < 0:
            await self._load()
        if self._queue or self._handling.locked():
            return await self.store(updates)
        fresh = self._enqueue(updates, wake=False)
        self._in_hand = True
        try:
            await self.handle_waiting()
        finally:
            self._in_hand = False
            taken = {u["update_id"] for u in fresh}  # in hand without an inbox row
            left = [u for u in self._queue if u["update_id"] in taken]
            if left:  # a failure or a stop: kept before anything confirms them
                await self._keep(left)
                self.wake.set()  # the worker tries them again
        return len(fresh)

    async def handle_waiting(self) -> int:
        """Handles every stored update, oldest first; returns how many.

        Group commit: the updates waiting together (at most ``BATCH``) are handled one by one
        in one transaction, each in its own savepoint, and committed together; their replies
        go out after that commit. When nothing else waits, a batch is one update, as before;
        when the bot falls behind, batches grow and the commits (and their fsyncs) are shared.
        One handler at a time: the poller (``take``) or the worker.
        """
        if self._mark < 0:
            await self._load()
        async with self._handling:
            return await self._handle_queue()

    async def _handle_queue(self) -> int:
        handled = 0
        while self._queue and not self._stopping:
            done: list[int] = []
            failed = False
            try:
                async with self.services.db.batch():
                    for raw in list(itertools.islice(self._queue, BATCH)):
                        if self._stopping or not await self._handle(raw):
                            failed = True
                            break
                        done.append(raw["update_id"])
            except Exception:  # the commit itself failed (a full disk): all of it is tried again
                log.exception("a batch of %d updates could not be committed", len(done))
                self.app.persistence.forget_written()
                return handled
            for update_id in done:  # committed
                self._queue.popleft()
                self._queued.discard(update_id)
                self._mark = max(self._mark, update_id)
            if done:
                self.last_update_at = datetime.now(UTC)
            handled += len(done)
            if failed:
                return handled
        return handled

    async def _handle(self, raw: dict[str, Any]) -> bool:
        update_id = raw["update_id"]
        try:
            await self.app.process_update(Update.de_json(raw, self.app.bot))
        except Exception:
            failures = self._failures[update_id] = self._failures.get(update_id, 0) + 1
            log.exception("update %d could not be handled (%d times)", update_id, failures)
            if failures < GIVE_UP_AFTER:
                return False
            async with self.services.db.tx() as conn:  # set aside, so the others go on
                await inbox.done(conn, update_id)
        return True

    async def poll(self) -> None:
        """getUpdates for ever: each batch is stored before the next call confirms it."""
        async with self.services.db.read() as conn:
            offset = await inbox.next_offset(conn)
        url, pause = f"{self.app.bot.base_url}/getUpdates", 1.0
        while not self._stopping:
            request = Call("getUpdates", {"offset": offset, "timeout": POLL_SECONDS,
                                          "allowed_updates": ALLOWED}).request_data()
            try:
                updates = await self.services.sender.post(url, request,
                                                          read_timeout=POLL_SECONDS + 5)
            except RetryAfter as exc:
                wait = exc.retry_after
                await asyncio.sleep(wait.total_seconds() if isinstance(wait, timedelta)
                                    else float(wait))
                continue
            except (NetworkError, TimedOut) as exc:
                log.warning("getUpdates failed (%s); trying again in %.0f s", exc, pause)
                await asyncio.sleep(pause)
                pause = min(pause * 2, 30)
                continue
            pause = 1.0
            self.receiving_ok_at = datetime.now(UTC)
            if updates:
                await self.take(updates)
                offset = updates[-1]["update_id"] + 1

    async def work(self) -> None:
        """Handles what came in whenever something new was stored."""
        while not self._stopping:
            await self.handle_waiting()
            self.wake.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.wake.wait(), 1.0)

    async def work_until(self, stop: asyncio.Event) -> None:
        """Handles what others store (the webhook) until ``stop``; then finishes the update in
        hand."""
        worker = asyncio.create_task(self.work(), name="inbox")
        await stop.wait()
        self._stopping = True
        self.wake.set()
        await worker

    async def run(self, stop: asyncio.Event) -> None:
        """Polls and handles until ``stop`` is set; then lets the update in hand finish."""
        await self.app.bot.delete_webhook()
        poller = asyncio.create_task(self.poll(), name="poll")
        worker = asyncio.create_task(self.work(), name="inbox")
        await stop.wait()
        self._stopping = True
        if not self._in_hand:  # a batch in hand is finished (and what is left stored) first
            poller.cancel()  # an unfinished getUpdates confirms nothing
        self.wake.set()
        with contextlib.suppress(asyncio.CancelledError):
            await poller
        await worker
