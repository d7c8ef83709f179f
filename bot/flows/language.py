"""/language: switch at any time; the answer and the menu change at once."""

from __future__ import annotations

from dataclasses import replace

from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler

from bot import callbacks as cb
from bot import keyboards
from bot.access import Action
from bot.context import BotContext
from bot.flows import menu
from bot.flows.common import remove_keyboard, requires, say
from bot.services import membership


@requires(Action.LANGUAGE)
async def ask(update: Update, context: BotContext) -> None:
    await say(update, context, "🌐 " + context.t.gettext("Choose your language:"),
              reply_markup=keyboards.languages(cb.SET_LANG))


@requires(Action.LANGUAGE)
async def chosen(update: Update, context: BotContext) -> None:
    query = update.callback_query
    language = cb.language_arg(query.data, cb.SET_LANG)
    await query.answer()
    if language is None:
        await ask(update, context)
        return
    await membership.set_language(context.req, language)
    context.person = replace(context.person, language=language)
    context.t = context.services.translations.for_language(language)
    await remove_keyboard(update)
    await say(update, context, context.t.gettext("Done: I will write to you in {language}.")
              .format(language=context.t.language.native_name))
    await menu.publish_for(context.bot, context.services, context.person)


def handlers() -> list:
    return [CommandHandler("language", ask),
            CallbackQueryHandler(chosen, pattern=cb.pattern(cb.SET_LANG))]
