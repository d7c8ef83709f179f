"""/help, unknown commands, stray text and buttons that no longer lead anywhere."""

from __future__ import annotations

from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler, MessageHandler, filters

from bot.context import BotContext
from bot.flows.common import remove_keyboard, say
from bot.flows.consult import help_button
from bot.flows.texts import help_text, how_to_join


async def show_help(update: Update, context: BotContext) -> None:
    if context.role is None:
        await say(update, context, how_to_join(context.t))
        return
    await say(update, context, help_text(context.t, context.role),
              reply_markup=help_button(context))  # "ask for a talk", for those who may


async def unknown_command(update: Update, context: BotContext) -> None:
    await say(update, context, context.t.gettext(
        "I do not know that command. /help shows what you can do."))


async def stray_message(update: Update, context: BotContext) -> None:
    """Text, voice or a photo outside any question: point the way instead of staying silent."""
    if context.role is None:
        await say(update, context, how_to_join(context.t))
        return
    await say(update, context, context.t.gettext(
        "I am not waiting for an answer right now. /help shows what you can do."))


async def stale_button(update: Update, context: BotContext) -> None:
    query = update.callback_query
    await query.answer(context.t.gettext(
        "That button is no longer active, or it was already used."), show_alert=True)
    await remove_keyboard(update)


def handlers() -> list:
    """Registered last: they catch what no flow took."""
    return [
        CommandHandler("help", show_help),
        MessageHandler(filters.COMMAND, unknown_command),
        MessageHandler(filters.ChatType.PRIVATE & ~filters.StatusUpdate.ALL, stray_message),
        CallbackQueryHandler(stale_button),
    ]
