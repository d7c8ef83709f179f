"""One samenbot process per data folder: two writers would fight over the database, and a
restore must not pull the database from under a running bot."""

from __future__ import annotations

import contextlib
import fcntl
from collections.abc import Iterator
from pathlib import Path


class AlreadyRunning(RuntimeError):
    """Another samenbot holds this data folder (two writers would fight over the database)."""


@contextlib.contextmanager
def data_folder_lock(data_dir: Path) -> Iterator[None]:
    """Held for as long as the process runs; the kernel lets go of it when the process dies,
    kill -9 included, so a stale lock never keeps the bot down."""
    data_dir.mkdir(parents=True, exist_ok=True)
    with open(data_dir / "samenbot.lock", "a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            raise AlreadyRunning(f"another samenbot is running on {data_dir}") from exc
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def is_running(data_dir: Path) -> bool:
    try:
        with data_folder_lock(data_dir):
            return False
    except AlreadyRunning:
        return True
