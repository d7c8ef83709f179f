"""Personal things happen only in a private chat. In a group the bot answers a command once an
hour, kindly: "let's talk privately", with a button that opens the private chat; it never
shows anyone's answers, names or files there, and ignores everything else said in the group.
"""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ChatType
from telegram.ext import ApplicationHandlerStop

from bot.context import BotContext

NUDGE_EVERY_SECONDS = 3600


async def private_only(update: Update, context: BotContext) -> None:
    """Runs right after the person is known (group -5): stops every update from a group."""
    chat = update.effective_chat
    if chat is None or chat.type == ChatType.PRIVATE:
        return
    t = context.t
    if update.callback_query is not None:
        await update.callback_query.answer(t.gettext(
            "Let's talk in a private chat with me: open it and send /start."), show_alert=True)
    elif update.message is not None and _is_command(update) and _due(context):
        link = f"https://t.me/{context.bot.username}"
        await context.bot.send_message(chat.id, t.gettext(
            "Let's talk privately, so that what you share stays between us. Tap the button."),
            reply_markup=InlineKeyboardMarkup([[InlineKeyboardButton(
                "💬 " + t.gettext("Open a private chat"), url=link)]]))
    raise ApplicationHandlerStop


def _is_command(update: Update) -> bool:
    entities = update.message.entities or ()
    return any(e.type == "bot_command" and e.offset == 0 for e in entities)


def _due(context: BotContext) -> bool:
    """At most one nudge an hour in each group."""
    data = context.chat_data if context.chat_data is not None else {}
    now = context.now().timestamp()
    if now - data.get("nudged_at", 0) < NUDGE_EVERY_SECONDS:
        return False
    data["nudged_at"] = now
    return True


