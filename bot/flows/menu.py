"""Telegram's command menu: per person in their language, plus per-language defaults."""

from __future__ import annotations

import logging

from telegram import BotCommand, BotCommandScopeChat, BotCommandScopeDefault
from telegram.error import TelegramError
from telegram.ext import ExtBot

from bot import access
from bot.context import Services
from bot.flows.texts import command_description
from bot.services.membership import Person

log = logging.getLogger(__name__)

# Telegram accepts only two-letter ISO 639-1 codes for language_code.
_MENU_LANGUAGE_CODES = ("nl", "en", "ar", "tr", "es", "tw")  # Telegram: two-letter codes only


def commands(services: Services, role: str | None, language: str) -> list[BotCommand]:
    t = services.translations.for_language(language)
    if role is None:
        return [BotCommand("start", t.gettext("Start")),
                BotCommand("help", command_description(t, access.Action.HELP))]
    return [BotCommand(a.value, command_description(t, a)) for a in access.commands_for(role)]


async def publish_defaults(bot: ExtBot, services: Services) -> None:
    """What visitors see: /start and /help, in the language their Telegram app reports."""
    default = services.settings.default_language
    await bot.set_my_commands(commands(services, None, default), scope=BotCommandScopeDefault())
    for code in _MENU_LANGUAGE_CODES:
        await bot.set_my_commands(commands(services, None, code),
                                  scope=BotCommandScopeDefault(), language_code=code)


async def publish_for(bot: ExtBot, services: Services, person: Person) -> None:
    """The person's own menu: chat scope, in the language they chose in the bot.

    A chat-scoped list without language_code wins over the defaults whatever language their
    Telegram app uses, so a resident who picked Arabic in a Dutch phone still sees Arabic.
    """
    if person.telegram_id is None:
        return
    role = access.effective_role(person, services.settings.admin_ids)
    try:
        await bot.set_my_commands(commands(services, role, person.language),
                                  scope=BotCommandScopeChat(person.telegram_id))
    except TelegramError:
        log.warning("could not set the command menu for person %s", person.id, exc_info=True)


async def remove_for(bot: ExtBot, telegram_id: int) -> None:
    try:
        await bot.delete_my_commands(scope=BotCommandScopeChat(telegram_id))
    except TelegramError:
        log.warning("could not remove a command menu", exc_info=True)
