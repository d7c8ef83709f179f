"""BotApiEmulator: the Telegram Bot API over real HTTP on 127.0.0.1, for running ``samenbot run``
as a separate process (the kill -9 benchmarks start, kill and restart it against this).

Point the bot at it with ``TELEGRAM_API_BASE_URL=<emulator.base_url>`` and the token given
here (default ``123456:TEST``). It speaks what the bot uses, the way Telegram does:

- ``getUpdates`` long-polls for ``timeout`` seconds; updates below ``offset`` are confirmed and
  never delivered again, unconfirmed ones are delivered again to the next call (a crashed bot
  gets them again after its restart); a newer call ends a waiting older one with 409 Conflict;
- ``sendMessage``, ``sendPhoto``/``sendDocument``/``sendVoice`` (multipart or file id),
  ``sendLocation``: a message id per chat (shared with the user's own messages, as in private
  chats), the date, the text (HTML tags stripped) or caption, the inline keyboard;
- ``editMessageText``/``editMessageCaption``/``editMessageReplyMarkup``: applied to the kept
  copy; "Bad Request: message is not modified" when nothing changes; ``deleteMessage``;
- ``answerCallbackQuery``: once per query; a second answer (or an unknown id) gets "Bad
  Request: query is too old and response timeout expired or query ID is invalid";
- ``getMe``, ``deleteWebhook``, ``setMyCommands``, ``deleteMyCommands``, ``getMyCommands``,
  ``sendChatAction``; anything else is answered 404 "Not Found", as Telegram does.

Faults: ``rate_limit`` answers 429 with ``retry_after`` beyond that many sends in any second
(``send*``; edits and answers are not counted); ``drop_next``/``drop_probability`` handle a
request but close the connection without answering (it reached Telegram, the answer was lost);
``blocked`` chats get 403.

The user side is a thread-safe Python API: ``user(id, name).send("/start CODE")``,
``.tap(message, data)``, ``.voice(5)``, ``.messages()``, ``.wait(after_seq)``. Every update
pushed and every visible reaction (a message, an edit, a deletion, a callback answer) gets a
number from one global sequence (``seq``), so a script can tell exactly what the bot showed a
person after which action.
"""

from __future__ import annotations

import contextlib
import email.parser
import email.policy
import html
import itertools
import json
import random
import re
import socket
import threading
import time
from collections import Counter, deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

BOT_USER: dict[str, Any] = {
    "id": 123456, "is_bot": True, "first_name": "samenbot", "username": "samenbot_bench_bot",
    "can_join_groups": False, "can_read_all_group_messages": False,
    "supports_inline_queries": False, "can_connect_to_business": False,
    "has_main_web_app": False,
}

# Parameters that arrive JSON-encoded in form fields (PTB sends non-string values that way).
_JSON_FIELDS = {"reply_markup", "commands", "scope", "allowed_updates", "entities",
                "caption_entities", "link_preview_options", "reply_parameters",
                "drop_pending_updates", "show_alert", "disable_notification",
                "protect_content", "offset", "limit", "timeout", "chat_id", "message_id",
                "latitude", "longitude", "duration", "cache_time", "disable_web_page_preview"}
_SENDS = ("sendmessage", "sendphoto", "senddocument", "sendvoice", "sendlocation",
          "sendaudio", "sendvideo", "sendanimation", "sendsticker", "sendvenue", "sendcontact",
          "senddice", "sendpoll", "sendmediagroup", "copymessage", "forwardmessage")
NOT_MODIFIED = ("Bad Request: message is not modified: specified new message content and reply "
                "markup are exactly the same as a current content and reply markup of the message")
QUERY_TOO_OLD = ("Bad Request: query is too old and response timeout expired or query ID is "
                 "invalid")
_TAG = re.compile(r"<[^>]+>")


class ApiError(Exception):
    """An error answer: ``{"ok": false, "error_code": code, "description": ...}``."""

    def __init__(self, code: int, description: str, parameters: dict | None = None) -> None:
        super().__init__(description)
        self.code, self.description, self.parameters = code, description, parameters


