"""``samenbot run`` for real: long polling over HTTP against an emulated Bot API on loopback."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from tests.fakes.http_api import EmulatedBotApi

ROOT = Path(__file__).resolve().parent.parent
ADMIN = 4242
TOKEN = "7012345678:AAHs9_kQw-3rPzXy1bN4mT8vL2cJ6dF0eGa"  # shaped like a real one


def _start_update(update_id: int, text: str) -> dict:
    return {"update_id": update_id, "message": {
        "message_id": update_id, "date": int(time.time()),
        "chat": {"id": ADMIN, "type": "private"},
        "from": {"id": ADMIN, "is_bot": False, "first_name": "Ada", "language_code": "en"},
        "text": text, "entities": [{"type": "bot_command", "offset": 0, "length": len(text)}]}}


def test_run_answers_over_http_and_keeps_state(tmp_path):
    with EmulatedBotApi() as api:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "SAMEN_"))}
        env.update({"TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_API_BASE_URL": api.base_url,
                    "SAMEN_DATA_DIR": str(tmp_path), "SAMEN_ADMIN_IDS": str(ADMIN)})
        api.push(_start_update(1, "/start"))
        process = subprocess.Popen([sys.executable, "-m", "bot", "run"], env=env, cwd=ROOT,
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            sent = api.wait_for("sendMessage")
            assert "Choose your language" in sent[0]["text"]
            assert api.wait_for("setMyCommands", 7)  # visitors: default, nl, en, ar, tr, es, tw
        finally:
            time.sleep(1.5)  # a few getUpdates rounds, each one a request with the token in it
            process.send_signal(signal.SIGTERM)
            out, err = process.communicate(timeout=30)
        assert process.returncode == 0, err
    assert "samenbot is running" in err  # it does log, at INFO
    for secret in (TOKEN, TOKEN.split(":")[1]):
        assert secret not in out + err  # the token appears nowhere in the log
    # The half-finished onboarding was kept for the next start: the flow and its draft.
    with sqlite3.connect(tmp_path / "samenbot.sqlite3") as conn:
        rows = conn.execute("SELECT user_id, data FROM ptb_user_data").fetchall()
    assert [(user, json.loads(data)["flow"]) for user, data in rows] == [(ADMIN, "onboarding")]
