"""/agenda and the buttons under every reminder: I'll come, I can't come (why), calendar file."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import CallbackQueryHandler, CommandHandler

from bot import callbacks as cb
from bot.access import Action
from bot.context import BotContext
from bot.delivery.sending import markup
from bot.flows.common import remove_keyboard, requires, say
from bot.flows.consult import help_button
from bot.services import agenda as agenda_service
from bot.services import events, notices

AGENDA_DAYS = 30


@requires(Action.AGENDA)
async def agenda(update: Update, context: BotContext) -> None:
    t = context.t
    coming = await agenda_service.agenda(context.req, AGENDA_DAYS)
    if not coming:
        await say(update, context, t.gettext("No meetings planned for you in the coming month."),
                  reply_markup=help_button(context))  # "ask for a talk", for those who may
        return
    lines, buttons = [t.gettext("Your coming meetings:")], []
    for number, entry in enumerate(coming[:10], start=1):
        lines.append(f"\n{number}. " + notices.describe_series(t, entry.event, entry.start,
                                                              entry.end, entry.skipped))
        buttons.append([InlineKeyboardButton(
            "🗓 " + t.gettext("Calendar file {number}").format(number=number),
            callback_data=cb.encode(cb.ICS, entry.event.id, notices.stamp(entry.start)))])
    talk = help_button(context)  # an individual talk can be asked from the agenda too
    await say(update, context, "\n".join(lines), reply_markup=InlineKeyboardMarkup(
        buttons + (list(talk.inline_keyboard) if talk else [])))


def _occurrence(data: str | None, prefix: str, count: int = 2) -> list[int] | None:
    return cb.int_args(data, prefix, count)


def _refusal(context: BotContext, exc: Exception) -> str:
    t = context.t
    if isinstance(exc, events.EventCancelled):
        return t.gettext("This meeting was cancelled.")
    if isinstance(exc, events.NotPlanned):
        return t.gettext("This date has passed or is no longer planned.")
    return t.gettext("This meeting is not for you.")


_REFUSED = (events.EventCancelled, events.NotPlanned, events.NotInAudience)


async def _answer(update: Update, context: BotContext, args: list[int], answer: str,
                  reason: str | None) -> bool | None:
    """Records the answer to one date (``args``: event id and start); None when it was
    refused (already told to the person)."""
    try:
        return await events.answer(context.req, event_id=args[0], occurrence=args[1],
                                   answer=answer, reason=reason)
    except _REFUSED as exc:
        await update.callback_query.answer(_refusal(context, exc), show_alert=True)
    return None


@requires(Action.RSVP)
async def coming_yes(update: Update, context: BotContext) -> None:
    args = _occurrence(update.callback_query.data, cb.RSVP_YES)
    if args is None:
        await update.callback_query.answer()
        return
    changed = await _answer(update, context, args, "yes", None)
    if changed is None:
        return
    await update.callback_query.answer(
        context.t.gettext("Thank you! We look forward to seeing you.") if changed
        else context.t.gettext("You had already said you will come."))


async def _meeting(update: Update, context: BotContext, prefix: str):
    """The meeting and date a button under a reminder is about, if the person is invited to it
    and the date is still planned (the button is answered either way)."""
    query = update.callback_query
    args = _occurrence(query.data, prefix)
    if args is None:
        await query.answer()
        return None
    try:
        event, occurrence = await events.occurrence_for(context.req, args[0], args[1])
    except _REFUSED as exc:
        await query.answer(_refusal(context, exc), show_alert=True)
        return None
    await query.answer()
    return args, event, occurrence


@requires(Action.RSVP)
async def coming_no(update: Update, context: BotContext) -> None:
    found = await _meeting(update, context, cb.RSVP_NO)
    if found is None:
        return
    args, _event, occurrence = found
    await say(update, context, context.t.gettext("What keeps you away? We pass your answer "
                                                 "on."),
              reply_markup=markup(notices.reason_buttons(context.t, args[0], occurrence.start)))


@requires(Action.RSVP)
async def reason(update: Update, context: BotContext) -> None:
    query = update.callback_query
    data = query.data or ""
    head, _, why = data.rpartition(":")
    args = _occurrence(head, cb.RSVP_REASON)
    if args is None or why not in notices.REASONS:
        await query.answer()
        return
    changed = await _answer(update, context, args, "no", why)
    if changed is None:
        return
    await query.answer()
    await remove_keyboard(update)
    await say(update, context, context.t.gettext("Thank you for letting us know. Take care!")
              if changed else context.t.gettext("We already had your answer."))


@requires(Action.RSVP)
async def calendar_file(update: Update, context: BotContext) -> None:
    found = await _meeting(update, context, cb.ICS)
    if found is None:
        return
    _args, event, occurrence = found
    t = context.t
    summary = notices.heading(t, event.title, event.kind)
    await context.bot.send_document(
        update.effective_chat.id,
        await agenda_service.calendar_file(context.req, event, occurrence, summary),
        filename="samenbot.ics",
        caption=t.gettext("Open this file to add the meeting to your phone's calendar."))


def handlers() -> list:
    return [
        CommandHandler("agenda", agenda),
        CallbackQueryHandler(coming_yes, pattern=cb.pattern(cb.RSVP_YES)),
        CallbackQueryHandler(coming_no, pattern=cb.pattern(cb.RSVP_NO)),
        CallbackQueryHandler(reason, pattern=cb.pattern(cb.RSVP_REASON)),
        CallbackQueryHandler(calendar_file, pattern=cb.pattern(cb.ICS)),
    ]
