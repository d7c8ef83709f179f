"""A minimal Bot API emulator over HTTP on 127.0.0.1, for running ``samenbot run`` for real.

It serves getMe, getUpdates (queued updates, honouring the offset), and records every other
call; enough for long polling end to end without Telegram.
"""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs

from bot.simulator.api import BOT_USER


class EmulatedBotApi:
    def __init__(self) -> None:
        self.updates: list[dict[str, Any]] = []
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self._lock = threading.Lock()
        self._message_id = 0
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/bot"

    def __enter__(self) -> EmulatedBotApi:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()

    def push(self, update: dict[str, Any]) -> None:
        with self._lock:
            self.updates.append(update)

    def wait_for(self, method: str, count: int = 1, timeout: float = 20) -> list[dict]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                found = [p for m, p in self.calls if m == method]
            if len(found) >= count:
                return found
            time.sleep(0.05)
        raise TimeoutError(f"no {count} x {method}; calls: {[m for m, _ in self.calls]}")

    def _answer(self, method: str, params: dict[str, Any]) -> Any:
        with self._lock:
            self.calls.append((method, params))
            if method == "getMe":
                return BOT_USER
            if method == "getUpdates":
                offset = int(params.get("offset") or 0)
                self.updates = [u for u in self.updates if u["update_id"] >= offset]
                return list(self.updates)
            if method == "sendMessage":
                self._message_id += 1
                return {"message_id": self._message_id, "date": int(time.time()),
                        "chat": {"id": int(params["chat_id"]), "type": "private"},
                        "from": BOT_USER, "text": params.get("text", "")}
            return True

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        api = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length).decode()
                if self.headers.get("Content-Type", "").startswith("application/json"):
                    params = json.loads(body or "{}")
                else:
                    params = {k: v[0] for k, v in parse_qs(body).items()}
                method = self.path.rsplit("/", 1)[-1]
                payload = json.dumps({"ok": True, "result": api._answer(method, params)})
                if method == "getUpdates" and payload.endswith("[]}"):
                    time.sleep(0.2)  # a short long-poll
                data = payload.encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: object) -> None:
                return None

        return Handler
