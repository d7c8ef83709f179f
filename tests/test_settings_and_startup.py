"""Settings come from the environment; bad values give one clear line and exit code 2."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.config import ConfigError, load_settings

ROOT = Path(__file__).resolve().parent.parent


def test_defaults(tmp_path):
    settings = load_settings({"TELEGRAM_BOT_TOKEN": "123:abc"})
    assert settings.data_dir == Path("./data")
    assert settings.timezone == "Europe/Amsterdam"
    assert settings.default_language == "nl"
    assert settings.admin_ids == frozenset()
    assert settings.api_base_url is None


def test_all_settings(tmp_path):
    settings = load_settings({
        "TELEGRAM_BOT_TOKEN": "123:abc", "SAMEN_DATA_DIR": str(tmp_path),
        "SAMEN_ADMIN_IDS": "11, 22 33", "SAMEN_TIMEZONE": "America/Paramaribo",
        "SAMEN_DEFAULT_LANGUAGE": "en", "TELEGRAM_API_BASE_URL": "http://127.0.0.1:8081/bot",
        "TELEGRAM_API_BASE_FILE_URL": "http://127.0.0.1:8081/file/bot",
    })
    assert settings.admin_ids == frozenset({11, 22, 33})
    assert settings.database_path == tmp_path / "samenbot.sqlite3"
    assert settings.api_base_url == "http://127.0.0.1:8081/bot"


@pytest.mark.parametrize(("env", "variable"), [
    ({}, "TELEGRAM_BOT_TOKEN"),
    ({"TELEGRAM_BOT_TOKEN": "not a token"}, "TELEGRAM_BOT_TOKEN"),
    ({"TELEGRAM_BOT_TOKEN": "1:a", "SAMEN_ADMIN_IDS": "12,abc"}, "SAMEN_ADMIN_IDS"),
    ({"TELEGRAM_BOT_TOKEN": "1:a", "SAMEN_TIMEZONE": "Mars/Olympus"}, "SAMEN_TIMEZONE"),
    ({"TELEGRAM_BOT_TOKEN": "1:a", "SAMEN_DEFAULT_LANGUAGE": "xx"}, "SAMEN_DEFAULT_LANGUAGE"),
    ({"TELEGRAM_BOT_TOKEN": "1:a", "TELEGRAM_API_BASE_URL": "ftp://x"}, "TELEGRAM_API_BASE_URL"),
    ({"TELEGRAM_BOT_TOKEN": "1:a", "SAMEN_SEND_RATE": "100"}, "SAMEN_SEND_RATE"),
    ({"TELEGRAM_BOT_TOKEN": "1:a", "SAMEN_MAX_MISSED_TRAINING_DAYS": "two"},
     "SAMEN_MAX_MISSED_TRAINING_DAYS"),
    ({"TELEGRAM_BOT_TOKEN": "1:a", "SAMEN_MAX_MISSED_TRAINING_DAYS": "²"},
     "SAMEN_MAX_MISSED_TRAINING_DAYS"),
    ({"TELEGRAM_BOT_TOKEN": "1:a", "SAMEN_LOG_LEVEL": "loud"}, "SAMEN_LOG_LEVEL"),
    ({"TELEGRAM_BOT_TOKEN": "1:a", "SAMEN_LOG_FORMAT": "xml"}, "SAMEN_LOG_FORMAT"),
])
def test_bad_settings_name_the_variable(env, variable):
    with pytest.raises(ConfigError, match=variable):
        load_settings(env)


def test_cli_exits_2_with_one_line_and_no_traceback(tmp_path):
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("TELEGRAM_", "SAMEN_"))}
    env.update({"SAMEN_DATA_DIR": str(tmp_path), "SAMEN_TIMEZONE": "Nowhere/Town"})
    result = subprocess.run([sys.executable, "-m", "bot", "run"], env=env, cwd=ROOT,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "TELEGRAM_BOT_TOKEN" in lines[0]
    env["TELEGRAM_BOT_TOKEN"] = "123:abc"
    result = subprocess.run([sys.executable, "-m", "bot", "run"], env=env, cwd=ROOT,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 2 and "SAMEN_TIMEZONE" in result.stderr
    assert "Traceback" not in result.stderr


def test_migrate_command_applies_once(tmp_path):
    env = {**os.environ, "SAMEN_DATA_DIR": str(tmp_path)}
    first = subprocess.run([sys.executable, "-m", "bot", "migrate"], env=env, cwd=ROOT,
                           capture_output=True, text=True, timeout=60)
    second = subprocess.run([sys.executable, "-m", "bot", "migrate"], env=env, cwd=ROOT,
                            capture_output=True, text=True, timeout=60)
    assert first.returncode == 0 and "0001_initial" in first.stdout
    assert second.returncode == 0 and "up to date" in second.stdout


def test_a_token_in_a_log_line_is_replaced():
    from bot.logs import redact

    line = "POST http://127.0.0.1:8081/bot7012345678:AAHs9_kQw-3rPzXy1bN4mT8vL2cJ6dF0eGa/x"
    assert redact(line) == "POST http://127.0.0.1:8081/bot<token>/x"  # whatever the host
    assert redact("timed out talking to 7012345678:AAHs9_kQw-3rPzXy1bN4mT8vL2cJ6dF0eGa") \
        == "timed out talking to <token>"