@dataclass(frozen=True)
class ChatMessage:
    """A message the bot sent, as the person sees it now. Never mutated: an edit replaces it
    in the chat with a new copy, so a list returned by ``messages()`` is a safe snapshot."""

    chat_id: int
    message_id: int
    kind: str  # text, photo, document, voice, location
    text: str  # the text, or the caption of a photo/document/voice
    reply_markup: dict | None  # only inline keyboards are kept (others stay on the phone)
    date: int
    seq: int  # when it was sent, in the global sequence
    sent_at: float  # time.time()
    edited_seq: int | None = None
    edits: int = 0
    deleted: bool = False
    file_name: str | None = None
    file_bytes: bytes | None = None
    extra: dict = field(default_factory=dict)  # photo sizes, document, voice, location

    @property
    def buttons(self) -> list[tuple[str, str]]:
        """(label, callback_data) of the inline keyboard, row by row."""
        return [(b.get("text", ""), b.get("callback_data", ""))
                for row in (self.reply_markup or {}).get("inline_keyboard", []) for b in row]

    def data_starting(self, prefix: str) -> list[str]:
        return [data for _label, data in self.buttons if data.startswith(prefix)]

    def as_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "message_id": self.message_id, "date": self.date, "from": BOT_USER,
            "chat": {"id": self.chat_id, "type": "private"}, **self.extra}
        if self.edits:
            data["edit_date"] = self.date
        if self.kind == "text":
            data["text"] = self.text
        elif self.text:
            data["caption"] = self.text
        if self.reply_markup:
            data["reply_markup"] = self.reply_markup
        return data


@dataclass(frozen=True)
class Activity:
    """Something the person could see happen in their chat."""

    seq: int
    at: float
    chat_id: int
    kind: str  # message, edit, delete, answer
    message_id: int | None = None
    text: str = ""


@dataclass(frozen=True)
class Pushed:
    """An update a person caused (a message, a tap)."""

    update_id: int
    seq: int
    at: float
    chat_id: int
    kind: str  # text, callback, voice, photo, location
    data: str  # the text, or the callback data
    query_id: str | None = None  # a tap's callback query, to see whether it was ever answered


class _Chat:
    def __init__(self, chat_id: int, lock: threading.Lock) -> None:
        self.chat_id = chat_id
        self.ids = itertools.count(1)  # private chats: one message-id sequence for both sides
        self.messages: list[ChatMessage] = []
        self.activity: list[Activity] = []
        self.pushed: list[Pushed] = []
        self.changed = threading.Condition(lock)
        self.commands: list[dict] | None = None
        self.instance = str(random.getrandbits(60))

    def find(self, message_id: int) -> int | None:
        for index in range(len(self.messages) - 1, -1, -1):
            if self.messages[index].message_id == message_id:
                return index if not self.messages[index].deleted else None
        return None


@dataclass
class _Query:
    chat_id: int
    created: float
    answered: bool = False


