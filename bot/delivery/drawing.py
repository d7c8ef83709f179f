"""Pictures drawn when their reply is sent, not while the update is handled.

Drawing a chart takes about a second. Inside the update's transaction that second would hold
up every other person's update. Instead the picture is stored as data with the reply, and
drawn in a worker thread when its chat's turn comes, after the commit: it holds up only that
chat's later replies, which wait anyway so that a chat's messages keep their order. A crash
before the send draws it again at the next start. What can be drawn is registered by kind at
the wiring point (``app``), so this layer knows nothing of charts.
"""

from __future__ import annotations

import asyncio
import base64
from collections.abc import Callable
from typing import Any

from telegram import Bot

from bot.delivery.journal import Call, current

Drawer = Callable[[dict[str, Any]], bytes]
_drawers: dict[str, Drawer] = {}


def register(kind: str, drawer: Drawer) -> None:
    _drawers[kind] = drawer


async def send_drawn(bot: Bot, chat_id: int, kind: str, data: dict[str, Any], *,
                     caption: str, filename: str) -> None:
    """Sends a photo drawn from ``data`` by the ``kind`` drawer: after the update's commit
    when an update is being handled; at once otherwise (a job, the command line)."""
    journal = current()
    if journal is None:
        png = await asyncio.to_thread(_drawers[kind], data)
        await bot.send_photo(chat_id, png, caption=caption, filename=filename)
        return
    journal.add_drawn("sendPhoto", {"chat_id": chat_id, "caption": caption},
                      {"kind": kind, "data": data, "field": "photo", "filename": filename})


async def drawn(call: Call) -> Call:
    """The call with its picture drawn (in a worker thread) and attached, ready to send."""
    if call.draw is None:
        return call
    draw = call.draw
    png = await asyncio.to_thread(_drawers[draw["kind"]], draw["data"])
    files = {draw["field"]: [draw["filename"], base64.b64encode(png).decode(), "image/png"]}
    return Call(call.endpoint, call.parameters, files, call.ref)
