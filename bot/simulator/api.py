"""FakeBotApi: a BaseRequest that answers Bot API calls from memory and records every one.

It plugs in where PTB's HTTP request object goes, so the real Application runs unchanged and
nothing touches the network. It keeps the messages of each chat (with edits applied), the
command menus, and can inject faults: 429 with retry_after, 403 blocked, a dropped connection.
"""

from __future__ import annotations

import itertools
import json
import time
from collections import deque
from dataclasses import dataclass
from typing import Any

import httpx
from telegram.request import BaseRequest, RequestData

BOT_USER = {"id": 7000001, "is_bot": True, "first_name": "samenbot",
            "username": "samenbot_console_bot", "can_join_groups": False,
            "can_read_all_group_messages": False, "supports_inline_queries": False}


_MARKS = str.maketrans("", "", "\u200e\u200f\u2066\u2067\u2068\u2069")


def _unmarked(text: str) -> str:
    """What a reader sees: direction marks are invisible (tests compare words, not layout)."""
    return text.translate(_MARKS)


@dataclass
class SentMessage:
    """One message the bot sent, as the simulated user sees it now (edits applied)."""

    chat_id: int
    message_id: int
    kind: str  # text, photo, document, location, voice
    text: str = ""
    reply_markup: dict[str, Any] | None = None
    parse_mode: str | None = None
    file_name: str | None = None
    file_bytes: bytes | None = None
    file_id: str | None = None  # a file sent again by its Telegram file id (a voice note)
    edits: int = 0
    raw: str = ""  # the text as sent, with its direction marks (``text`` is without them)

    @property
    def buttons(self) -> list[tuple[str, str]]:
        """(label, callback_data) of the inline keyboard, row by row."""
        if not self.reply_markup:
            return []
        return [(b["text"], b.get("callback_data", ""))
                for row in self.reply_markup.get("inline_keyboard", []) for b in row]

    def as_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "message_id": self.message_id, "date": int(time.time()),
            "chat": {"id": self.chat_id, "type": "private"}, "from": BOT_USER,
        }
        if self.kind == "text":
            data["text"] = self.text
        else:
            data["caption"] = self.text
        if self.kind == "photo":
            data["photo"] = [{"file_id": f"photo{self.message_id}",
                              "file_unique_id": f"u{self.message_id}", "width": 1, "height": 1}]
        if self.kind == "voice":
            data["voice"] = {"file_id": f"voice{self.message_id}",
                             "file_unique_id": f"v{self.message_id}", "duration": 1}
        if self.kind == "document":
            data["document"] = {"file_id": f"doc{self.message_id}",
                                "file_unique_id": f"d{self.message_id}",
                                "file_name": self.file_name}
        if self.reply_markup and "inline_keyboard" in self.reply_markup:
            # Telegram echoes only inline keyboards; a reply keyboard stays on the phone.
            data["reply_markup"] = self.reply_markup
        return data


@dataclass
class Fault:
    method: str
    kind: str  # "429", "403", "connect" (refused, nothing sent), "drop" (sent, answer lost)
    retry_after: int = 1