class BotApiEmulator:
    """Start with ``with BotApiEmulator() as api:`` (or ``start()``/``stop()``)."""

    def __init__(self, token: str = "123456:TEST", *, rate_limit: int | None = None,
                 retry_after: int = 1, drop_probability: float = 0.0,
                 callback_answer_window: float | None = None, max_poll_timeout: float = 50.0,
                 port: int = 0, seed: int | None = None) -> None:
        self.token = token
        self.rate_limit, self.retry_after = rate_limit, retry_after
        self.drop_probability = drop_probability
        self.callback_answer_window = callback_answer_window  # seconds; None: no expiry
        self.max_poll_timeout = max_poll_timeout
        self.blocked: set[int] = set()
        self._random = random.Random(seed)
        self._lock = threading.Lock()
        self._updates_changed = threading.Condition(self._lock)
        self._seq = itertools.count(1)
        self._update_ids = itertools.count(1)
        self._query_ids = itertools.count(4_000_000_000_000)
        self._chats: dict[int, _Chat] = {}
        self._pending: deque[dict] = deque()  # unconfirmed updates, in order
        self._poll_generation = 0
        self._send_times: deque[float] = deque()
        self._queries: dict[str, _Query] = {}
        self._drops: list[list] = []  # [method or "*", remaining]
        self._stopping = False
        self.default_commands: dict[tuple[str, str], list[dict]] = {}
        # figures
        self.calls: Counter[str] = Counter()
        self.errors: Counter[str] = Counter()  # "400 Bad Request: ..." per description
        self.deliveries: Counter[int] = Counter()  # update_id → times handed out
        self.confirmed_up_to = 0
        self.rate_limited = 0
        self.dropped = 0
        self.poll_started: list[float] = []  # time.time() of every getUpdates call
        self.server = _Server(("127.0.0.1", port), self._handler())
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True,
                                        name="bot-api-emulator")

    # life cycle -------------------------------------------------------------------------------
    @property
    def port(self) -> int:
        return self.server.server_address[1]

    @property
    def base_url(self) -> str:
        """For TELEGRAM_API_BASE_URL (the token follows directly, as with Telegram)."""
        return f"http://127.0.0.1:{self.port}/bot"

    @property
    def base_file_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/file/bot"

    def start(self) -> BotApiEmulator:
        self._thread.start()
        return self

    def stop(self) -> None:
        with self._lock:
            self._stopping = True
            self._updates_changed.notify_all()
        self.server.shutdown()
        self.server.server_close()

    def __enter__(self) -> BotApiEmulator:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # faults -----------------------------------------------------------------------------------
    def drop_next(self, method: str = "*", count: int = 1) -> None:
        """The next ``count`` calls of ``method`` (Bot API name, or "*") are handled but not
        answered: the connection is closed instead."""
        with self._lock:
            self._drops.append([method.lower(), count])

    # the user side ----------------------------------------------------------------------------
    def user(self, user_id: int, first_name: str, language_code: str | None = "nl"
             ) -> EmulatedUser:
        return EmulatedUser(self, user_id, first_name, language_code)

    def push_text(self, user: dict, text: str) -> Pushed:
        content: dict[str, Any] = {"text": text}
        if text.startswith("/"):
            command = text.split()[0]
            content["entities"] = [{"type": "bot_command", "offset": 0,
                                    "length": len(command)}]
        return self._push_message(user, "text", text, content)

    def push_voice(self, user: dict, seconds: int = 5) -> Pushed:
        n = random.getrandbits(40)
        voice = {"file_id": f"AwACAgQAAx{n}", "file_unique_id": f"AgAD{n}",
                 "duration": seconds, "mime_type": "audio/ogg", "file_size": 1600 * seconds}
        return self._push_message(user, "voice", "", {"voice": voice})

    def push_photo(self, user: dict, caption: str = "") -> Pushed:
        n = random.getrandbits(40)
        photo = [{"file_id": f"AgACAgQAAx{n}{size}", "file_unique_id": f"AQAD{n}{size}",
                  "width": size, "height": size, "file_size": size * 40}
                 for size in (90, 320, 800)]
        content: dict[str, Any] = {"photo": photo}
        if caption:
            content["caption"] = caption
        return self._push_message(user, "photo", caption, content)

    def push_location(self, user: dict, latitude: float, longitude: float) -> Pushed:
        return self._push_message(user, "location", f"{latitude},{longitude}",
                                  {"location": {"latitude": latitude, "longitude": longitude}})

    def push_callback(self, user: dict, message: ChatMessage | int, data: str) -> Pushed:
        """A tap on a button of ``message`` (as the person's phone shows it now: Telegram
        echoes the message with its current keyboard). Any ``data`` may be sent, as a forged
        or outdated client could."""
        chat_id = user["id"]
        with self._lock:
            chat = self._chat(chat_id)
            message_id = message if isinstance(message, int) else message.message_id
            index = chat.find(message_id)
            echoed = (chat.messages[index].as_json() if index is not None else
                      {"message_id": message_id, "date": 0, "chat": {"id": chat_id,
                                                                     "type": "private"}})
            query_id = str(next(self._query_ids))
            self._queries[query_id] = _Query(chat_id, time.monotonic())
            query = {"id": query_id, "from": user, "message": echoed,
                     "chat_instance": chat.instance, "data": data}
            return self._enqueue(chat, "callback", data, {"callback_query": query}, query_id)

    def _push_message(self, user: dict, kind: str, data: str, content: dict) -> Pushed:
        with self._lock:
            chat = self._chat(user["id"])
            message = {"message_id": next(chat.ids), "from": user, "date": int(time.time()),
                       "chat": {"id": user["id"], "first_name": user.get("first_name", ""),
                                "type": "private"}, **content}
            return self._enqueue(chat, kind, data, {"message": message})

    def _enqueue(self, chat: _Chat, kind: str, data: str, body: dict,
                 query_id: str | None = None) -> Pushed:
        update_id = next(self._update_ids)
        self._pending.append({"update_id": update_id, **body})
        pushed = Pushed(update_id, next(self._seq), time.time(), chat.chat_id, kind, data,
                        query_id)
        chat.pushed.append(pushed)
        self._updates_changed.notify_all()
        return pushed

    # reading what people see --------------------------------------------------------------------
    def messages(self, chat_id: int) -> list[ChatMessage]:
        """The bot's messages in this chat, oldest first, edits applied, deleted ones left out."""
        with self._lock:
            chat = self._chats.get(chat_id)
            return [m for m in chat.messages if not m.deleted] if chat else []

    def activity(self, chat_id: int, after_seq: int = 0) -> list[Activity]:
        with self._lock:
            chat = self._chats.get(chat_id)
            return [a for a in chat.activity if a.seq > after_seq] if chat else []

    def pushed(self, chat_id: int) -> list[Pushed]:
        with self._lock:
            chat = self._chats.get(chat_id)
            return list(chat.pushed) if chat else []

    def answered(self, query_id: str) -> bool:
        """Whether the bot ever answered this tap (late answers count)."""
        with self._lock:
            query = self._queries.get(query_id)
            return query is not None and query.answered

    def chat_ids(self) -> list[int]:
        with self._lock:
            return list(self._chats)

    def seq(self) -> int:
        """The current position in the global sequence (nothing happened after it yet)."""
        with self._lock:
            value = next(self._seq)
            return value

    def wait_activity(self, chat_id: int, after_seq: int, timeout: float,
                      visible: Callable[[Activity], bool] | None = None) -> Activity | None:
        """Waits until something happens in the chat after ``after_seq`` (that ``visible``
        accepts; default: a message, an edit, a deletion or a callback answer with a text)."""
        visible = visible or is_visible
        deadline = time.monotonic() + timeout
        with self._lock:
            chat = self._chat(chat_id)
            while True:
                found = next((a for a in chat.activity if a.seq > after_seq and visible(a)),
                             None)
                remaining = deadline - time.monotonic()
                if found is not None or remaining <= 0 or self._stopping:
                    return found
                chat.changed.wait(remaining)

    def wait_message(self, chat_id: int, after_seq: int, timeout: float,
                     predicate: Callable[[ChatMessage], bool] | None = None
                     ) -> ChatMessage | None:
        """Waits for a new message in the chat (sent after ``after_seq``) that fits."""
        deadline = time.monotonic() + timeout
        with self._lock:
            chat = self._chat(chat_id)
            while True:
                found = next((m for m in chat.messages if m.seq > after_seq and not m.deleted
                              and (predicate is None or predicate(m))), None)
                remaining = deadline - time.monotonic()
                if found is not None or remaining <= 0 or self._stopping:
                    return found
                chat.changed.wait(remaining)

    def pending_updates(self) -> int:
        with self._lock:
            return len(self._pending)

    def menu(self, chat_id: int) -> list[dict] | None:
        """The chat-scoped command menu the bot set for this chat, if any."""
        with self._lock:
            chat = self._chats.get(chat_id)
            return chat.commands if chat else None

    def count_messages(self, predicate: Callable[[ChatMessage], bool]) -> Counter[int]:
        """Per chat, how many of the bot's messages fit (e.g. copies of one broadcast)."""
        with self._lock:
            return Counter({chat_id: n for chat_id, chat in self._chats.items()
                            if (n := sum(1 for m in chat.messages
                                         if not m.deleted and predicate(m)))})

    # internals --------------------------------------------------------------------------------
    def _chat(self, chat_id: int) -> _Chat:
        chat = self._chats.get(chat_id)
        if chat is None:
            chat = self._chats[chat_id] = _Chat(chat_id, self._lock)
        return chat

    def _record(self, chat: _Chat, kind: str, message_id: int | None, text: str = "") -> int:
        seq = next(self._seq)
        chat.activity.append(Activity(seq, time.time(), chat.chat_id, kind, message_id, text))
        chat.changed.notify_all()
        return seq

    def _should_drop(self, method: str) -> bool:
        with self._lock:
            for drop in self._drops:
                if drop[0] in (method, "*") and drop[1] > 0:
                    drop[1] -= 1
                    if drop[1] == 0:
                        self._drops.remove(drop)
                    return True
            return (method in _SENDS and self.drop_probability > 0
                    and self._random.random() < self.drop_probability)

    def call(self, method: str, params: dict[str, Any], files: dict[str, tuple[str, bytes]]
             ) -> Any:
        """Answers one Bot API call (``method`` lower-cased); raises ApiError for errors."""
        self.calls[method] += 1
        if method == "getupdates":
            return self._get_updates(params)
        handler = getattr(self, "_m_" + method, None)
        if handler is None:
            raise ApiError(404, "Not Found")
        with self._lock:
            if "chat_id" in params:
                params["chat_id"] = _int(params["chat_id"], "chat_id")
                if params["chat_id"] in self.blocked:
                    raise ApiError(403, "Forbidden: bot was blocked by the user")
            if method in _SENDS and self.rate_limit is not None:
                now = time.monotonic()
                while self._send_times and now - self._send_times[0] >= 1.0:
                    self._send_times.popleft()
                if len(self._send_times) >= self.rate_limit:
                    self.rate_limited += 1
                    raise ApiError(429, f"Too Many Requests: retry after {self.retry_after}",
                                   {"retry_after": self.retry_after})
                self._send_times.append(now)
            return handler(params, files)

    # getUpdates: long polling, confirmation by offset, redelivery --------------------------------
    def _get_updates(self, params: dict[str, Any]) -> list[dict]:
        offset = _int(params.get("offset") or 0, "offset")
        limit = max(1, min(100, _int(params.get("limit") or 100, "limit")))
        timeout = min(float(params.get("timeout") or 0), self.max_poll_timeout)
        deadline = time.monotonic() + max(timeout, 0)
        with self._lock:
            self.poll_started.append(time.time())
            if offset > 0:  # everything below the offset is confirmed, for good
                while self._pending and self._pending[0]["update_id"] < offset:
                    self._pending.popleft()
                self.confirmed_up_to = max(self.confirmed_up_to, offset - 1)
            self._poll_generation += 1
            mine = self._poll_generation
            self._updates_changed.notify_all()  # an older waiting call ends with a conflict
            while True:
                if mine != self._poll_generation:
                    raise ApiError(409, "Conflict: terminated by other getUpdates request; make "
                                        "sure that only one bot instance is running")
                remaining = deadline - time.monotonic()
                if self._pending or remaining <= 0 or self._stopping:
                    break
                self._updates_changed.wait(remaining)
            found = list(itertools.islice(self._pending, limit))
            for update in found:
                self.deliveries[update["update_id"]] += 1
            return found

    # methods ----------------------------------------------------------------------------------
    def _m_getme(self, params: dict, files: dict) -> dict:
        return BOT_USER

    def _m_deletewebhook(self, params: dict, files: dict) -> bool:
        if params.get("drop_pending_updates") in (True, "true", "True"):
            self._pending.clear()
        return True

    def _m_setwebhook(self, params: dict, files: dict) -> bool:
        return True

    def _m_getwebhookinfo(self, params: dict, files: dict) -> dict:
        return {"url": "", "has_custom_certificate": False, "pending_update_count":
                len(self._pending)}

    def _m_close(self, params: dict, files: dict) -> bool:
        return True

    def _m_logout(self, params: dict, files: dict) -> bool:
        return True

    def _commands_key(self, params: dict) -> tuple[str, str, int | None]:
        scope = params.get("scope") or {"type": "default"}
        chat = scope.get("chat_id") if isinstance(scope, dict) else None
        return (json.dumps(scope, sort_keys=True), str(params.get("language_code") or ""),
                int(chat) if chat is not None else None)

    def _m_setmycommands(self, params: dict, files: dict) -> bool:
        commands = params.get("commands")
        if not isinstance(commands, list):
            raise ApiError(400, "Bad Request: can't parse commands JSON object")
        scope, language, chat = self._commands_key(params)
        if chat is not None and not language:
            self._chat(chat).commands = commands
        self.default_commands[(scope, language)] = commands
        return True

    def _m_deletemycommands(self, params: dict, files: dict) -> bool:
        scope, language, chat = self._commands_key(params)
        if chat is not None and not language:
            self._chat(chat).commands = None
        self.default_commands.pop((scope, language), None)
        return True

    def _m_getmycommands(self, params: dict, files: dict) -> list:
        scope, language, _chat = self._commands_key(params)
        return self.default_commands.get((scope, language), [])

    def _m_sendchataction(self, params: dict, files: dict) -> bool:
        return True

    def _new(self, params: dict, kind: str, text: str, **extra: Any) -> dict:
        chat = self._chat(params["chat_id"])
        markup = _inline(params.get("reply_markup"))
        message_id = next(chat.ids)
        seq = next(self._seq)
        message = ChatMessage(chat_id=chat.chat_id, message_id=message_id, kind=kind, text=text,
                              reply_markup=markup, date=int(time.time()), seq=seq,
                              sent_at=time.time(), **extra)
        chat.messages.append(message)
        chat.activity.append(Activity(seq, message.sent_at, chat.chat_id, "message",
                                      message_id, text))
        chat.changed.notify_all()
        return message.as_json()

    def _m_sendmessage(self, params: dict, files: dict) -> dict:
        text = _plain(str(params.get("text") or ""), params.get("parse_mode"))
        if not text.strip():
            raise ApiError(400, "Bad Request: message text is empty")
        if len(text) > 4096:
            raise ApiError(400, "Bad Request: message is too long")
        return self._new(params, "text", text)

    def _caption(self, params: dict) -> str:
        caption = _plain(str(params.get("caption") or ""), params.get("parse_mode"))
        if len(caption) > 1024:
            raise ApiError(400, "Bad Request: message caption is too long")
        return caption

    def _file(self, params: dict, files: dict, name: str) -> tuple[str | None, bytes | None, str]:
        if name in files:
            filename, content = files[name]
            return filename, content, f"{name}{random.getrandbits(48)}"
        value = params.get(name)
        if isinstance(value, str) and value.startswith("attach://"):
            attached = files.get(value[len("attach://"):])
            if attached:
                return attached[0], attached[1], f"{name}{random.getrandbits(48)}"
        if not value:
            raise ApiError(400, f"Bad Request: there is no {name} in the request")
        return None, None, str(value)

    def _m_sendphoto(self, params: dict, files: dict) -> dict:
        filename, content, file_id = self._file(params, files, "photo")
        sizes = [{"file_id": f"{file_id}_{s}", "file_unique_id": f"u{file_id}_{s}", "width": s,
                  "height": s, "file_size": len(content or b"") or s * 40} for s in (90, 320)]
        return self._new(params, "photo", self._caption(params), file_name=filename,
                         file_bytes=content, extra={"photo": sizes})

    def _m_senddocument(self, params: dict, files: dict) -> dict:
        filename, content, file_id = self._file(params, files, "document")
        document = {"file_id": file_id, "file_unique_id": f"u{file_id}",
                    "file_name": filename or "file", "file_size": len(content or b"")}
        return self._new(params, "document", self._caption(params), file_name=filename,
                         file_bytes=content, extra={"document": document})

    def _m_sendvoice(self, params: dict, files: dict) -> dict:
        filename, content, file_id = self._file(params, files, "voice")
        voice = {"file_id": file_id, "file_unique_id": f"u{file_id}",
                 "duration": _int(params.get("duration") or 1, "duration")}
        return self._new(params, "voice", self._caption(params), file_name=filename,
                         file_bytes=content, extra={"voice": voice})

    def _m_sendlocation(self, params: dict, files: dict) -> dict:
        try:
            latitude, longitude = float(params["latitude"]), float(params["longitude"])
        except (KeyError, TypeError, ValueError) as exc:
            raise ApiError(400, "Bad Request: wrong latitude or longitude") from exc
        return self._new(params, "location", f"{latitude},{longitude}",
                         extra={"location": {"latitude": latitude, "longitude": longitude}})

    def _editable(self, params: dict) -> tuple[_Chat, int]:
        if params.get("inline_message_id"):
            raise ApiError(400, "Bad Request: inline messages are not emulated")
        if "chat_id" not in params:
            raise ApiError(400, "Bad Request: chat_id is empty")
        chat = self._chat(params["chat_id"])
        index = chat.find(_int(params.get("message_id") or 0, "message_id"))
        if index is None:
            raise ApiError(400, "Bad Request: message to edit not found")
        return chat, index

    def _apply(self, chat: _Chat, index: int, **changes: Any) -> dict:
        old = chat.messages[index]
        if all(getattr(old, key) == value for key, value in changes.items()):
            raise ApiError(400, NOT_MODIFIED)
        seq = self._record(chat, "edit", old.message_id, changes.get("text", old.text))
        new = replace(old, edited_seq=seq, edits=old.edits + 1, **changes)
        chat.messages[index] = new
        return new.as_json()

    def _m_editmessagetext(self, params: dict, files: dict) -> dict:
        chat, index = self._editable(params)
        if chat.messages[index].kind != "text":
            raise ApiError(400, "Bad Request: there is no text in the message to edit")
        text = _plain(str(params.get("text") or ""), params.get("parse_mode"))
        if not text.strip():
            raise ApiError(400, "Bad Request: message text is empty")
        # Without reply_markup, Telegram takes the inline keyboard off.
        return self._apply(chat, index, text=text,
                           reply_markup=_inline(params.get("reply_markup")))

    def _m_editmessagecaption(self, params: dict, files: dict) -> dict:
        chat, index = self._editable(params)
        if chat.messages[index].kind == "text":
            raise ApiError(400, "Bad Request: there is no caption in the message to edit")
        return self._apply(chat, index, text=self._caption(params),
                           reply_markup=_inline(params.get("reply_markup")))

    def _m_editmessagereplymarkup(self, params: dict, files: dict) -> dict:
        chat, index = self._editable(params)
        return self._apply(chat, index, reply_markup=_inline(params.get("reply_markup")))

    def _m_deletemessage(self, params: dict, files: dict) -> bool:
        chat = self._chat(params.get("chat_id", 0))
        index = chat.find(_int(params.get("message_id") or 0, "message_id"))
        if index is None:
            raise ApiError(400, "Bad Request: message to delete not found")
        chat.messages[index] = replace(chat.messages[index], deleted=True)
        self._record(chat, "delete", chat.messages[index].message_id)
        return True

    def _m_answercallbackquery(self, params: dict, files: dict) -> bool:
        query = self._queries.get(str(params.get("callback_query_id") or ""))
        window = self.callback_answer_window
        if query is None or query.answered or (
                window is not None and time.monotonic() - query.created > window):
            raise ApiError(400, QUERY_TOO_OLD)
        query.answered = True
        self._record(self._chat(query.chat_id), "answer", None, str(params.get("text") or ""))
        return True

    # HTTP -------------------------------------------------------------------------------------
    def _handler(self) -> type[BaseHTTPRequestHandler]:
        api = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # keep-alive, as httpx expects

            def setup(self) -> None:
                super().setup()  # headers and body go out in two writes: no Nagle delay
                self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

            def do_GET(self) -> None:
                self._serve(b"")

            def do_POST(self) -> None:
                body = _read_body(self)
                if body is None:  # the sender died mid-request: Telegram never saw it
                    self.close_connection = True
                    return
                self._serve(body)

            def _serve(self, body: bytes) -> None:
                path = urlsplit(self.path)
                prefix = f"/bot{api.token}/"
                if not path.path.startswith(prefix):
                    self._answer(_error(ApiError(401 if path.path.startswith("/bot") else 404,
                                                 "Unauthorized" if path.path.startswith("/bot")
                                                 else "Not Found")))
                    return
                method = path.path[len(prefix):].strip("/").lower()
                try:
                    params, files = _parse(self.headers.get("Content-Type", ""), body,
                                           path.query)
                    result: Any = {"ok": True, "result": api.call(method, params, files)}
                    status = 200
                except ApiError as exc:
                    result, status = _error(exc)
                    api.errors[f"{exc.code} {exc.description}"] += 1
                except Exception as exc:  # a request the emulator does not understand
                    result, status = _error(ApiError(400, f"Bad Request: {exc!r}"))
                    api.errors[f"emulator could not handle {method}: {exc!r}"] += 1
                if method != "getupdates" and api._should_drop(method):
                    with api._lock:
                        api.dropped += 1
                    self.close_connection = True  # handled, but the answer is lost
                    with contextlib.suppress(OSError):
                        self.connection.shutdown(socket.SHUT_RDWR)
                    return
                self._answer((result, status))

            def _answer(self, answer: tuple[dict, int]) -> None:
                result, status = answer
                data = json.dumps(result, ensure_ascii=False).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except OSError:  # the bot was killed while it waited
                    self.close_connection = True

            def log_message(self, *args: object) -> None:
                return None

        return Handler


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128

    def handle_error(self, request: Any, client_address: Any) -> None:
        return None  # a killed bot drops its connections mid-request: nothing to report


