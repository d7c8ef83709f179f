"""Applies numbered SQL files from ``migrations/`` in order, each with its record in one tx."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

from bot.storage.db import Database

_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")


class MigrationError(RuntimeError):
    """The database cannot be used with this code (for example: it is newer)."""


@dataclass(frozen=True)
class Migration:
    number: int
    name: str
    sql: str


def discover(directory: Path) -> list[Migration]:
    found = []
    for path in sorted(directory.glob("*.sql")):
        match = _NAME.match(path.name)
        if not match:
            raise MigrationError(f"migration file name not understood: {path.name}")
        found.append(Migration(int(match.group(1)), path.stem, path.read_text("utf-8")))
    numbers = [m.number for m in found]
    if numbers != list(range(1, len(found) + 1)):
        raise MigrationError(f"migrations must be numbered 0001, 0002, … without gaps: {numbers}")
    return found


def _statements(sql: str) -> list[str]:
    """Splits a migration into statements (our migrations keep ';' out of strings and triggers)."""
    lines = [line for line in sql.splitlines() if not line.strip().startswith("--")]
    return [s.strip() for s in "\n".join(lines).split(";") if s.strip()]


async def applied(db: Database) -> set[int]:
    async with db.read() as conn:
        await conn.execute(
            "CREATE TABLE IF NOT EXISTS schema_migration ("
            " number INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
        )
        rows = await conn.execute_fetchall("SELECT number FROM schema_migration")
    return {row[0] for row in rows}


async def migrate(db: Database, directory: Path,
                  before: Callable[[list[Migration]], Awaitable[None]] | None = None) -> list[str]:
    """Brings the schema up to date; returns the names applied (empty when already current).
    ``before`` runs first when a database that holds data is about to change (a backup)."""
    known = discover(directory)
    done = await applied(db)
    newest_known = known[-1].number if known else 0
    if done and max(done) > newest_known:
        raise MigrationError(
            f"the database has schema version {max(done)}, newer than this code "
            f"({newest_known}); upgrade samenbot, or restore a backup made by this version"
            " with `samenbot restore FILE`"
        )
    pending = [m for m in known if m.number not in done]
    if done and pending and before is not None:
        await before(pending)
    names = []
    for migration in known:
        if migration.number in done:
            continue
        async with db.tx() as conn:
            for statement in _statements(migration.sql):
                await conn.execute(statement)
            await conn.execute(
                "INSERT INTO schema_migration (number, name, applied_at)"
                " VALUES (?, ?, datetime('now'))",
                (migration.number, migration.name),
            )
        names.append(migration.name)
    return names
