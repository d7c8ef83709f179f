"""A fast Bot API emulator for ``throughput.py``: asyncio, HTTP/1.1 keep-alive, loopback only.

It serves getMe, deleteWebhook, setMyCommands, getUpdates (long polling that honours
``offset`` like Telegram: an update stays and is delivered again until a later call confirms
it with a higher offset) and sendMessage, and answers any other method with ``true`` or, for
send/edit/copy/forward methods, a plausible message. Every injected update and every reply is
timestamped with ``time.perf_counter()``, and replies are matched to the oldest unanswered
message of their chat, which gives the latency from injection to reply.

No dependency beyond the standard library; the HTTP parser knows just what httpx sends.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import math
import time
from collections import Counter, deque
from typing import Any
from urllib.parse import parse_qsl

BOT_USER = {"id": 7000001, "is_bot": True, "first_name": "samenbot",
            "username": "samenbot_bench_bot", "can_join_groups": False,
            "can_read_all_group_messages": False, "supports_inline_queries": False}
_MESSAGE_METHODS = ("send", "edit", "copy", "forward")
_REASONS = {200: b"OK", 400: b"Bad Request", 404: b"Not Found"}


class BotApiEmulator:
    """One emulated bot. ``inject`` queues a text message; ``sent``/``answered`` hold results."""

    def __init__(self, token: str) -> None:
        self.token = token
        self._prefix = f"/bot{token}/"
        self._server: asyncio.AbstractServer | None = None
        self._writers: set[asyncio.StreamWriter] = set()
        self._handlers: set[asyncio.Task] = set()
        self._closing = False
        self._queue: deque[tuple[int, bytes]] = deque()  # (update_id, JSON), unconfirmed
        self._arrived = asyncio.Event()
        self._next_update_id = 1
        self._highest_handed_out = 0
        self._message_ids = itertools.count(1)
        self._pending: dict[int, deque[int]] = {}  # chat id -> indexes of unanswered messages
        self.port = 0
        # results --------------------------------------------------------------------------
        self.injected_at: list[float] = []  # per injected message, perf_counter()
        self.answered_at: list[float] = []  # per injected message, perf_counter() or nan
        self.replies_at: list[float] = []  # every matched reply, in arrival order
        self.unmatched_replies = 0  # sendMessage to a chat with nothing unanswered
        self.redelivered = 0  # updates handed out again (not yet confirmed by an offset)
        self.first_poll_at: float | None = None
        self.calls: Counter[str] = Counter()
        self.reply_texts: Counter[str] = Counter()  # first line of each reply, to check them

    # life cycle -----------------------------------------------------------------------------
    async def start(self) -> None:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0, backlog=256)
        self.port = self._server.sockets[0].getsockname()[1]

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/bot"

    async def close(self) -> None:
        """Stops listening, answers waiting long polls, then closes every connection."""
        self._closing = True
        if self._server is not None:
            self._server.close()
        self._arrived.set()
        await asyncio.sleep(0.05)
        for writer in list(self._writers):
            writer.close()
        if self._handlers:
            await asyncio.wait(list(self._handlers), timeout=2)

    # load -----------------------------------------------------------------------------------
    def inject(self, user_id: int, first_name: str, language: str, text: str) -> int:
        """Queues one private text message from ``user_id``; returns its index."""
        update_id = self._next_update_id
        self._next_update_id += 1
        message: dict[str, Any] = {
            "message_id": update_id, "date": int(time.time()),
            "chat": {"id": user_id, "type": "private", "first_name": first_name},
            "from": {"id": user_id, "is_bot": False, "first_name": first_name,
                     "language_code": language},
            "text": text,
        }
        if text.startswith("/"):
            message["entities"] = [{"type": "bot_command", "offset": 0,
                                    "length": len(text.split()[0])}]
        body = json.dumps({"update_id": update_id, "message": message},
                          separators=(",", ":")).encode()
        index = len(self.injected_at)
        self.injected_at.append(time.perf_counter())
        self.answered_at.append(math.nan)
        self._pending.setdefault(user_id, deque()).append(index)
        self._queue.append((update_id, body))
        arrived, self._arrived = self._arrived, asyncio.Event()
        arrived.set()
        return index

    def unanswered(self) -> int:
        return sum(len(q) for q in self._pending.values())

    # HTTP -----------------------------------------------------------------------------------
    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self._writers.add(writer)
        task = asyncio.current_task()
        if task is not None:
            self._handlers.add(task)
        try:
            while not self._closing:
                try:
                    head = await reader.readuntil(b"\r\n\r\n")
                except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ConnectionError):
                    return
                received = time.perf_counter()
                lines = head.decode("latin-1").split("\r\n")
                target = lines[0].split(" ")[1]
                headers = {}
                for line in lines[1:]:
                    name, _, value = line.partition(":")
                    if name:
                        headers[name.strip().lower()] = value.strip()
                if headers.get("transfer-encoding", "").lower() == "chunked":
                    body = await _read_chunked(reader)
                else:
                    body = await reader.readexactly(int(headers.get("content-length") or 0))
                status, payload = await self._dispatch(
                    target, headers.get("content-type", ""), body, received)
                writer.write(b"HTTP/1.1 %d %s\r\nContent-Type: application/json\r\n"
                             b"Content-Length: %d\r\n\r\n%s"
                             % (status, _REASONS.get(status, b"OK"), len(payload), payload))
                await writer.drain()
                if headers.get("connection", "").lower() == "close":
                    return
        except (ConnectionError, asyncio.IncompleteReadError):
            return
        finally:
            self._writers.discard(writer)
            self._handlers.discard(task)
            writer.close()

    async def _dispatch(self, target: str, content_type: str, body: bytes,
                        received: float) -> tuple[int, bytes]:
        path, _, query = target.partition("?")
        if not path.startswith(self._prefix):
            return 404, b'{"ok":false,"error_code":404,"description":"Not Found"}'
        method = path[len(self._prefix):]
        self.calls[method] += 1
        params = _params(content_type, body, query)
        if method == "getUpdates":
            return 200, await self._get_updates(params, received)
        if method == "sendMessage":
            return 200, self._send_message(params, received)
        if method == "getMe":
            return 200, _ok(BOT_USER)
        if method.startswith(_MESSAGE_METHODS):
            return 200, _ok(self._message(_chat_id(params), str(params.get("text", ""))))
        return 200, b'{"ok":true,"result":true}'

    # methods --------------------------------------------------------------------------------
    def _confirm(self, offset: int) -> None:
        queue = self._queue
        if offset < 0:  # Telegram: only the last -offset updates are kept
            while len(queue) > -offset:
                queue.popleft()
            return
        while queue and queue[0][0] < offset:
            queue.popleft()

    async def _get_updates(self, params: dict[str, Any], received: float) -> bytes:
        if self.first_poll_at is None:
            self.first_poll_at = received
        offset = int(params.get("offset") or 0)
        limit = min(max(int(params.get("limit") or 100), 1), 100)
        timeout = float(params.get("timeout") or 0)
        self._confirm(offset)
        if not self._queue and timeout > 0 and not self._closing:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._arrived.wait(), timeout)
            self._confirm(offset)
        batch = list(itertools.islice(self._queue, limit))
        if batch:
            first = batch[0][0]
            if first <= self._highest_handed_out:
                self.redelivered += min(self._highest_handed_out - first + 1, len(batch))
            self._highest_handed_out = max(self._highest_handed_out, batch[-1][0])
        return b'{"ok":true,"result":[' + b",".join(body for _, body in batch) + b"]}"

    def _send_message(self, params: dict[str, Any], received: float) -> bytes:
        chat_id = _chat_id(params)
        text = str(params.get("text", ""))
        pending = self._pending.get(chat_id)
        if pending:
            self.answered_at[pending.popleft()] = received
            self.replies_at.append(received)
        else:
            self.unmatched_replies += 1
        self.reply_texts[text.split("\n", 1)[0][:70]] += 1
        return _ok(self._message(chat_id, text))

    def _message(self, chat_id: int, text: str) -> dict[str, Any]:
        return {"message_id": next(self._message_ids), "date": int(time.time()),
                "chat": {"id": chat_id, "type": "private"}, "from": BOT_USER, "text": text}


def _ok(result: Any) -> bytes:
    return json.dumps({"ok": True, "result": result}, separators=(",", ":")).encode()


def _chat_id(params: dict[str, Any]) -> int:
    try:
        return int(params.get("chat_id") or 0)
    except (TypeError, ValueError):
        return 0


def _params(content_type: str, body: bytes, query: str) -> dict[str, Any]:
    params: dict[str, Any] = dict(parse_qsl(query)) if query else {}
    if not body:
        return params
    if content_type.startswith("application/json"):
        with contextlib.suppress(ValueError):
            params.update(json.loads(body))
    elif content_type.startswith("application/x-www-form-urlencoded"):
        params.update(parse_qsl(body.decode()))
    elif content_type.startswith("multipart/form-data"):
        # Files: only chat_id matters here; find its part without a full multipart parser.
        marker = b'name="chat_id"\r\n\r\n'
        start = body.find(marker)
        if start >= 0:
            start += len(marker)
            params["chat_id"] = body[start:body.find(b"\r\n", start)].decode()
    return params


async def _read_chunked(reader: asyncio.StreamReader) -> bytes:
    parts = []
    while True:
        size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
        if size == 0:
            await reader.readuntil(b"\r\n")
            return b"".join(parts)
        parts.append(await reader.readexactly(size))
        await reader.readexactly(2)
