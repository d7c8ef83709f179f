"""``samenbot run``: one process per data folder (``bot.locking``) that waits out a network
that is down at start-up instead of exiting, receives by long polling or by webhook, and
writes a heartbeat for ``samenbot status``."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
from datetime import UTC, datetime

from telegram.error import InvalidToken, NetworkError
from telegram.ext import Application

from bot.app import close_application, create_application, start_application
from bot.config import Settings
from bot.locking import data_folder_lock
from bot.receiving import Receiver
from bot.services import health

log = logging.getLogger(__name__)
MAX_START_PAUSE = 60.0


async def run(settings: Settings, *, webhook: bool = False) -> None:
    """Runs until SIGINT or SIGTERM."""
    with data_folder_lock(settings.data_dir):
        app = await create_application(settings)
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        beat = health.Heartbeat(at="", mode="webhook" if webhook else "polling", pid=os.getpid(),
                                started_at=_now())
        try:
            if not await _start(app, stop):
                return
            receiver = Receiver(app)
            beating = asyncio.create_task(_heartbeat(settings, receiver, beat, stop))
            await receiver.handle_waiting()  # what a crash left in the inbox, before anything
            await app.start()
            log.info("samenbot is running as @%s (%s)", app.bot.username, beat.mode)
            if webhook:
                from bot.webhook import serve

                await serve(app, receiver, stop)
            else:
                await receiver.run(stop)
            await beating
        finally:
            await close_application(app)
            settings.heartbeat_path.unlink(missing_ok=True)


async def _start(app: Application, stop: asyncio.Event) -> bool:
    """Starts the application; while Telegram cannot be reached, tries again with a growing
    pause (a Wi-Fi outage at boot must not leave the bot down). False when stopped first."""
    pause = 1.0
    while not stop.is_set():
        try:
            await start_application(app)
            return True
        except InvalidToken:
            raise
        except NetworkError as exc:
            log.warning("cannot reach the Telegram Bot API (%s); trying again in %.0f s",
                        exc, pause)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), pause)
            pause = min(pause * 2, MAX_START_PAUSE)
    return False


async def _heartbeat(settings: Settings, receiver: Receiver, beat: health.Heartbeat,
                     stop: asyncio.Event) -> None:
    while not stop.is_set():
        beat.at = _now()
        beat.last_update_at = _iso(receiver.last_update_at)
        beat.receiving_ok_at = _iso(receiver.receiving_ok_at)
        try:
            await asyncio.to_thread(health.write_heartbeat, settings.heartbeat_path, beat)
        except OSError as exc:
            log.warning("heartbeat not written: %s", exc)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), health.HEARTBEAT_SECONDS)


def _now() -> str:
    return datetime.now(UTC).isoformat()


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None
