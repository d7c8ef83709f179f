"""Files made when their reply is sent, not while the update is handled: charts, spreadsheets.

Drawing /table's charts takes about a second, a spreadsheet of the overview 50 ms per 200
rows. Inside the update's transaction that time would hold up every other person's update.
Instead the file's content is stored as data with the reply (words and numbers, read inside
the transaction, so consistent with it), and the file is made in a worker thread when its
chat's turn comes, after the commit: it holds up only that chat's later replies, which wait
anyway so that a chat's messages keep their order. A crash before the send makes it again at
the next start. What can be made is registered by kind at the wiring point (``app``), so this
layer knows nothing of charts or spreadsheets.
"""

from __future__ import annotations

import asyncio
import base64
from collections.abc import Callable
from typing import Any

from telegram import Bot

from bot.delivery.journal import Call, current

Maker = Callable[[dict[str, Any]], bytes]
_makers: dict[str, Maker] = {}
FIELDS = {"sendPhoto": "photo", "sendDocument": "document"}


def register(kind: str, maker: Maker) -> None:
    _makers[kind] = maker


async def send_made(bot: Bot, chat_id: int, kind: str, data: dict[str, Any], *,
                    method: str = "sendPhoto", filename: str, mime: str = "image/png",
                    caption: str | None = None) -> None:
    """Sends the file the ``kind`` maker makes of ``data``, as a photo or a document: after the
    update's commit when an update is being handled; at once otherwise (a job, the CLI)."""
    parameters: dict[str, Any] = {"chat_id": chat_id}
    if caption is not None:
        parameters["caption"] = caption
    journal = current()
    if journal is None:
        content = await asyncio.to_thread(_makers[kind], data)
        send = bot.send_photo if method == "sendPhoto" else bot.send_document
        await send(chat_id, content, caption=caption, filename=filename)
        return
    journal.add_made(method, parameters, {"kind": kind, "data": data, "field": FIELDS[method],
                                          "filename": filename, "mime": mime})


async def made(call: Call) -> Call:
    """The call with its file made (in a worker thread) and attached, ready to send."""
    if call.make is None:
        return call
    make = call.make
    content = await asyncio.to_thread(_makers[make["kind"]], make["data"])
    files = {make["field"]: [make["filename"], base64.b64encode(content).decode(), make["mime"]]}
    return Call(call.endpoint, call.parameters, files, call.ref)
