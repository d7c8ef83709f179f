"""Pure functions that build inline keyboards; buttons route by callback_data, never by label."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot import callbacks as cb
from bot.access import Role
from bot.i18n import Translator
from bot.languages import LANGUAGES
from bot.storage.invites import Invite


def _rows(buttons: list[InlineKeyboardButton], per_row: int) -> list[list[InlineKeyboardButton]]:
    return [buttons[i:i + per_row] for i in range(0, len(buttons), per_row)]


def languages(prefix: str, available: list[str] | None = None) -> InlineKeyboardMarkup:
    """Language names in their own script, so anyone finds theirs without reading Dutch."""
    codes = available or list(LANGUAGES)
    buttons = [InlineKeyboardButton(LANGUAGES[c].native_name, callback_data=cb.encode(prefix, c))
               for c in codes]
    return InlineKeyboardMarkup(_rows(buttons, 2))


def role_label(t: Translator, role: str) -> str:
    labels = {
        Role.RESIDENT: t.pgettext("role", "Resident"),
        Role.ORGANISER: t.pgettext("role", "Kwartiermaker"),
        Role.TRAINER: t.pgettext("role", "Trainer"),
        Role.ADMIN: t.pgettext("role", "Admin"),
    }
    return labels[role]


def revoke_buttons(t: Translator, invites: list[Invite]) -> InlineKeyboardMarkup:
    buttons = [
        [InlineKeyboardButton(t.gettext("Revoke invite {number}").format(number=i),
                              callback_data=cb.encode(cb.INVITE_REVOKE, inv.id))]
        for i, inv in enumerate(invites, start=1)
    ]
    return InlineKeyboardMarkup(buttons)


def forget_confirm(t: Translator, issued: int) -> InlineKeyboardMarkup:
    """``issued`` (unix minutes) lets the handler refuse a confirmation tapped days later."""
    return InlineKeyboardMarkup([
        [InlineKeyboardButton("🗑 " + t.gettext("Yes, erase everything"),
                              callback_data=cb.encode(cb.FORGET_YES, issued))],
        [InlineKeyboardButton(t.gettext("No, keep my data"), callback_data=cb.FORGET_NO)],
    ])
