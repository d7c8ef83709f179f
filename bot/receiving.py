"""Long polling into the inbox, and the one task that handles what the inbox holds.

Telegram forgets an update once a later getUpdates carries a higher offset, whether or not it
was handled. So each batch is stored in the inbox first, and only then does the next
getUpdates confirm it. Updates are handled from the inbox, oldest first; each one is deleted
from it in the same transaction as everything its handling stored (``SamenApplication``).
After a crash, whatever was stored and not handled is handled at the next start.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from datetime import timedelta

from telegram import Update
from telegram.error import NetworkError, RetryAfter, TimedOut
from telegram.ext import Application

from bot.context import Services
from bot.storage import inbox

log = logging.getLogger(__name__)

ALLOWED = ["message", "callback_query"]
POLL_SECONDS = 10
GIVE_UP_AFTER = 3  # an update whose handling fails this often is set aside, not retried forever


class Receiver:
    def __init__(self, app: Application) -> None:
        self.app = app
        self.services: Services = app.bot_data["services"]
        self.wake = asyncio.Event()
        self._failures: dict[int, int] = {}
        self._stopping = False

    async def store(self, updates: list[Update]) -> int:
        """Keeps a batch before it is confirmed; returns how many were new."""
        async with self.services.db.tx() as conn:
            fresh = await inbox.receive(conn, [(u.update_id, json.dumps(u.to_dict()))
                                               for u in updates], self.services.clock())
        self.wake.set()
        return fresh

    async def handle_waiting(self) -> int:
        """Handles every stored update, oldest first; returns how many."""
        handled = 0
        while not self._stopping:
            async with self.services.db.read() as conn:
                waiting = await inbox.waiting(conn, 50)
            if not waiting:
                break
            for update_id, payload in waiting:
                if self._stopping:
                    break
                if not await self._handle(update_id, payload):
                    return handled
                handled += 1
        return handled

    async def _handle(self, update_id: int, payload: str) -> bool:
        update = Update.de_json(json.loads(payload), self.app.bot)
        try:
            await self.app.process_update(update)
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
        pause = 1.0
        while not self._stopping:
            try:
                updates = await self.app.bot.get_updates(offset=offset, timeout=POLL_SECONDS,
                                                         allowed_updates=ALLOWED)
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
            if updates:
                await self.store(updates)
                offset = updates[-1].update_id + 1

    async def work(self) -> None:
        """Handles what the inbox holds whenever something new was stored."""
        while not self._stopping:
            await self.handle_waiting()
            self.wake.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.wake.wait(), 1.0)

    async def run(self, stop: asyncio.Event) -> None:
        """Polls and handles until ``stop`` is set; then lets the update in hand finish."""
        await self.app.bot.delete_webhook()
        poller = asyncio.create_task(self.poll(), name="poll")
        worker = asyncio.create_task(self.work(), name="inbox")
        await stop.wait()
        self._stopping = True
        poller.cancel()  # an unfinished getUpdates confirms nothing
        self.wake.set()
        with contextlib.suppress(asyncio.CancelledError):
            await poller
        await worker