class EmulatedUser:
    """One person on their phone: what they send, and what the bot shows them."""

    def __init__(self, api: BotApiEmulator, user_id: int, first_name: str,
                 language_code: str | None = "nl") -> None:
        self.api, self.id, self.first_name = api, user_id, first_name
        self.language_code = language_code

    @property
    def json(self) -> dict[str, Any]:
        user: dict[str, Any] = {"id": self.id, "is_bot": False, "first_name": self.first_name}
        if self.language_code:
            user["language_code"] = self.language_code
        return user

    def send(self, text: str) -> Pushed:
        return self.api.push_text(self.json, text)

    def tap(self, message: ChatMessage | int, data: str) -> Pushed:
        return self.api.push_callback(self.json, message, data)

    def voice(self, seconds: int = 5) -> Pushed:
        return self.api.push_voice(self.json, seconds)

    def photo(self, caption: str = "") -> Pushed:
        return self.api.push_photo(self.json, caption)

    def location(self, latitude: float, longitude: float) -> Pushed:
        return self.api.push_location(self.json, latitude, longitude)

    def messages(self) -> list[ChatMessage]:
        return self.api.messages(self.id)

    def last_with_buttons(self, after_seq: int = 0) -> ChatMessage | None:
        return next((m for m in reversed(self.messages()) if m.buttons and m.seq > after_seq),
                    None)

    def wait(self, after_seq: int, timeout: float = 4.0) -> Activity | None:
        """The first visible reaction in this chat after ``after_seq``, or None."""
        return self.api.wait_activity(self.id, after_seq, timeout)

    def wait_message(self, after_seq: int, timeout: float = 10.0,
                     predicate: Callable[[ChatMessage], bool] | None = None
                     ) -> ChatMessage | None:
        return self.api.wait_message(self.id, after_seq, timeout, predicate)


