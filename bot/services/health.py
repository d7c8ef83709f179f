"""Is the bot alive and keeping up? The running bot writes a heartbeat file every few seconds;
``samenbot status`` (and /healthz in webhook mode) reads it with a few queue figures, so the
Docker HEALTHCHECK needs no network and no token."""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from bot.config import Settings
from bot.services import backups
from bot.storage import health as store
from bot.storage.db import Database

HEARTBEAT_SECONDS = 10
STALE_AFTER = timedelta(seconds=90)  # no heartbeat for this long: stopped or stuck
OUTBOX_LATE_AFTER = timedelta(minutes=15)  # a due message waiting this long: delivery stuck
RECEIVING_LATE_AFTER = timedelta(minutes=5)  # no answer from Telegram for this long


@dataclass
class Heartbeat:
    """What the running process says about itself."""

    at: str
    mode: str  # "polling" or "webhook"
    pid: int
    started_at: str
    last_update_at: str | None = None  # the last update handled
    receiving_ok_at: str | None = None  # the last getUpdates answered (or webhook call)


def write_heartbeat(path: Path, beat: Heartbeat) -> None:
    """Atomically, so a reader never sees half a file."""
    partial = path.with_name(path.name + ".partial")
    old = os.umask(0o077)
    try:
        partial.write_text(json.dumps(asdict(beat)), "utf-8")
    finally:
        os.umask(old)
    os.replace(partial, path)


def read_heartbeat(path: Path) -> Heartbeat | None:
    try:
        return Heartbeat(**json.loads(path.read_text("utf-8")))
    except (OSError, ValueError, TypeError):
        return None


@dataclass
class Status:
    healthy: bool
    problems: list[str] = field(default_factory=list)
    heartbeat: dict | None = None
    queues: dict | None = None
    database_bytes: int = 0
    last_backup: str | None = None


def _older(moment: str | None, now: datetime, limit: timedelta) -> bool:
    return moment is None or datetime.fromisoformat(moment) < now - limit


async def status(settings: Settings, now: datetime) -> Status:
    """The figures an operator (or a health check) needs, and what is wrong, if anything."""
    problems: list[str] = []
    beat = read_heartbeat(settings.heartbeat_path)
    if beat is None:
        problems.append("not running: no heartbeat")
    elif _older(beat.at, now, STALE_AFTER):
        problems.append(f"not running or stuck: last heartbeat {beat.at}")
    elif beat.mode == "polling" and _older(beat.receiving_ok_at or beat.started_at, now,
                                           RECEIVING_LATE_AFTER):
        problems.append(f"cannot reach Telegram since {beat.receiving_ok_at or beat.started_at}")
    queues = None
    path = settings.database_path
    if not path.exists():
        problems.append(f"no database at {path}")
    else:
        db = Database(path)
        await db.open()
        try:
            async with db.read() as conn:
                queues = await store.queues(conn, now)
        finally:
            await db.close()
        if queues.outbox_oldest_due and _older(queues.outbox_oldest_due, now, OUTBOX_LATE_AFTER):
            problems.append(f"messages waiting since {queues.outbox_oldest_due}")
    size = sum(p.stat().st_size for p in (path, path.with_name(path.name + "-wal"))
               if p.exists())
    newest = backups.listing(settings)
    return Status(healthy=not problems, problems=problems,
                  heartbeat=asdict(beat) if beat else None,
                  queues=asdict(queues) if queues else None, database_bytes=size,
                  last_backup=newest[0].name if newest else None)


def as_text(report: Status) -> str:
    lines = ["healthy" if report.healthy else "NOT HEALTHY: " + "; ".join(report.problems)]
    if report.heartbeat:
        beat = report.heartbeat
        lines.append(f"running: {beat['mode']}, pid {beat['pid']}, since {beat['started_at']}")
        lines.append(f"last update handled: {beat['last_update_at'] or 'none yet'}")
    if report.queues:
        q = report.queues
        lines.append(f"outbox: {q['outbox_pending']} waiting (oldest due: "
                     f"{q['outbox_oldest_due'] or 'none'}), {q['outbox_unknown']} unknown")
        lines.append(f"replies waiting: {q['replies_waiting']}; updates waiting: "
                     f"{q['inbox_waiting']}; reminders planned: {q['reminders_planned']}")
    lines.append(f"database: {report.database_bytes / 1_048_576:.1f} MiB; last backup: "
                 f"{report.last_backup or 'none'}")
    return "\n".join(lines)
