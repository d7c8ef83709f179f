"""Replies wait for their update's commit, so what a person sees never runs ahead of what is
stored.

While an update is handled, every Bot API call its handlers make (send a message, edit buttons,
answer a button, set the menu) is written down here instead of sent, and answered with a
plausible result. The calls are then stored as ``reply`` rows of the outbox in the update's
own transaction, and sent right after it commits, in order. A crash between the commit and the
send leaves them pending: they go out at the next start (a question may then arrive twice, but
never not at all). A button is answered once per update, however many paths tried to.
"""

from __future__ import annotations

import asyncio
import base64
import contextvars
import json
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from telegram.request import BaseRequest, RequestData

from bot import bidi

# Methods that change what a person sees; everything else (getMe, getUpdates) goes at once.
DEFERRED = ("send", "edit", "answerCallbackQuery", "setMyCommands", "deleteMyCommands",
            "deleteMessage")


@dataclass
class Call:
    """One Bot API call, as data that survives a restart."""

    endpoint: str
    parameters: dict[str, Any]
    files: dict[str, list[str]] = field(default_factory=dict)  # field → [name, base64, mime]
    ref: str | None = None
    make: dict[str, Any] | None = None  # a file made when sent (``attachments``), as data

    @property
    def chat_id(self) -> int:
        value = self.parameters.get("chat_id")
        text = str(value).removeprefix("-")
        return int(value) if text.isascii() and text.isdigit() else 0

    def payload(self) -> dict[str, Any]:
        kept = {"endpoint": self.endpoint, "parameters": self.parameters, "files": self.files}
        return kept | {"make": self.make} if self.make is not None else kept

    @classmethod
    def from_payload(cls, payload: dict[str, Any], ref: str | None = None) -> Call:
        return cls(payload["endpoint"], payload["parameters"], payload.get("files") or {}, ref,
                   payload.get("make"))

    def request_data(self) -> RequestData:
        return _StoredRequestData(self.parameters, self.files)


class Journal:
    """The calls of one update, in order."""

    def __init__(self) -> None:
        self.calls: list[Call] = []
        self.keep = True  # False: sent after the commit but never stored (an erasure's goodbye)
        self._answered: set[str] = set()

    def add(self, endpoint: str, request_data: RequestData | None) -> dict[str, Any]:
        parameters = self._laid_out(dict(request_data.parameters) if request_data else {})
        if endpoint == "answerCallbackQuery":
            query = str(parameters.get("callback_query_id"))
            if query in self._answered:  # Telegram refuses a second answer: send one only
                return {"ok": True, "result": True}
            self._answered.add(query)
        files = {}
        if request_data is not None and request_data.contains_files:
            for name, (filename, content, mime) in request_data.multipart_data.items():
                raw = content if isinstance(content, bytes) else content.read()
                files[name] = [filename or name, base64.b64encode(raw).decode(), mime]
        self.calls.append(Call(endpoint, parameters, files))
        if endpoint.startswith("send"):
            chat = {"id": parameters.get("chat_id", 0), "type": "private"}
            return {"ok": True, "result": {"message_id": 0, "date": int(time.time()),
                                           "chat": chat}}
        return {"ok": True, "result": True}

    def add_made(self, endpoint: str, parameters: dict[str, Any], make: dict[str, Any]) -> None:
        """A call whose file is made when it is sent (``attachments.send_made``)."""
        self.calls.append(Call(endpoint, self._laid_out(parameters), make=make))

    @staticmethod
    def _laid_out(parameters: dict[str, Any]) -> dict[str, Any]:
        return bidi.for_reader(parameters, bidi.reader_is_rtl())

    def tag_last(self, ref: str) -> None:
        """Names the last call, so that its message id can be found later (a status message)."""
        self.calls[-1].ref = ref


_current: contextvars.ContextVar[tuple[Journal, asyncio.Task | None] | None] = \
    contextvars.ContextVar("journal", default=None)


@contextmanager
def collecting() -> Iterator[Journal]:
    """The journal of the update handled in this task."""
    journal = Journal()
    bidi.set_reader(False)  # until this update's reader is known
    token = _current.set((journal, asyncio.current_task()))
    try:
        yield journal
    finally:
        _current.reset(token)


def current() -> Journal | None:
    found = _current.get()
    return found[0] if found is not None and found[1] is asyncio.current_task() else None


def do_not_keep() -> None:
    """This update's replies are sent but not stored: after an erasure, no row may hold the
    erased person's chat id (a crash before the goodbye only loses the goodbye)."""
    journal = current()
    if journal is not None:
        journal.keep = False


def tag_last(ref: str) -> None:
    journal = current()
    if journal is not None and journal.calls:
        journal.tag_last(ref)


class JournalingRequest(BaseRequest):
    """Wraps the request object: while an update is handled, calls that change what a person
    sees are journaled and answered at once; at other times every call goes through."""

    def __init__(self, inner: BaseRequest) -> None:
        self.inner = inner

    @property
    def read_timeout(self) -> float | None:
        return self.inner.read_timeout

    async def initialize(self) -> None:
        await self.inner.initialize()

    async def shutdown(self) -> None:
        await self.inner.shutdown()

    async def do_request(self, url: str, method: str, request_data: RequestData | None = None,
                         **timeouts: Any) -> tuple[int, bytes]:
        journal = current()
        endpoint = url.rsplit("/", 1)[-1]
        if journal is not None and endpoint.startswith(DEFERRED):
            return 200, json.dumps(journal.add(endpoint, request_data)).encode()
        return await self.inner.do_request(url, method, request_data, **timeouts)


class _StoredRequestData(RequestData):
    """A journaled call, ready to be sent by any request object."""

    def __init__(self, parameters: dict[str, Any], files: dict[str, list[str]]) -> None:
        super().__init__([])
        self._stored, self._files = parameters, files
        self.contains_files = bool(files)

    @property
    def parameters(self) -> dict[str, Any]:
        return dict(self._stored)

    @property
    def json_parameters(self) -> dict[str, str]:
        return {name: value if isinstance(value, str) else json.dumps(value)
                for name, value in self._stored.items() if value is not None}

    @property
    def multipart_data(self) -> dict[str, tuple[str, bytes, str]]:
        return {name: (filename, base64.b64decode(content), mime)
                for name, (filename, content, mime) in self._files.items()}
