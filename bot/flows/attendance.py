"""/attendance: after a meeting, tick who was there; the absence rule follows by itself.

The list starts with everyone present except those who said they could not come; each tap
switches one person. Saving warns the trainer about anyone who reached the limit of missed
training days, and that person gets a kind message offering a talk.
"""

from __future__ import annotations

from datetime import UTC, datetime

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import CallbackQueryHandler, CommandHandler, ConversationHandler

from bot import access, keyboards
from bot import callbacks as cb
from bot.access import Action
from bot.context import BotContext
from bot.flows.common import (
    acknowledge,
    conversation,
    end_conversations,
    refuse,
    remove_keyboard,
    reprompt,
    requires,
    say,
)
from bot.i18n import Translator
from bot.services import events, notices

NAME = "attendance"
PICK, TICK = range(2)
P = "at"
MAX_PEOPLE = 60


def _b(label: str, *parts: str | int) -> InlineKeyboardButton:
    return keyboards.button(P, label, *parts)


def _cancel(t: Translator) -> list[InlineKeyboardButton]:
    return keyboards.cancel_row(t, P)


@requires(Action.ATTENDANCE)
async def start(update: Update, context: BotContext) -> int:
    end_conversations(context, update.effective_user.id, keep=NAME)
    context.user_data.pop("attendance", None)
    return await ask_pick(update, context)


async def ask_pick(update: Update, context: BotContext) -> int:
    t = context.t
    past = await events.past_occurrences(context.req)
    if not past:
        await say(update, context, t.gettext("No meetings in the last two weeks."))
        return ConversationHandler.END
    rows = [[_b(f"{event.title} · {t.format_datetime(start)}", "pick", event.id,
                notices.stamp(start))] for event, start in past[:8]]
    await say(update, context, t.gettext("Which meeting?"),
              reply_markup=InlineKeyboardMarkup([*rows, _cancel(t)]))
    return PICK


async def _ask_pick_again(update: Update, context: BotContext) -> None:
    await ask_pick(update, context)


@requires(Action.ATTENDANCE)
async def picked(update: Update, context: BotContext) -> int:
    query = update.callback_query
    await query.answer()
    args = cb.int_args(query.data, f"{P}:pick", 2)
    if args is None:
        return await ask_pick(update, context)
    start = datetime.fromtimestamp(args[1], tz=UTC)
    try:
        event, members, marks = await events.attendance_sheet(context.req, args[0], start)
    except access.AccessDenied:
        await refuse(update, context)
        return ConversationHandler.END
    declined = await events.declined(context.req, event.id, start)
    present = {str(p.id): marks.get(p.id, p.id not in declined) for p in members[:MAX_PEOPLE]}
    context.user_data["attendance"] = {"event": event.id, "occ": args[1], "present": present,
                                       "names": {str(p.id): p.display_name
                                                 for p in members[:MAX_PEOPLE]}}
    await remove_keyboard(update)
    await ask_tick(update, context)
    return TICK


def _sheet(context: BotContext) -> InlineKeyboardMarkup:
    t, d = context.t, context.user_data["attendance"]
    rows = [[_b(("✅ " if here else "▫️ ") + d["names"][pid], "t", pid)]
            for pid, here in d["present"].items()]
    rows.append([_b("💾 " + t.gettext("Save"), "save")])
    return InlineKeyboardMarkup([*rows, _cancel(t)])


async def ask_tick(update: Update, context: BotContext) -> None:
    await say(update, context, context.t.gettext("Tap to switch: ✅ was there, ▫️ was not."),
              reply_markup=_sheet(context))


@requires(Action.ATTENDANCE)
async def toggled(update: Update, context: BotContext) -> int:
    query = update.callback_query
    await query.answer()
    pid = cb.arg(query.data, f"{P}:t")
    present = context.user_data["attendance"]["present"]
    if pid in present:
        present[pid] = not present[pid]
        await query.edit_message_reply_markup(_sheet(context))  # tick in place
    return TICK


@requires(Action.ATTENDANCE)
async def save(update: Update, context: BotContext) -> int:
    query = update.callback_query
    await query.answer()
    d = context.user_data["attendance"]
    start = datetime.fromtimestamp(d["occ"], tz=UTC)
    present = {int(pid): here for pid, here in d["present"].items()}
    try:
        reached = await events.record_attendance(context.req, d["event"], start, present)
    except access.AccessDenied:
        await refuse(update, context)
        return ConversationHandler.END
    await remove_keyboard(update)
    context.user_data.pop("attendance", None)
    t = context.t
    here = sum(present.values())
    lines = [t.gettext("Saved: {present} there, {absent} not there.").format(
        present=here, absent=len(present) - here)]
    for person, missed in reached:
        lines.append("⚠️ " + t.gettext(
            "{name} has now missed {count} training days (the limit is {limit}). "
            "They got a kind message offering a talk.").format(
            name=person.display_name, count=missed,
            limit=context.services.settings.max_missed_training_days))
    await say(update, context, "\n".join(lines))
    if reached and context.services.delivery is not None:
        context.services.delivery.wake.set()
    return ConversationHandler.END


@requires(Action.ATTENDANCE)
async def stop(update: Update, context: BotContext) -> int:
    await acknowledge(update)
    context.user_data.pop("attendance", None)
    await say(update, context, context.t.gettext("Cancelled. Nothing was saved."))
    return ConversationHandler.END


def handlers() -> list:
    def tap(key: str, callback) -> CallbackQueryHandler:
        return CallbackQueryHandler(callback, pattern=cb.pattern(f"{P}:{key}"))

    stop_handler = tap("stop", stop)
    flow = conversation(
        entry_points=[CommandHandler("attendance", start)],
        states={
            PICK: [tap("pick", picked), stop_handler, *reprompt(PICK, _ask_pick_again, P)],
            TICK: [tap("t", toggled), tap("save", save), stop_handler,
                   *reprompt(TICK, ask_tick, P)],
        },
        fallbacks=[],
        name=NAME,
    )
    return [flow]
