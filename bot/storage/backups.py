"""Copies of the database made with SQLite's online backup API: consistent while the bot
runs (WAL readers do not block it) and without any external ``sqlite3`` program."""

from __future__ import annotations

import os
import sqlite3
from contextlib import closing
from pathlib import Path


class BackupError(ValueError):
    """A file that cannot be used as a backup; the message says why."""


def copy_database(source: Path, target: Path) -> None:
    """Writes a consistent copy of ``source`` to ``target`` (via a temporary file, so a
    half-written copy never carries the final name); the copy is readable by its owner only."""
    target.parent.mkdir(parents=True, exist_ok=True)
    os.chmod(target.parent, 0o700)
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    old = os.umask(0o077)
    try:
        with closing(sqlite3.connect(f"file:{source}?mode=ro", uri=True)) as src, \
                closing(sqlite3.connect(partial)) as dst:
            src.backup(dst)
            dst.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
    finally:
        os.umask(old)
    os.chmod(partial, 0o600)
    os.replace(partial, target)


def schema_version(path: Path) -> int:
    """The newest migration a database file holds; BackupError if it is not a sound samenbot
    database."""
    if not path.is_file():
        raise BackupError(f"{path}: no such file")
    try:
        with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as conn:
            check = conn.execute("PRAGMA integrity_check").fetchone()
            if check is None or check[0] != "ok":
                raise BackupError(f"{path}: the file is damaged ({check[0] if check else '?'})")
            row = conn.execute("SELECT max(number) FROM schema_migration").fetchone()
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"{path}: not a samenbot database ({exc})") from exc
    if row is None or row[0] is None:
        raise BackupError(f"{path}: not a samenbot database (no migrations)")
    return int(row[0])


def replace_database(backup: Path, database: Path) -> None:
    """Puts the backup's content in place of the database (the bot must be stopped): copied
    page by page into the live file, so its WAL and permissions stay coherent."""
    old = os.umask(0o077)
    try:
        with closing(sqlite3.connect(f"file:{backup}?mode=ro", uri=True)) as src, \
                closing(sqlite3.connect(database)) as dst:
            src.backup(dst)
            dst.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        os.umask(old)
