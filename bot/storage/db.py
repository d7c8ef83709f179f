"""One SQLite connection per process, serialised by a lock so transactions never interleave.

``unit()`` is the transaction of one whole update: everything the handlers write (domain rows
through the services' ``tx()``, the person's draft and step through persistence, the inbox
mark) joins it, so an update is stored entirely or not at all. Inside a unit, ``tx()`` becomes
a SAVEPOINT (a service that fails still rolls back only its own writes) and ``read()`` needs
no lock of its own. Outside a unit both work as on their own.

``batch()`` is group commit: updates handled one after the other inside it are each a unit
(a SAVEPOINT of the batch: each still all or nothing) and share one COMMIT, so one fsync. What
a unit asks to run after its commit (its replies) runs after the batch's commit, and not at
all if its own unit rolled back.
"""

from __future__ import annotations

import asyncio
import contextvars
import itertools
import os
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path

from bot.storage.sqlite import Connection

PRAGMAS = (
    "PRAGMA journal_mode=WAL",
    "PRAGMA secure_delete=ON",  # deleted rows are overwritten, not left in free blocks
    "PRAGMA foreign_keys=ON",
    "PRAGMA busy_timeout=5000",
    "PRAGMA synchronous=FULL",
)

# The database whose unit the current task is inside, and that task (a task started from
# inside a unit copies the variable but does not own the unit).
_in_unit: contextvars.ContextVar[tuple[Database, asyncio.Task | None] | None] = \
    contextvars.ContextVar("_in_unit", default=None)
# The same for a batch: the task whose transaction is open (its units are savepoints).
_in_batch: contextvars.ContextVar[tuple[Database, asyncio.Task | None] | None] = \
    contextvars.ContextVar("_in_batch", default=None)


class Database:
    """Owns the connection; ``tx()`` gives exclusive, atomic access to it."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._conn: Connection | None = None
        self._lock = asyncio.Lock()
        self._savepoints = itertools.count(1)
        self._after: list[Callable[[], Awaitable[None]]] = []

    async def open(self) -> None:
        """Opens (creating) the database; its folder is readable by the bot's user only, and so
        are the database and its WAL."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        os.chmod(self.path.parent, 0o700)
        old = os.umask(0o077)
        try:
            self._conn = Connection(self.path)
            for pragma in PRAGMAS:
                await self._conn.execute(pragma)
        finally:
            os.umask(old)
        for path in (self.path, *self.path.parent.glob(self.path.name + "-*")):
            os.chmod(path, 0o600)

    async def close(self) -> None:
        if self._conn is not None:
            await self._conn.close()
            self._conn = None

    @property
    def conn(self) -> Connection:
        if self._conn is None:
            raise RuntimeError("database is not open")
        return self._conn

    def in_unit(self) -> bool:
        """Whether this task is inside a transaction of its own (a unit, or a batch)."""
        here = (self, asyncio.current_task())
        return _in_unit.get() == here or _in_batch.get() == here

    @asynccontextmanager
    async def batch(self) -> AsyncIterator[Connection]:
        """One transaction for the units handled inside it (group commit)."""
        if self.in_unit():
            raise RuntimeError("a batch holds units, it is not held by one")
        async with self._transaction(_in_batch) as conn:
            yield conn

    @asynccontextmanager
    async def unit(self) -> AsyncIterator[Connection]:
        """The one transaction of an update: BEGIN IMMEDIATE … COMMIT (ROLLBACK on error);
        inside a batch, a savepoint of it."""
        if _in_unit.get() == (self, asyncio.current_task()):
            raise RuntimeError("units do not nest")
        place = self._savepoint("u", _in_unit) if self.in_unit() else self._transaction(_in_unit)
        async with place as conn:
            yield conn

    @asynccontextmanager
    async def tx(self) -> AsyncIterator[Connection]:
        """One write transaction (BEGIN IMMEDIATE … COMMIT, ROLLBACK on error); inside a unit,
        a savepoint of it."""
        async with (self._savepoint("sp") if self.in_unit() else self._transaction()) as conn:
            yield conn

    @asynccontextmanager
    async def _transaction(self, marker: contextvars.ContextVar | None = None
                           ) -> AsyncIterator[Connection]:
        """BEGIN IMMEDIATE … COMMIT under the lock (ROLLBACK on error, and the actions asked
        for inside go too); ``marker`` tells this task's code it is inside."""
        async with self._lock:
            await self.conn.execute("BEGIN IMMEDIATE")
            token = marker.set((self, asyncio.current_task())) if marker else None
            try:
                yield self.conn
            except BaseException:
                await self.conn.execute("ROLLBACK")
                self._after.clear()
                raise
            finally:
                if marker and token:
                    marker.reset(token)
            await self.conn.execute("COMMIT")
        await self._run_after()

    @asynccontextmanager
    async def _savepoint(self, prefix: str, marker: contextvars.ContextVar | None = None
                         ) -> AsyncIterator[Connection]:
        """A SAVEPOINT of the open transaction: on error only its own writes are undone, and
        the after-commit actions asked for inside it are dropped."""
        name, pending = f"{prefix}{next(self._savepoints)}", len(self._after)
        await self.conn.execute(f"SAVEPOINT {name}")
        token = marker.set((self, asyncio.current_task())) if marker else None
        try:
            yield self.conn
        except BaseException:
            await self.conn.execute(f"ROLLBACK TO {name}")
            await self.conn.execute(f"RELEASE {name}")
            del self._after[pending:]
            raise
        finally:
            if marker and token:
                marker.reset(token)
        await self.conn.execute(f"RELEASE {name}")

    def after_commit(self, action: Callable[[], Awaitable[None]]) -> None:
        """Runs ``action`` once the current transaction (the update's unit) has committed."""
        self._after.append(action)

    async def _run_after(self) -> None:
        if self.in_unit():  # a savepoint was released: the unit has not committed yet
            return
        actions, self._after = self._after, []
        for action in actions:
            await action()

    async def truncate_wal(self) -> None:
        """Copies the WAL into the database file and empties it (after an erasure)."""
        async with self._lock:
            await self.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    @asynccontextmanager
    async def read(self) -> AsyncIterator[Connection]:
        """Exclusive access for reads, so they never see half of someone else's transaction."""
        if self.in_unit():
            yield self.conn
            return
        async with self._lock:
            yield self.conn
