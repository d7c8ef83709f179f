"""What the Bot API emulator keeps per chat and shows a script: messages as a person sees
them, every visible reaction in one numbered sequence, and the API's own error."""

from __future__ import annotations

import itertools
import random
import threading
from dataclasses import dataclass, field
from typing import Any

BOT_USER: dict[str, Any] = {
    "id": 123456, "is_bot": True, "first_name": "samenbot", "username": "samenbot_bench_bot",
    "can_join_groups": False, "can_read_all_group_messages": False,
    "supports_inline_queries": False, "can_connect_to_business": False,
    "has_main_web_app": False,
}


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