class FakeBotApi(BaseRequest):
    """Records calls in ``calls`` and keeps ``messages`` per chat."""

    def __init__(self, limit_per_second: int | None = None) -> None:
        """``limit_per_second`` makes it answer 429 beyond that many sends in any second."""
        self.limit_per_second = limit_per_second
        self._send_times: deque[float] = deque()
        self.rate_limited = 0
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.messages: dict[int, list[SentMessage]] = {}
        self.commands: dict[tuple[str, str], list[dict[str, str]]] = {}
        self.blocked: set[int] = set()
        self.faults: list[Fault] = []
        self.callback_answers: list[dict[str, Any]] = []
        self._ids = itertools.count(1)

    # BaseRequest interface --------------------------------------------------------------
    @property
    def read_timeout(self) -> float | None:
        return 1.0

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None

    async def do_request(self, url: str, method: str, request_data: RequestData | None = None,
                         read_timeout: Any = None, write_timeout: Any = None,
                         connect_timeout: Any = None, pool_timeout: Any = None,
                         ) -> tuple[int, bytes]:
        api_method = url.rsplit("/", 1)[-1]
        params: dict[str, Any] = dict(request_data.parameters) if request_data else {}
        files = request_data.multipart_data if request_data and request_data.contains_files else {}
        self.calls.append((api_method, params))
        fault = next((f for f in self.faults if f.method in (api_method, "*")), None)
        if fault is not None:
            self.faults.remove(fault)
            if fault.kind != "drop":
                return self._fault(fault)
        chat_id = params.get("chat_id")
        if chat_id is not None and int(chat_id) in self.blocked:
            return self._error(403, "Forbidden: bot was blocked by the user")
        if api_method.startswith("send") and self._over_limit():
            self.rate_limited += 1
            return self._fault(Fault(api_method, "429", 1))
        handler = getattr(self, "_" + api_method, None)
        result = handler(params, files) if handler else True
        if fault is not None:  # the message went out, the answer is lost on the way back
            raise httpx.ReadError("connection dropped after sending")
        if isinstance(result, tuple):
            return result
        return 200, json.dumps({"ok": True, "result": result}).encode()

    # faults -----------------------------------------------------------------------------
    def fail_next(self, method: str, kind: str, retry_after: int = 1) -> None:
        self.faults.append(Fault(method, kind, retry_after))

    def _fault(self, fault: Fault) -> tuple[int, bytes]:
        if fault.kind == "429":
            return 429, json.dumps({"ok": False, "error_code": 429,
                                    "description": "Too Many Requests",
                                    "parameters": {"retry_after": fault.retry_after}}).encode()
        if fault.kind == "403":
            return self._error(403, "Forbidden: bot was blocked by the user")
        raise httpx.ConnectError("connection refused")

    def _over_limit(self) -> bool:
        if self.limit_per_second is None:
            return False
        now = time.monotonic()
        while self._send_times and now - self._send_times[0] >= 1.0:
            self._send_times.popleft()
        if len(self._send_times) >= self.limit_per_second:
            return True
        self._send_times.append(now)
        return False

    @staticmethod
    def _error(code: int, description: str) -> tuple[int, bytes]:
        return code, json.dumps({"ok": False, "error_code": code,
                                 "description": description}).encode()

    # Bot API methods --------------------------------------------------------------------
    def _getMe(self, params: dict, files: dict) -> dict:
        return BOT_USER

    def _new(self, params: dict, kind: str, text: str, **extra: Any) -> dict:
        chat_id = int(params["chat_id"])
        message = SentMessage(chat_id=chat_id, message_id=next(self._ids), kind=kind,
                              text=_unmarked(text), raw=text,
                              reply_markup=_markup(params.get("reply_markup")),
                              parse_mode=params.get("parse_mode"), **extra)
        self.messages.setdefault(chat_id, []).append(message)
        return message.as_json()

    def _sendMessage(self, params: dict, files: dict) -> dict:
        return self._new(params, "text", str(params["text"]))

    def _sendPhoto(self, params: dict, files: dict) -> dict:
        name, content = _file(files, "photo")
        return self._new(params, "photo", str(params.get("caption", "")),
                         file_name=name, file_bytes=content)

    def _sendDocument(self, params: dict, files: dict) -> dict:
        name, content = _file(files, "document")
        return self._new(params, "document", str(params.get("caption", "")),
                         file_name=name, file_bytes=content)

    def _sendVoice(self, params: dict, files: dict) -> dict:
        voice = params.get("voice")
        return self._new(params, "voice", str(params.get("caption", "")),
                         file_id=voice if isinstance(voice, str) else None)

    def _sendLocation(self, params: dict, files: dict) -> dict:
        return self._new(params, "location", f"{params['latitude']},{params['longitude']}")

    def _find(self, params: dict) -> SentMessage | None:
        chat_id = int(params.get("chat_id", 0))
        message_id = int(params.get("message_id", 0))
        return next((m for m in self.messages.get(chat_id, []) if m.message_id == message_id),
                    None)

    def _editMessageText(self, params: dict, files: dict) -> dict | tuple:
        message = self._find(params)
        if message is None:
            return self._error(400, "Bad Request: message to edit not found")
        message.raw = str(params["text"])
        message.text = _unmarked(message.raw)
        message.reply_markup = _markup(params.get("reply_markup"))
        message.edits += 1
        return message.as_json()

    def _editMessageReplyMarkup(self, params: dict, files: dict) -> dict | tuple:
        message = self._find(params)
        if message is None:
            return self._error(400, "Bad Request: message to edit not found")
        if _markup(params.get("reply_markup")) == message.reply_markup:
            return self._error(400, "Bad Request: message is not modified")
        message.reply_markup = _markup(params.get("reply_markup"))
        message.edits += 1
        return message.as_json()

    def _answerCallbackQuery(self, params: dict, files: dict) -> bool:
        self.callback_answers.append(params)
        return True

    def _setMyCommands(self, params: dict, files: dict) -> bool:
        scope = json.dumps(params.get("scope", {"type": "default"}), sort_keys=True)
        self.commands[(scope, params.get("language_code", ""))] = list(params["commands"])
        return True

    def _deleteMyCommands(self, params: dict, files: dict) -> bool:
        scope = json.dumps(params.get("scope", {"type": "default"}), sort_keys=True)
        self.commands.pop((scope, params.get("language_code", "")), None)
        return True

    # helpers for clients ----------------------------------------------------------------
    def chat(self, chat_id: int) -> list[SentMessage]:
        return self.messages.get(chat_id, [])

    def menu_for_chat(self, chat_id: int) -> list[dict[str, str]] | None:
        scope = json.dumps({"chat_id": chat_id, "type": "chat"}, sort_keys=True)
        return self.commands.get((scope, ""))


def _markup(raw: Any) -> dict | None:
    if raw is None:
        return None
    return json.loads(raw) if isinstance(raw, str) else raw


def _file(files: dict, name: str) -> tuple[str | None, bytes | None]:
    for part in files.values():
        filename, content = part[0], part[1]
        if isinstance(content, bytes):
            return filename, content
        return filename, content.read()
    return name, None
