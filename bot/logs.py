"""Logging that never contains the bot token or what people wrote: one line per event.

httpx logs every request URL at INFO, and the Bot API URL contains the token, so httpx and
httpcore only speak from WARNING; APScheduler reports every job run at INFO, so it does too.
Whatever still slips through (an exception message quoting a URL) has the token replaced.
``SAMEN_LOG_LEVEL`` sets the level, ``SAMEN_LOG_FORMAT=json`` gives JSON lines.
"""

from __future__ import annotations

import json
import logging
import re

TOKEN = re.compile(r"\b\d{5,}:[A-Za-z0-9_-]{20,}\b|(?<=/bot)\d+:[A-Za-z0-9_-]+")
QUIET = ("httpx", "httpcore", "apscheduler", "telegram.ext.Application.updater")


def redact(text: str) -> str:
    return TOKEN.sub("<token>", text)


class _Redacting(logging.Formatter):
    def __init__(self, as_json: bool) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s: %(message)s")
        self.as_json = as_json

    def format(self, record: logging.LogRecord) -> str:
        text = redact(super().format(record))
        if not self.as_json:
            return text
        line = {"time": self.formatTime(record), "level": record.levelname,
                "logger": record.name, "message": redact(record.getMessage())}
        if record.exc_info:
            line["error"] = redact(self.formatException(record.exc_info))
        return json.dumps(line, ensure_ascii=False)


def setup(level: str = "INFO", as_json: bool = False) -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(_Redacting(as_json))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for name in QUIET:
        logging.getLogger(name).setLevel(max(logging.WARNING, root.level))
