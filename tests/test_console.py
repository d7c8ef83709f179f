"""``samenbot console``: a newcomer walks the bot in a terminal, with a restart halfway."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from bot.config import Settings
from bot.console import Console

ROOT = Path(__file__).resolve().parent.parent


async def test_console_walk_with_restart(tmp_path, capsys):
    settings = Settings(token="123:CONSOLE", data_dir=tmp_path, admin_ids=frozenset({1}))
    console = Console(settings, 1)
    await console.start()
    try:
        for line in ["/start", "2", "1", "/invite", "2", "1", "2", "9"]:  # 9: they choose
            assert await console.handle(line)
        out = capsys.readouterr().out
        assert "[1] Nederlands" in out and "[2] English" in out
        assert "Welcome, Person1!" in out
        link = re.search(r"https://t\.me/\S+", out).group(0)
        saved = re.search(r"\[photo saved: (\S+)\]", out).group(1)
        assert Path(saved).read_bytes().startswith(b"\x89PNG")

        await console.handle("!as 42 Lina")
        await console.handle(link)  # pasting the link opens it
        await console.handle("3")  # العربية
        await console.handle("!restart")
        await console.handle("hmm")  # a wrong answer after the restart
        await console.handle("1")  # أوافق
        await console.handle("99")  # no such button: said, and the console goes on
        out = capsys.readouterr().out
        assert "(no button 99" in out
        assert "(the bot was restarted)" in out
        assert "من فضلك اضغط على أحد الأزرار أدناه." in out
        assert "أهلًا بك يا Lina!" in out
        assert not await console.handle("!quit")
    finally:
        await console.stop()


def test_console_runs_from_the_command_line_on_its_own_data(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "SAMEN_"))}
    env["SAMEN_DATA_DIR"] = str(tmp_path / "production")
    result = subprocess.run([sys.executable, "-m", "bot", "console"], input="/start\n1\n1\n!quit\n",
                            env=env, cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert "Welkom, Person1!" in result.stdout
    assert (tmp_path / "console-data" / "samenbot.sqlite3").exists()
    assert not (tmp_path / "production").exists()  # try-outs never land in production
