"""Pure functions that build inline keyboards; buttons route by callback_data, never by label."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot import callbacks as cb
from bot.access import Role
from bot.i18n import Translator
from bot.languages import LANGUAGES
from bot.storage.invites import Invite


def button(prefix: str, label: str, *parts: str | int) -> InlineKeyboardButton:
    """A button whose callback data is ``prefix:part:part``."""
    return InlineKeyboardButton(label, callback_data=cb.encode(prefix, *parts))


def cancel_row(t: Translator, prefix: str) -> list[InlineKeyboardButton]:
    """The "Cancel" row every multi-step flow ends its keyboards with (``prefix:stop``)."""
    return [button(prefix, t.gettext("Cancel"), "stop")]


def _rows(buttons: list[InlineKeyboardButton], per_row: int) -> list[list[InlineKeyboardButton]]:
    return [buttons[i:i + per_row] for i in range(0, len(buttons), per_row)]


def languages(prefix: str, available: list[str] | None = None) -> InlineKeyboardMarkup:
    """Language names in their own script, so anyone finds theirs without reading Dutch."""
    codes = available or list(LANGUAGES)
    buttons = [InlineKeyboardButton(LANGUAGES[c].native_name, callback_data=cb.encode(prefix, c))
               for c in codes]
    return InlineKeyboardMarkup(_rows(buttons, 2))


def consent(t: Translator) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([
        [InlineKeyboardButton("✅ " + t.gettext("I agree"), callback_data=cb.ONBOARD_YES)],
        [InlineKeyboardButton("✖️ " + t.gettext("No thanks"), callback_data=cb.ONBOARD_NO)],
        [InlineKeyboardButton("🌐 " + t.gettext("Other language"), callback_data=cb.ONBOARD_BACK)],
    ])


def role_label(t: Translator, role: str) -> str:
    labels = {
        Role.RESIDENT: t.pgettext("role", "Resident"),
        Role.ORGANISER: t.pgettext("role", "Kwartiermaker"),
        Role.TRAINER: t.pgettext("role", "Trainer"),
        Role.ADMIN: t.pgettext("role", "Admin"),
    }
    return labels[role]


def invite_roles(t: Translator, roles: tuple[str, ...]) -> InlineKeyboardMarkup:
    buttons = [[InlineKeyboardButton(role_label(t, r), callback_data=cb.encode(cb.INVITE_ROLE, r))]
               for r in roles]
    return InlineKeyboardMarkup([*buttons, [_cancel(t)]])


def invite_uses(t: Translator) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([
        [InlineKeyboardButton("👤 " + t.gettext("One person"),
                              callback_data=cb.encode(cb.INVITE_USES, 1))],
        [InlineKeyboardButton("👥 " + t.gettext("A group (up to 30)"),
                              callback_data=cb.encode(cb.INVITE_USES, 30))],
        [_cancel(t)],
    ])


def invite_days(t: Translator) -> InlineKeyboardMarkup:
    buttons = [InlineKeyboardButton(t.ngettext("{n} day", "{n} days", d).format(n=d),
                                    callback_data=cb.encode(cb.INVITE_DAYS, d))
               for d in (1, 7, 30)]
    return InlineKeyboardMarkup([buttons, [_cancel(t)]])


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


def _cancel(t: Translator) -> InlineKeyboardButton:
    return InlineKeyboardButton(t.gettext("Cancel"), callback_data=cb.INVITE_CANCEL)
