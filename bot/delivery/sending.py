"""Turns an outbox payload into one Bot API call, and classifies what can go wrong."""

from __future__ import annotations

from typing import Any

import httpx
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message
from telegram.ext import ExtBot

MAX_ATTEMPTS = 6  # a message that never left after this many tries is given up as failed

# Failures where the request never left this machine: safe to try again.
_NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)


def never_left(exc: BaseException) -> bool:
    """True when the error chain shows the request did not reach Telegram."""
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, _NOT_SENT):
            return True
        if "Pool timeout" in str(seen):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def markup(rows: list[list[list[str]]] | None) -> InlineKeyboardMarkup | None:
    if not rows:
        return None
    return InlineKeyboardMarkup([[InlineKeyboardButton(label, callback_data=data)
                                  for label, data in row] for row in rows])


def text_payload(text: str, buttons: list[list[list[str]]] | None = None,
                 parse_mode: str | None = None) -> dict[str, Any]:
    return {"method": "send_message", "text": text, "buttons": buttons, "parse_mode": parse_mode}


async def send(bot: ExtBot, chat_id: int, payload: dict[str, Any]) -> Message:
    method = payload["method"]
    reply_markup = markup(payload.get("buttons"))
    if method == "send_message":
        return await bot.send_message(chat_id, payload["text"], reply_markup=reply_markup,
                                      parse_mode=payload.get("parse_mode"))
    if method == "send_photo":
        return await bot.send_photo(chat_id, payload["photo"], caption=payload.get("caption"),
                                    reply_markup=reply_markup)
    if method == "send_voice":
        return await bot.send_voice(chat_id, payload["voice"], caption=payload.get("caption"),
                                    reply_markup=reply_markup)
    raise ValueError(f"unknown outbox method {method!r}")
