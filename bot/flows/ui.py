"""Small pieces every flow renders with: category labels, button grids, money, voice lengths,
and the handler for a standalone button."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from datetime import timedelta
from decimal import Decimal
from typing import Any, TypeVar

from telegram import InlineKeyboardButton, Message, Update
from telegram.ext import CallbackQueryHandler

from bot import callbacks as cb
from bot.context import BotContext
from bot.flows.steps import Choice, Problem
from bot.i18n import Translator
from bot.services import sharing

T = TypeVar("T")


async def category_labels(context: BotContext) -> dict[str, str]:
    """Every category's label in the person's language, in grid order."""
    return await sharing.labels(context.req, context.t)


async def themes(turn: Any) -> list[Choice]:
    """The categories as the choices of a step (the shared grid of themes)."""
    return [Choice(code, label) for code, label in (await category_labels(turn.context)).items()
            if code != sharing.TOLD]


def rows(buttons: Sequence[T], per_row: int = 2) -> list[list[T]]:
    return [list(buttons[i:i + per_row]) for i in range(0, len(buttons), per_row)]


def button(prefix: str, label: str, *parts: str | int) -> InlineKeyboardButton:
    """A button whose callback data is ``prefix:part:part`` (for views outside a flow)."""
    return InlineKeyboardButton(label, callback_data=cb.encode(prefix, *parts))


def tap(prefix: str, key: str,
        callback: Callable[[Update, BotContext], Awaitable[Any]]) -> CallbackQueryHandler:
    """The handler of a standalone button ``prefix:key[:…]``."""
    return CallbackQueryHandler(callback, pattern=cb.pattern(f"{prefix}:{key}"))


def money(t: Translator, cents: int) -> str:
    return t.format_money(Decimal(cents) / 100)


def voice_seconds(message: Message) -> int:
    duration = message.voice.duration
    return int(duration.total_seconds() if isinstance(duration, timedelta) else duration)


def tick(on: bool) -> str:
    """The mark in front of a toggle button."""
    return "✅ " if on else "▫️ "


def collapse(text: str, limit: int | None = None) -> str:
    """Typed text with its spaces collapsed, cut to ``limit`` characters."""
    text = " ".join(text.split())
    return text if limit is None else text[:limit]


_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")


def number(text: str, longest: int = 6) -> int | None:
    """A whole number typed with ASCII or Arabic-Indic digits (as Arabic phones type them),
    optionally negative; None for anything else, "²" and "٣.5" included."""
    raw = text.strip().translate(_DIGITS)
    body = raw[1:] if raw.startswith("-") else raw
    if not body or len(body) > longest or any(ch not in "0123456789" for ch in body):
        return None
    return int(raw)


def arg_id(args: list[str], index: int = 0) -> int:
    """An id among a button's arguments (ASCII digits only), or 0 when there is none."""
    value = args[index] if len(args) > index else ""
    return int(value) if value.isascii() and value.isdigit() and len(value) <= 12 else 0


def int_arg(data: str | None, prefix: str) -> int:
    """The id after ``prefix:`` of a standalone button, or 0 (no such row) when malformed."""
    return cb.int_arg(data, prefix) or 0


def words(limit: int | None = None) -> Callable[[Any, str], str]:
    """A reader for typed text that must say something (letters or digits, not only emoji);
    otherwise the question is simply asked again."""

    def read(_turn: Any, text: str) -> str:
        value = collapse(text, limit)
        if not sharing.has_words(value):
            raise Problem()
        return value
    return read
