"""The database: pragmas, migrations applied once and in order, and the persistence contract."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.storage.db import Database
from bot.storage.migrations import MigrationError, migrate
from bot.storage.persistence import SqlitePersistence

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"
SHIPPED = [(n, p.stem) for n, p in enumerate(sorted(MIGRATIONS.glob("*.sql")), start=1)]


@pytest.fixture
async def db(tmp_path):
    database = Database(tmp_path / "test.sqlite3")
    await database.open()
    await migrate(database, MIGRATIONS)
    yield database
    await database.close()


async def test_pragmas(db):
    async with db.read() as conn:
        values = [(await (await conn.execute(f"PRAGMA {p}")).fetchone())[0]
                  for p in ("journal_mode", "foreign_keys", "synchronous", "busy_timeout")]
    assert values == ["wal", 1, 2, 5000]


async def test_migrating_twice_is_a_no_op(db):
    assert await migrate(db, MIGRATIONS) == []
    async with db.read() as conn:
        rows = await conn.execute_fetchall("SELECT number, name FROM schema_migration")
    assert [tuple(r) for r in rows] == SHIPPED
    assert SHIPPED[0] == (1, "0001_initial")


async def test_a_failing_migration_leaves_no_trace(tmp_path):
    folder = tmp_path / "migrations"
    shutil.copytree(MIGRATIONS, folder)
    broken = folder / f"{len(SHIPPED) + 1:04d}_broken.sql"
    broken.write_text("CREATE TABLE fine (x INTEGER);\nNOT SQL;\n")
    database = Database(tmp_path / "x.sqlite3")
    await database.open()
    try:
        with pytest.raises(Exception, match="syntax"):
            await migrate(database, folder)
        async with database.read() as conn:
            tables = {r[0] for r in await conn.execute_fetchall(
                "SELECT name FROM sqlite_master WHERE type = 'table'")}
            numbers = [r[0] for r in await conn.execute_fetchall(
                "SELECT number FROM schema_migration")]
        assert "fine" not in tables and numbers == [n for n, _ in SHIPPED]
    finally:
        await database.close()


async def test_a_newer_database_refuses_to_start(db, tmp_path):
    async with db.tx() as conn:
        await conn.execute("INSERT INTO schema_migration VALUES (99, '0099_future', 'now')")
    with pytest.raises(MigrationError, match="newer than this code"):
        await migrate(db, MIGRATIONS)


async def test_persistence_contract(db):
    persistence = SqlitePersistence(db)
    await persistence.update_user_data(1, {"draft": {"a": [1, "ü"]}})
    await persistence.update_chat_data(5, {"x": 1})
    await persistence.update_conversation("flow", (5, 1), 3)
    await persistence.update_conversation("flow", (6, 2), 1)
    fresh = SqlitePersistence(db)  # as after a restart
    assert await fresh.get_user_data() == {1: {"draft": {"a": [1, "ü"]}}}
    assert await fresh.get_chat_data() == {5: {"x": 1}}
    assert await fresh.get_conversations("flow") == {(5, 1): 3, (6, 2): 1}
    await fresh.update_conversation("flow", (6, 2), None)
    await fresh.drop_conversations_of(1)
    await fresh.update_user_data(1, {})
    await fresh.drop_chat_data(5)
    assert await fresh.get_conversations("flow") == {}
    assert await fresh.get_user_data() == {}
    assert await fresh.get_chat_data() == {}


async def test_deleted_words_leave_the_database_file(tmp_path):
    """secure_delete: a deleted row's bytes are overwritten, not left in a free block, and the
    WAL can be emptied (what /forget does)."""
    db = Database(tmp_path / "x.sqlite3")
    await db.open()
    try:
        async with db.tx() as conn:
            await conn.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)")
            for n in range(60):
                await conn.execute("INSERT INTO t (v) VALUES (?)", (f"row {n} " + "x" * 50,))
            await conn.execute("INSERT INTO t (v) VALUES ('Geheime schuld bij de buurman')")
        await db.truncate_wal()
        async with db.tx() as conn:
            await conn.execute("DELETE FROM t WHERE v LIKE 'Geheime%'")
        await db.truncate_wal()
        files = b"".join(p.read_bytes() for p in tmp_path.iterdir())
        assert b"Geheime schuld" not in files
    finally:
        await db.close()


async def test_only_the_bots_user_can_read_the_data(tmp_path):
    db = Database(tmp_path / "data" / "samenbot.sqlite3")
    await db.open()
    try:
        async with db.tx() as conn:  # the WAL appears with the first write
            await conn.execute("CREATE TABLE t (v TEXT)")
            await conn.execute("INSERT INTO t VALUES ('x')")
        assert (tmp_path / "data").stat().st_mode & 0o777 == 0o700
        files = list((tmp_path / "data").iterdir())
        assert {p.name for p in files} >= {"samenbot.sqlite3", "samenbot.sqlite3-wal"}
        assert all(p.stat().st_mode & 0o777 == 0o600 for p in files)
    finally:
        await db.close()
