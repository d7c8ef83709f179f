"""sqlite3 in the event loop's own thread, behind the awaitable API the storage modules use.

The bot's statements take microseconds. Running each in a worker thread (aiosqlite) cost more
than the statement itself: two thread switches and a wake-up of the event loop per statement,
about ten of them per update. Here a statement simply runs; only a commit's fsync blocks the
loop, and one update's handling waits for its commit anyway.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

Row = sqlite3.Row
Params = Sequence[Any] | dict[str, Any]


class Cursor:
    def __init__(self, cursor: sqlite3.Cursor) -> None:
        self._cursor = cursor

    @property
    def lastrowid(self) -> int | None:
        return self._cursor.lastrowid

    @property
    def rowcount(self) -> int:
        return self._cursor.rowcount

    async def fetchone(self) -> Row | None:
        return self._cursor.fetchone()

    async def fetchall(self) -> list[Row]:
        return self._cursor.fetchall()


class Connection:
    """One sqlite3 connection in autocommit mode (transactions are explicit: ``Database``)."""

    def __init__(self, path: Path) -> None:
        self._raw = sqlite3.connect(path, isolation_level=None)
        self._raw.row_factory = sqlite3.Row

    async def execute(self, sql: str, params: Params = ()) -> Cursor:
        return Cursor(self._raw.execute(sql, params))

    async def execute_fetchall(self, sql: str, params: Params = ()) -> list[Row]:
        return self._raw.execute(sql, params).fetchall()

    async def executemany(self, sql: str, rows: Iterable[Params]) -> Cursor:
        return Cursor(self._raw.executemany(sql, rows))

    async def close(self) -> None:
        self._raw.close()
