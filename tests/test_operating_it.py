"""What the IT volunteer relies on: backups (daily, before a migration, by hand), a restore
that keeps erasures, `samenbot status`, webhook mode, one process per data folder, and a bot
that waits out a network that is down at start-up."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

from bot.app import create_application, forget_the_old, start_application
from bot.services import backups, health
from bot.services.request import Request
from bot.storage import outbox
from tests.fakes.harness import ROOT
from tests.fakes.http_api import EmulatedBotApi
from tests.fakes.journeys import join, make_invite

TOKEN = "7012345678:AAHs9_kQw-3rPzXy1bN4mT8vL2cJ6dF0eGa"
FENNEKE, GERDINA = 8_765_432, 7_654_321


def names(path: Path) -> set[str]:
    with sqlite3.connect(path) as conn:
        return {r[0] for r in conn.execute("SELECT display_name FROM person")}


def cli(*args: str, data: Path, extra: dict | None = None, cwd: Path = ROOT,
        timeout: float = 60) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "SAMEN_"))}
    env.update({"SAMEN_DATA_DIR": str(data), **(extra or {})})
    return subprocess.run([sys.executable, "-m", "bot", *args], env=env, cwd=cwd,
                          capture_output=True, text=True, timeout=timeout)


def start_run(data: Path, api: EmulatedBotApi, *args: str, **extra: str) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "SAMEN_"))}
    env.update({"TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_API_BASE_URL": api.base_url,
                "SAMEN_DATA_DIR": str(data), "SAMEN_ADMIN_IDS": "4242", **extra})
    return subprocess.Popen([sys.executable, "-m", "bot", "run", *args], env=env, cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def stop(process: subprocess.Popen) -> tuple[str, str]:
    process.send_signal(signal.SIGTERM)
    return process.communicate(timeout=30)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until(check, timeout: float = 20.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        time.sleep(0.1)
    raise TimeoutError


async def test_a_restore_brings_data_back_but_not_people_who_used_forget(bot, admin):
    await join(admin)
    trainer_code = await make_invite(admin, "Trainer")
    fenneke, gerdina = bot.user(FENNEKE, "Fenneke"), bot.user(GERDINA, "Gerdina")
    await join(fenneke, trainer_code)
    await join(gerdina, await make_invite(admin, "Trainer"))
    made = await backups.make(bot.settings, "manual", bot.clock())  # while the bot runs
    assert oct(made.stat().st_mode & 0o777) == "0o600"
    assert {"Fenneke", "Gerdina"} <= names(made)

    await fenneke.send("/forget")
    await fenneke.click("🗑")
    await gerdina.send("/language")  # life goes on after the backup ...
    await bot.close()
    bot.app = None
    restored = await backups.restore(bot.settings, made, bot.clock())
    assert restored.erased_again == 1  # Fenneke said /forget after the backup was made
    assert names(bot.settings.database_path) == {"Admin", "Gerdina"}
    assert restored.previous is not None and "Fenneke" not in names(restored.previous)

    # Restored again from the same backup: she is still erased (the erasure is remembered).
    again = await backups.restore(bot.settings, made, bot.clock())
    assert again.erased_again == 1 and "Fenneke" not in names(bot.settings.database_path)
    await bot.start()
    assert "Gerdina" in (await gerdina.send("/mydata"))[-1].file_bytes.decode()


async def test_backups_older_than_the_setting_are_deleted(bot):
    first = await backups.make(bot.settings, "daily", bot.clock())
    bot.clock.advance(days=bot.settings.backup_days, seconds=1)
    second = await backups.make(bot.settings, "daily", bot.clock())
    assert not first.exists() and second.exists()
    assert backups.listing(bot.settings) == [second]


async def test_a_migration_is_preceded_by_a_backup(tmp_path, bot):
    older = tmp_path / "older-migrations"
    shutil.copytree(ROOT / "migrations", older)
    newest = sorted(older.glob("*.sql"))[-1]
    newest.unlink()
    data = tmp_path / "upgrade"
    settings = replace(bot.settings, data_dir=data, migrations_dir=older)
    app = await create_application(settings, request=bot.api, clock=bot.clock)
    await app.bot_data["services"].db.close()
    assert backups.listing(settings) == []  # a new database: nothing to keep
    upgraded = replace(settings, migrations_dir=ROOT / "migrations")
    app = await create_application(upgraded, request=bot.api, clock=bot.clock)
    await app.bot_data["services"].db.close()
    [made] = backups.listing(upgraded)
    assert made.name.endswith(f"-before-migration-{newest.name[:4]}.sqlite3")
    with sqlite3.connect(made) as conn:  # the copy is the database as it was before
        assert conn.execute("SELECT max(number) FROM schema_migration").fetchone()[0] == int(
            newest.name[:4]) - 1


async def test_the_daily_jobs_back_up_and_prune_the_outbox(bot):
    await bot.close()
    bot.app = await create_application(bot.settings, request=bot.api, clock=bot.clock)
    await start_application(bot.app)  # with its jobs, as `samenbot run` does
    job = next(j for j in bot.app.job_queue.jobs() if j.name == "backup")
    assert "hour='3', minute='30'" in str(job.job.trigger)  # every night at 03:30
    await job.callback(SimpleNamespace(application=bot.app))
    assert [p.name.endswith("-daily.sqlite3") for p in backups.listing(bot.settings)] == [True]

    req: Request = bot.request()
    async with req.db.tx() as conn:
        row = await outbox.enqueue(conn, person_id=None, chat_id=1, kind="text", ref="x",
                                   payload={"text": "hallo"}, due_at=req.now, now=req.now)
        await outbox.finish(conn, row, "sent", now=req.now)
    bot.clock.advance(days=bot.settings.outbox_keep_days - 1)
    await forget_the_old(bot.app)
    assert await bot.rows("SELECT count(*) FROM outbox") == [(1,)]  # kept for a year
    bot.clock.advance(days=2)
    await forget_the_old(bot.app)
    assert await bot.rows("SELECT count(*) FROM outbox") == [(0,)]


def test_status_says_not_running_then_healthy_while_it_runs(tmp_path):
    data = tmp_path / "data"
    result = cli("status", data=data)
    assert result.returncode == 1 and "not running" in result.stdout
    with EmulatedBotApi() as api:
        process = start_run(data, api)
        try:
            api.wait_for("getUpdates", 2)
            healthy = wait_until(lambda: (r := cli("status", "--json", data=data)).returncode
                                 == 0 and r)
            report = json.loads(healthy.stdout)
            assert report["heartbeat"]["mode"] == "polling"
            assert report["queues"]["outbox_unknown"] == 0
            second = start_run(data, api)  # a second process on the same data folder
            _, err = second.communicate(timeout=30)
            assert second.returncode == 2 and "another samenbot" in err
            busy = cli("restore", str(data / "samenbot.sqlite3"), data=data)
            assert busy.returncode == 1 and "stop the bot first" in busy.stderr
        finally:
            _, err = stop(process)
        assert process.returncode == 0, err
    assert cli("status", data=data).returncode == 1  # stopped: not healthy any more


def test_backup_and_restore_from_the_command_line(tmp_path):
    data = tmp_path / "data"
    assert cli("migrate", data=data).returncode == 0
    made = cli("backup", data=data)
    assert made.returncode == 0 and "backup written" in made.stdout
    [copy] = list((data / "backups").glob("samenbot-*-manual.sqlite3"))
    assert cli("restore", str(copy), data=data).returncode == 0
    junk = tmp_path / "junk.sqlite3"
    junk.write_text("not a database")
    refused = cli("restore", str(junk), data=data)
    assert refused.returncode == 1 and "nothing restored" in refused.stderr
    assert "Traceback" not in refused.stderr


def test_webhook_mode_stores_updates_and_answers_health(tmp_path):
    port = free_port()
    url = f"http://127.0.0.1:{port}/telegram"
    with EmulatedBotApi() as api:
        process = start_run(tmp_path, api, "--webhook", SAMEN_WEBHOOK_URL=url,
                            SAMEN_WEBHOOK_LISTEN="127.0.0.1", SAMEN_WEBHOOK_PORT=str(port),
                            SAMEN_WEBHOOK_SECRET="a-secret-of-twenty-chars")
        try:
            [hook] = api.wait_for("setWebhook")
            assert hook["url"] == url and hook["secret_token"] == "a-secret-of-twenty-chars"
            update = {"update_id": 7, "message": {
                "message_id": 1, "date": int(time.time()), "text": "/start",
                "chat": {"id": 4242, "type": "private"},
                "from": {"id": 4242, "is_bot": False, "first_name": "Ada", "language_code": "en"},
                "entities": [{"type": "bot_command", "offset": 0, "length": 6}]}}

            def post(secret: str) -> int:
                request = urllib.request.Request(
                    url, data=json.dumps(update).encode(), method="POST",
                    headers={"Content-Type": "application/json",
                             "X-Telegram-Bot-Api-Secret-Token": secret})
                try:
                    return urllib.request.urlopen(request, timeout=10).status
                except urllib.error.HTTPError as exc:
                    return exc.code

            assert post("someone-guessing-the-url") == 403
            assert post("a-secret-of-twenty-chars") == 200
            [sent] = api.wait_for("sendMessage")
            assert "Choose your language" in sent["text"]
            assert post("a-secret-of-twenty-chars") == 200  # Telegram sent it again
            time.sleep(0.5)
            assert len(api.wait_for("sendMessage")) == 1  # ... and it is answered once
            health = wait_until(lambda: _get(f"http://127.0.0.1:{port}/healthz"))
            assert health["healthy"] is True and health["heartbeat"]["mode"] == "webhook"
        finally:
            _, err = stop(process)
        assert process.returncode == 0, err
        assert "deleteWebhook" not in [m for m, _ in api.calls]  # Telegram keeps updates


def _get(url: str) -> dict | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return json.loads(response.read())
    except (urllib.error.URLError, ConnectionError):
        return None


def test_a_network_down_at_start_up_is_waited_out_not_fatal(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "SAMEN_"))}
    env.update({"TELEGRAM_BOT_TOKEN": TOKEN, "SAMEN_DATA_DIR": str(tmp_path),
                "TELEGRAM_API_BASE_URL": f"http://127.0.0.1:{free_port()}/bot"})  # nobody there
    process = subprocess.Popen([sys.executable, "-m", "bot", "run"], env=env, cwd=ROOT,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    time.sleep(4)
    assert process.poll() is None  # still trying, not exited
    _, err = stop(process)
    assert process.returncode == 0
    assert "trying again" in err and "Traceback" not in err


def test_settings_for_operations_are_checked(tmp_path):
    bad = cli("status", data=tmp_path, extra={"SAMEN_WEBHOOK_PORT": "99999"})
    assert bad.returncode == 2 and "SAMEN_WEBHOOK_PORT" in bad.stderr
    missing = cli("run", "--webhook", data=tmp_path, extra={"TELEGRAM_BOT_TOKEN": TOKEN})
    assert missing.returncode == 2 and "SAMEN_WEBHOOK_URL" in missing.stderr


async def test_status_notices_a_bot_that_cannot_reach_telegram_or_deliver(bot):
    now = bot.clock()

    def iso(**ago: float) -> str:
        return (now - timedelta(**ago)).isoformat()

    beat = health.Heartbeat(at=iso(seconds=5), mode="polling", pid=1, started_at=iso(hours=1),
                            receiving_ok_at=iso(seconds=20))
    health.write_heartbeat(bot.settings.heartbeat_path, beat)
    assert (await health.status(bot.settings, now)).healthy
    beat.receiving_ok_at = iso(minutes=10)
    health.write_heartbeat(bot.settings.heartbeat_path, beat)
    report = await health.status(bot.settings, now)
    assert not report.healthy and "cannot reach Telegram" in report.problems[0]

    beat.receiving_ok_at = iso(seconds=20)
    health.write_heartbeat(bot.settings.heartbeat_path, beat)
    req: Request = bot.request()
    async with req.db.tx() as conn:
        await outbox.enqueue(conn, person_id=None, chat_id=1, kind="text", ref="x",
                             payload={"text": "hallo"}, due_at=now - timedelta(minutes=20),
                             now=now)
    report = await health.status(bot.settings, now)
    assert report.problems == [f"messages waiting since {iso(minutes=20)}"]
    assert "1 waiting" in health.as_text(report)
