"""/mine: a resident sees what they shared, changes the words, withdraws an item, or marks a
need as solved."""

from __future__ import annotations

from datetime import timedelta

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import (
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)

from bot import access, keyboards
from bot import callbacks as cb
from bot.access import Action
from bot.context import BotContext
from bot.flows.common import (
    acknowledge,
    conversation,
    refuse,
    reprompt,
    requires,
    say,
)
from bot.services import sharing

NAME = "edit_item"
P = "it"
WORDS = 0


async def _labels(context: BotContext) -> dict[str, str]:
    return await sharing.labels(context.req, context.t)


@requires(Action.MINE)
async def show(update: Update, context: BotContext) -> None:
    t = context.t
    found = await sharing.mine(context.req)
    if not found:
        await say(update, context, t.gettext("You have not shared anything yet. /share starts."))
        return
    labels = await _labels(context)
    lines, rows = [t.gettext("What you shared:")], []
    for number, item in enumerate(found, start=1):
        hand = "🤲" if item.kind == "need" else "🎁"
        line = f"{number}. {hand} {labels.get(item.category, item.category)}"
        if item.text:
            line += f" – “{item.text}”"
        if item.voice_file_id:
            line += " – 🎤"
        lines.append(line)
        row = [keyboards.button(P, f"✏️ {number}", "ed", item.id),
               keyboards.button(P, f"🗑 {number}", "wd", item.id)]
        if item.kind == "need":
            row.append(keyboards.button(P, f"✅ {number}", "ok", item.id))
        rows.append(row)
    lines += ["", t.gettext("✏️ change the words · 🗑 withdraw · ✅ solved")]
    await say(update, context, "\n".join(lines), reply_markup=InlineKeyboardMarkup(rows))


async def _status(update: Update, context: BotContext, key: str, status: str) -> None:
    query = update.callback_query
    item_id = cb.int_arg(query.data, f"{P}:{key}")
    try:
        changed = await sharing.change_status(context.req, item_id or 0, status)
    except access.AccessDenied:
        await refuse(update, context)
        return
    await query.answer()
    t = context.t
    if not changed:
        await say(update, context, t.gettext("That was already done."))
    elif status == "solved":
        await say(update, context, t.gettext("Wonderful that it worked out!"))
    else:
        await say(update, context, t.gettext("Withdrawn. It no longer shows."))


@requires(Action.MINE)
async def withdraw(update: Update, context: BotContext) -> None:
    await _status(update, context, "wd", "withdrawn")


@requires(Action.MINE)
async def solved(update: Update, context: BotContext) -> None:
    await _status(update, context, "ok", "solved")


async def ask_words(update: Update, context: BotContext) -> None:
    await say(update, context, context.t.gettext(
        "Type the new words, or send a voice message."),
        reply_markup=InlineKeyboardMarkup([keyboards.cancel_row(context.t, P)]))


@requires(Action.MINE)
async def edit_start(update: Update, context: BotContext) -> int:
    query = update.callback_query
    item_id = cb.int_arg(query.data, f"{P}:ed")
    if item_id not in {i.id for i in await sharing.mine(context.req)}:
        await refuse(update, context)
        return ConversationHandler.END
    await query.answer()
    context.user_data["edit_item"] = item_id
    await ask_words(update, context)
    return WORDS


async def _save(update: Update, context: BotContext, **detail) -> int:
    try:
        await sharing.change_detail(context.req, context.user_data.get("edit_item") or 0,
                                    **detail)
    except access.AccessDenied:
        await refuse(update, context)
        return ConversationHandler.END
    context.user_data.pop("edit_item", None)
    await say(update, context, context.t.gettext("Changed. /mine shows it."))
    return ConversationHandler.END


@requires(Action.MINE)
async def words(update: Update, context: BotContext) -> int:
    text, cut = sharing.clean_text(update.message.text or "")
    if not sharing.has_words(text):
        await say(update, context, context.t.gettext(
            "I could not find words in that. Type a few words, send a voice message, or skip."))
        await ask_words(update, context)
        return WORDS
    if cut:
        await say(update, context, context.t.gettext(
            "That was long: I kept the first {count} characters.").format(
            count=sharing.TEXT_MAX))
    return await _save(update, context, text=text)


@requires(Action.MINE)
async def voice(update: Update, context: BotContext) -> int:
    v = update.message.voice
    seconds = v.duration.total_seconds() if isinstance(v.duration, timedelta) else v.duration
    return await _save(update, context, voice_file_id=v.file_id, voice_seconds=int(seconds))


async def stop(update: Update, context: BotContext) -> int:
    await acknowledge(update)
    context.user_data.pop("edit_item", None)
    await say(update, context, context.t.gettext("Cancelled. Nothing was saved."))
    return ConversationHandler.END


def handlers() -> list:
    def tap(key: str, callback) -> CallbackQueryHandler:
        return CallbackQueryHandler(callback, pattern=cb.pattern(f"{P}:{key}"))

    flow = conversation(
        entry_points=[tap("ed", edit_start)],
        states={WORDS: [MessageHandler(filters.TEXT & ~filters.COMMAND, words),
                        MessageHandler(filters.VOICE, voice), tap("stop", stop),
                        *reprompt(WORDS, ask_words, P)]},
        fallbacks=[],
        name=NAME,
    )
    return [flow, CommandHandler("mine", show), tap("wd", withdraw), tap("ok", solved)]