def is_visible(activity: Activity) -> bool:
    """A new message, an edit or a deletion; a callback answer only when it shows a text."""
    return activity.kind != "answer" or bool(activity.text)


def is_any(activity: Activity) -> bool:
    return True


# request parsing ------------------------------------------------------------------------------
def _read_body(handler: BaseHTTPRequestHandler) -> bytes | None:
    """The whole body, or None when the connection ended before it was complete."""
    try:
        if handler.headers.get("Transfer-Encoding", "").lower() == "chunked":
            return b"".join(_chunks(handler))
        length = int(handler.headers.get("Content-Length") or 0)
        body = handler.rfile.read(length) if length else b""
    except (OSError, ValueError, EOFError):
        return None
    return body if len(body) == length else None


def _chunks(handler: BaseHTTPRequestHandler) -> Iterator[bytes]:
    while True:
        line = handler.rfile.readline()
        if not line:
            raise EOFError("connection closed inside a chunked body")
        size = int(line.split(b";")[0].strip() or b"0", 16)
        if size == 0:
            handler.rfile.readline()
            return
        chunk = handler.rfile.read(size)
        if len(chunk) < size:
            raise EOFError("connection closed inside a chunk")
        yield chunk
        handler.rfile.readline()


def _parse(content_type: str, body: bytes, query: str
           ) -> tuple[dict[str, Any], dict[str, tuple[str, bytes]]]:
    params: dict[str, Any] = {k: v[-1] for k, v in parse_qs(query).items()}
    files: dict[str, tuple[str, bytes]] = {}
    kind = content_type.split(";")[0].strip().lower()
    if kind == "application/json" and body:
        params.update(json.loads(body))
    elif kind == "multipart/form-data":
        head = f"Content-Type: {content_type}\r\nMIME-Version: 1.0\r\n\r\n".encode()
        message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(head + body)
        for part in message.iter_parts():
            name = part.get_param("name", header="content-disposition")
            if not name:
                continue
            filename = part.get_filename()
            payload = part.get_payload(decode=True) or b""
            if filename is not None:
                files[name] = (filename, payload)
            else:
                params[name] = payload.decode("utf-8")
    elif body:
        params.update({k: v[-1] for k, v in
                       parse_qs(body.decode("utf-8"), keep_blank_values=True).items()})
    for key in _JSON_FIELDS & params.keys():
        value = params[key]
        if isinstance(value, str):
            with contextlib.suppress(ValueError):  # else a plain string (an @username, say)
                params[key] = json.loads(value)
    return params, files


def _error(exc: ApiError) -> tuple[dict, int]:
    body: dict[str, Any] = {"ok": False, "error_code": exc.code, "description": exc.description}
    if exc.parameters:
        body["parameters"] = exc.parameters
    return body, exc.code


def _int(value: Any, name: str) -> int:
    try:
        return int(value)
    except (TypeError, ValueError) as exc:
        raise ApiError(400, f"Bad Request: invalid {name}") from exc


def _inline(raw: Any) -> dict | None:
    """Only inline keyboards are echoed back; an empty one is the same as none."""
    if isinstance(raw, str):
        raw = json.loads(raw) if raw else None
    if not isinstance(raw, dict) or not raw.get("inline_keyboard"):
        return None
    return {"inline_keyboard": raw["inline_keyboard"]}


def _plain(text: str, parse_mode: Any) -> str:
    """What the person reads: HTML tags are formatting, not text."""
    if str(parse_mode or "").upper() == "HTML":
        return html.unescape(_TAG.sub("", text))
    return text
