"""Backups an IT volunteer never has to think about: one a day and one before every
migration, kept ``backup_days`` days, and a restore that erases again whoever used /forget
after the backup was made."""

from __future__ import annotations

import asyncio
import logging
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.config import Settings
from bot.storage import people
from bot.storage.backups import BackupError, copy_database, replace_database, schema_version
from bot.storage.db import Database
from bot.storage.migrations import discover, migrate

log = logging.getLogger(__name__)

_NAME = re.compile(r"^samenbot-(\d{8}-\d{6})-([a-z0-9-]+)\.sqlite3$")

__all__ = ["BackupError", "Restored", "listing", "make", "prune", "restore"]


def folder(settings: Settings) -> Path:
    return settings.backup_dir or settings.data_dir / "backups"


def made_at(path: Path) -> datetime | None:
    match = _NAME.match(path.name)
    if match is None:
        return None
    return datetime.strptime(match.group(1), "%Y%m%d-%H%M%S").replace(tzinfo=UTC)


def listing(settings: Settings) -> list[Path]:
    """The backups in the backup folder, newest first."""
    found = [p for p in folder(settings).glob("samenbot-*.sqlite3") if made_at(p) is not None]
    return sorted(found, key=lambda p: (made_at(p), p.name), reverse=True)


async def make(settings: Settings, reason: str, now: datetime) -> Path:
    """A consistent copy of the live database (safe while the bot runs); old ones are pruned."""
    target = folder(settings) / f"samenbot-{now.astimezone(UTC):%Y%m%d-%H%M%S}-{reason}.sqlite3"
    await asyncio.to_thread(copy_database, settings.database_path, target)
    prune(settings, now)
    log.info("backup written: %s", target.name)
    return target


def prune(settings: Settings, now: datetime) -> list[Path]:
    """Deletes backups older than ``backup_days``: an erased person leaves the backups too."""
    limit = now - timedelta(days=settings.backup_days)
    gone = [p for p in listing(settings) if made_at(p) < limit]
    for path in gone:
        path.unlink(missing_ok=True)
    return gone


@dataclass(frozen=True)
class Restored:
    schema: int  # the backup's schema version (migrations bring it up to date at start)
    erased_again: int  # people who used /forget after the backup was made
    previous: Path | None  # the database as it was before the restore


async def restore(settings: Settings, backup: Path, now: datetime) -> Restored:
    """Replaces the database with ``backup`` (the bot must be stopped). The database as it
    was is kept as a backup first; erasures made since the backup are applied again."""
    version = schema_version(backup)
    known = discover(settings.migrations_dir)
    if known and version > known[-1].number:
        raise BackupError(f"{backup}: made by a newer samenbot (schema {version}); upgrade first")
    previous, erased = None, []
    if settings.database_path.exists():
        previous = await make(settings, "before-restore", now)
        erased = await _forgotten(settings)
    await asyncio.to_thread(replace_database, backup, settings.database_path)
    db = Database(settings.database_path)
    await db.open()
    try:
        await migrate(db, settings.migrations_dir)
        async with db.tx() as conn:
            again = await people.erased_later(conn, set(erased))
            for person in again:
                await people.erase(conn, person)
            await people.remember_forgotten(conn, erased)
        await db.truncate_wal()
    finally:
        await db.close()
    return Restored(schema=version, erased_again=len(again), previous=previous)


async def _forgotten(settings: Settings) -> list[str]:
    """The erasures the current database remembers (brought up to date first)."""
    db = Database(settings.database_path)
    await db.open()
    try:
        await migrate(db, settings.migrations_dir)
        async with db.read() as conn:
            return await people.forgotten(conn)
    finally:
        await db.close()
