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

import itertools
import random
import threading
import time
from collections import Counter, deque
from collections.abc import Callable
from typing import Any

from bot.simulator.bot_methods import BotMethods, int_param
from bot.simulator.emulated_chats import (
    Activity,
    ApiError,
    ChatMessage,
    Pushed,
    _Chat,
    _Query,
)
from bot.simulator.http_wire import Server, make_handler

_SENDS = ("sendmessage", "sendphoto", "senddocument", "sendvoice", "sendlocation",
          "sendaudio", "sendvideo", "sendanimation", "sendsticker", "sendvenue", "sendcontact",
          "senddice", "sendpoll", "sendmediagroup", "copymessage", "forwardmessage")


class BotApiEmulator(BotMethods):
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
        self.server = Server(("127.0.0.1", port), make_handler(self))
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
                params["chat_id"] = int_param(params["chat_id"], "chat_id")
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
        offset = int_param(params.get("offset") or 0, "offset")
        limit = max(1, min(100, int_param(params.get("limit") or 100, "limit")))
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
