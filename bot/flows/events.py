"""/event plans a meeting step by step; /events lists them to move or cancel.

Trainers plan training days, return days, the consultation hour and the like for all
kwartiermakers, their own cohort or everyone; a kwartiermaker plans table sessions for the
residents of their circle. Every step accepts a button or typed text ("12-3", "vrijdag",
"19u30"); what was entered before a wrong answer is kept.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
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
from bot.flows import audience_steps
from bot.flows.common import (
    conversation,
    end_conversations,
    refuse,
    remove_keyboard,
    reprompt,
    requires,
    say,
    typed,
)
from bot.i18n import Translator
from bot.services import events, notices
from bot.services.audiences import Audience
from bot.services.calendar import REMINDER_RULES, parse_date, parse_time
from bot.services.events import Draft

NAME = "event"
KIND, TITLE, DATE, TIME, DURATION, PLACE, AUDIENCE, REPEAT, CONFIRM, OWNER, PICK = range(11)
P = "ev"
TITLE_MAX = 80
TIMES = ("1000", "1400", "1900")
MINUTES = (60, 120, 180, 360)


def _b(label: str, *parts: str | int) -> InlineKeyboardButton:
    return keyboards.button(P, label, *parts)


def _cancel(t: Translator) -> list[InlineKeyboardButton]:
    return keyboards.cancel_row(t, P)


def _draft(context: BotContext) -> dict:
    return context.user_data.setdefault("event", {})


def _today(context: BotContext) -> date:
    return context.now().astimezone(context.services.settings.tz).date()


# questions ------------------------------------------------------------------------------------
async def ask_kind(update: Update, context: BotContext) -> None:
    t = context.t
    rows = [[_b(notices.kind_label(t, k), "kind", k)] for k in events.kinds_for(context.role)]
    await say(update, context, t.gettext("What kind of meeting?"),
              reply_markup=InlineKeyboardMarkup([*rows, _cancel(t)]))


async def ask_title(update: Update, context: BotContext) -> None:
    t = context.t
    kind = notices.kind_label(t, _draft(context)["kind"])
    await say(update, context, t.gettext("Type a short title, or use \"{kind}\".").format(
        kind=kind), reply_markup=InlineKeyboardMarkup([[_b(kind, "title", "same")], _cancel(t)]))


async def ask_date(update: Update, context: BotContext) -> None:
    t, today = context.t, _today(context)
    days = [today + timedelta(days=n) for n in range(8)]
    buttons = [_b(t.format_date(d, "EEE d MMM"), "date", d.isoformat()) for d in days]
    rows = [buttons[i:i + 2] for i in range(0, len(buttons), 2)]
    await say(update, context, t.gettext("Which day? Tap one, or type a date like 12-3 or "
                                         "\"friday\"."),
              reply_markup=InlineKeyboardMarkup([*rows, _cancel(t)]))


async def ask_time(update: Update, context: BotContext) -> None:
    t = context.t
    row = [_b(f"{hhmm[:2]}:{hhmm[2:]}", "time", hhmm) for hhmm in TIMES]
    await say(update, context, t.gettext("What time does it start? Tap one, or type it, "
                                         "like 19:30."),
              reply_markup=InlineKeyboardMarkup([row, _cancel(t)]))


async def ask_duration(update: Update, context: BotContext) -> None:
    t = context.t
    row = [_b(t.ngettext("{n} hour", "{n} hours", m // 60).format(n=m // 60), "dur", m)
           for m in MINUTES]
    await say(update, context, t.gettext("How long does it take?"),
              reply_markup=InlineKeyboardMarkup([row, _cancel(t)]))


async def ask_place(update: Update, context: BotContext) -> None:
    t = context.t
    await say(update, context, t.gettext("Where? Type the place, or tap \"No place yet\"."),
              reply_markup=InlineKeyboardMarkup([[_b(t.gettext("No place yet"), "place", "none")],
                                                 _cancel(t)]))


async def ask_repeat(update: Update, context: BotContext) -> None:
    t = context.t
    await say(update, context, t.gettext("Once, or every week?"), reply_markup=InlineKeyboardMarkup(
        [[_b(t.gettext("Once"), "rep", 0), _b(t.gettext("Every week"), "rep", 1)], _cancel(t)]))


def _rule_label(t: Translator, rule: str) -> str:
    return {"day_before_10": t.gettext("The day before at 10:00"),
            "hours_2": t.gettext("Two hours before"),
            "week_before_10": t.gettext("A week before at 10:00")}[rule]


def _start(context: BotContext, draft: dict) -> datetime:
    day = date.fromisoformat(draft["date"])
    at = time(int(draft["time"][:2]), int(draft["time"][2:]))
    tz = context.services.settings.tz
    return datetime.combine(day, at, tzinfo=tz).astimezone(context.now().tzinfo)


def _to_draft(context: BotContext) -> Draft:
    d = _draft(context)
    start = _start(context, d)
    return Draft(kind=d["kind"], title=d["title"], place=d.get("place", ""), start=start,
                 end=start + timedelta(minutes=d["minutes"]), weekly=bool(d["weekly"]),
                 audience=Audience.from_dict(d["audience"]), reminders=tuple(d["reminders"]))


async def ask_confirm(update: Update, context: BotContext) -> None:
    t, d = context.t, _draft(context)
    draft = _to_draft(context)
    lines = [t.gettext("Is this right?"), "",
             f"📅 {draft.title} ({notices.kind_label(t, draft.kind)})",
             f"🕒 {notices.when(t, draft.start, draft.end)}"]
    if draft.weekly:
        lines.append("🔁 " + t.gettext("Every week"))
    if draft.place:
        lines.append(f"📍 {draft.place}")
    lines.append("👥 " + audience_steps.label(t, context.role, draft.audience))
    lines.append("🔔 " + t.gettext("Reminders: tap to switch on or off."))
    rows = [[_b(("✅ " if r in d["reminders"] else "▫️ ") + _rule_label(t, r), "rem", r)]
            for r in REMINDER_RULES]
    rows.append([_b("💾 " + t.gettext("Save and plan"), "save")])
    await say(update, context, "\n".join(lines),
              reply_markup=InlineKeyboardMarkup([*rows, _cancel(t)]))


# answers --------------------------------------------------------------------------------------
@requires(Action.EVENTS)
async def start(update: Update, context: BotContext) -> int:
    end_conversations(context, update.effective_user.id, keep=NAME)
    context.user_data["event"] = {"reminders": list(events.DEFAULT_REMINDERS)}
    kinds = events.kinds_for(context.role)
    if len(kinds) == 1:
        _draft(context)["kind"] = kinds[0]
        await ask_title(update, context)
        return TITLE
    await ask_kind(update, context)
    return KIND


async def _tapped(update: Update, key: str) -> str | None:
    query = update.callback_query
    await query.answer()
    value = cb.arg(query.data, f"{P}:{key}")
    if value is not None:
        await remove_keyboard(update)
    return value


@requires(Action.EVENTS)
async def kind_chosen(update: Update, context: BotContext) -> int:
    kind = await _tapped(update, "kind")
    if kind not in events.kinds_for(context.role):
        await ask_kind(update, context)
        return KIND
    _draft(context)["kind"] = kind
    await ask_title(update, context)
    return TITLE


@requires(Action.EVENTS)
async def title_typed(update: Update, context: BotContext) -> int:
    text = typed(update)
    if not any(ch.isalnum() for ch in text):
        await say(update, context, context.t.gettext("A title needs a few letters or numbers."))
        await ask_title(update, context)
        return TITLE
    if len(text) > TITLE_MAX:
        text = text[:TITLE_MAX].rstrip()
        await say(update, context, context.t.gettext(
            "That was long: I kept the first {count} characters.").format(count=TITLE_MAX))
    _draft(context)["title"] = text
    await ask_date(update, context)
    return DATE


@requires(Action.EVENTS)
async def title_same(update: Update, context: BotContext) -> int:
    await _tapped(update, "title")
    _draft(context)["title"] = notices.kind_label(context.t, _draft(context)["kind"])
    await ask_date(update, context)
    return DATE


async def _accept_date(update: Update, context: BotContext, day: date | None) -> int:
    today = _today(context)
    if day is None:
        await say(update, context, context.t.gettext("I could not read that date."))
    elif day < today or day > today + timedelta(days=366):
        await say(update, context, context.t.gettext(
            "Pick a day from today up to a year ahead."))
    else:
        _draft(context)["date"] = day.isoformat()
        await ask_time(update, context)
        return TIME
    await ask_date(update, context)
    return DATE


@requires(Action.EVENTS)
async def date_tapped(update: Update, context: BotContext) -> int:
    raw = await _tapped(update, "date")
    try:
        day = date.fromisoformat(raw) if raw else None
    except ValueError:
        day = None
    return await _accept_date(update, context, day)


@requires(Action.EVENTS)
async def date_typed(update: Update, context: BotContext) -> int:
    return await _accept_date(update, context, parse_date(update.message.text or "",
                                                          _today(context)))


async def _accept_time(update: Update, context: BotContext, at: time | None) -> int:
    draft = _draft(context)
    if at is None:
        await say(update, context, context.t.gettext("I could not read that time."))
        await ask_time(update, context)
        return TIME
    draft["time"] = f"{at.hour:02d}{at.minute:02d}"
    if _start(context, draft) <= context.now():
        await say(update, context, context.t.gettext("That moment has already passed."))
        await ask_date(update, context)
        return DATE
    if "move" in draft:
        return await _save_move(update, context)
    await ask_duration(update, context)
    return DURATION


@requires(Action.EVENTS)
async def time_tapped(update: Update, context: BotContext) -> int:
    raw = await _tapped(update, "time")
    at = parse_time(f"{raw[:2]}:{raw[2:]}") if raw and len(raw) == 4 else None
    return await _accept_time(update, context, at)


@requires(Action.EVENTS)
async def time_typed(update: Update, context: BotContext) -> int:
    return await _accept_time(update, context, parse_time(update.message.text or ""))


@requires(Action.EVENTS)
async def duration_tapped(update: Update, context: BotContext) -> int:
    raw = await _tapped(update, "dur")
    if raw is None or not raw.isdigit() or int(raw) not in MINUTES:
        await ask_duration(update, context)
        return DURATION
    _draft(context)["minutes"] = int(raw)
    await ask_place(update, context)
    return PLACE


@requires(Action.EVENTS)
async def place_typed(update: Update, context: BotContext) -> int:
    text = typed(update, TITLE_MAX)
    if not any(ch.isalnum() for ch in text):
        await ask_place(update, context)
        return PLACE
    _draft(context)["place"] = text
    return await _after_place(update, context)


@requires(Action.EVENTS)
async def place_none(update: Update, context: BotContext) -> int:
    await _tapped(update, "place")
    _draft(context)["place"] = ""
    return await _after_place(update, context)


async def _after_place(update: Update, context: BotContext) -> int:
    return await STEPS.ask(update, context)


async def _after_audience(update: Update, context: BotContext) -> int:
    await ask_repeat(update, context)
    return REPEAT


@requires(Action.EVENTS)
async def repeat_chosen(update: Update, context: BotContext) -> int:
    raw = await _tapped(update, "rep")
    if raw not in ("0", "1"):
        await ask_repeat(update, context)
        return REPEAT
    _draft(context)["weekly"] = raw == "1"
    await ask_confirm(update, context)
    return CONFIRM


@requires(Action.EVENTS)
async def reminder_toggled(update: Update, context: BotContext) -> int:
    query = update.callback_query
    await query.answer()
    rule = cb.arg(query.data, f"{P}:rem")
    reminders = _draft(context)["reminders"]
    if rule in REMINDER_RULES:
        if rule in reminders:
            reminders.remove(rule)
        else:
            reminders.append(rule)
    await remove_keyboard(update)
    await ask_confirm(update, context)
    return CONFIRM


@requires(Action.EVENTS)
async def save(update: Update, context: BotContext) -> int:
    await _tapped(update, "save")
    try:
        event = await events.create(context.req, _to_draft(context))
    except access.AccessDenied:
        await refuse(update, context)
        return CONFIRM
    context.user_data.pop("event", None)
    t = context.t
    await say(update, context, t.gettext("Saved. Reminders go out by themselves.") + "\n\n"
              + notices.describe(t, event, event.starts_at, event.ends_at))
    return ConversationHandler.END


@requires(Action.EVENTS)
async def stop(update: Update, context: BotContext) -> int:
    await _tapped(update, "stop")
    context.user_data.pop("event", None)
    await say(update, context, context.t.gettext("Cancelled. Nothing was made."))
    return ConversationHandler.END


STEPS = audience_steps.AudienceSteps(P, AUDIENCE, OWNER, PICK, _draft, _after_audience, stop)


# managing -------------------------------------------------------------------------------------
@requires(Action.EVENTS)
async def list_managed(update: Update, context: BotContext) -> None:
    t = context.t
    found = await events.managed(context.req)
    if not found:
        await say(update, context, t.gettext("No meetings planned. /event plans one."))
        return
    lines, rows = [t.gettext("Planned meetings:")], []
    for number, event in enumerate(found[:10], start=1):
        lines.append(f"\n{number}. " + notices.describe(t, event, event.starts_at, event.ends_at))
        if event.weekly:
            lines.append("   🔁 " + t.gettext("Every week"))
        rows.append([_b(t.gettext("Move {number}").format(number=number), "mv", event.id),
                     _b(t.gettext("Cancel {number}").format(number=number), "cx", event.id)])
        if event.weekly:
            rows.append([_b(t.gettext("Skip a date of {number}").format(number=number), "sk",
                            event.id)])
    await say(update, context, "\n".join(lines), reply_markup=InlineKeyboardMarkup(rows))


@requires(Action.EVENTS)
async def move_start(update: Update, context: BotContext) -> int:
    query = update.callback_query
    await query.answer()
    event_id = cb.int_arg(query.data, f"{P}:mv")
    managed = {e.id for e in await events.managed(context.req)}
    if event_id not in managed:
        await refuse(update, context)
        return ConversationHandler.END
    end_conversations(context, update.effective_user.id, keep=NAME)
    context.user_data["event"] = {"move": event_id}
    await ask_date(update, context)
    return DATE


async def _save_move(update: Update, context: BotContext) -> int:
    draft = _draft(context)
    try:
        moved = await events.move(context.req, draft["move"], _start(context, draft))
    except access.AccessDenied:
        await refuse(update, context)
        return ConversationHandler.END
    context.user_data.pop("event", None)
    t = context.t
    await say(update, context, t.gettext("Moved. Everyone who was reminded hears of it.")
              + "\n\n" + notices.describe(t, moved, moved.starts_at, moved.ends_at))
    return ConversationHandler.END


@requires(Action.EVENTS)
async def cancel_event(update: Update, context: BotContext) -> None:
    query = update.callback_query
    event_id = cb.int_arg(query.data, f"{P}:cx")
    try:
        done = await events.cancel(context.req, event_id or 0)
    except access.AccessDenied:
        await refuse(update, context)
        return
    await query.answer()
    await remove_keyboard(update)
    await say(update, context, context.t.gettext("Cancelled. Everyone who was reminded hears "
                                                 "of it.") if done
              else context.t.gettext("This meeting was cancelled."))


@requires(Action.EVENTS)
async def skip_pick(update: Update, context: BotContext) -> None:
    query = update.callback_query
    event_id = cb.int_arg(query.data, f"{P}:sk")
    found = {e.id: e for e in await events.managed(context.req)}
    if event_id not in found:
        await refuse(update, context)
        return
    await query.answer()
    t = context.t
    dates = await events.next_dates(context.req, found[event_id])
    rows = [[_b(t.format_datetime(d), "skd", event_id, notices.stamp(d))] for d in dates]
    await say(update, context, t.gettext("Which date does not take place?"),
              reply_markup=InlineKeyboardMarkup(rows))


@requires(Action.EVENTS)
async def skip_date(update: Update, context: BotContext) -> None:
    query = update.callback_query
    args = cb.int_args(query.data, f"{P}:skd", 2)
    if args is None:
        await query.answer()
        return
    try:
        done = await events.skip(
            context.req, args[0], datetime.fromtimestamp(args[1], tz=context.now().tzinfo))
    except access.AccessDenied:
        await refuse(update, context)
        return
    await query.answer()
    await remove_keyboard(update)
    await say(update, context, context.t.gettext(
        "Done: that date is left out. Everyone who was reminded of it hears of it.") if done
        else context.t.gettext("That date was already left out."))


def handlers() -> list:
    def tap(key: str, callback) -> CallbackQueryHandler:
        return CallbackQueryHandler(callback, pattern=cb.pattern(f"{P}:{key}"))

    text = filters.TEXT & ~filters.COMMAND
    stop_handler = tap("stop", stop)
    flow = conversation(
        entry_points=[CommandHandler("event", start), tap("mv", move_start)],
        states={
            KIND: [tap("kind", kind_chosen), stop_handler, *reprompt(KIND, ask_kind, P)],
            TITLE: [tap("title", title_same), MessageHandler(text, title_typed), stop_handler,
                    *reprompt(TITLE, ask_title, P)],
            DATE: [tap("date", date_tapped), MessageHandler(text, date_typed), stop_handler,
                   *reprompt(DATE, ask_date, P)],
            TIME: [tap("time", time_tapped), MessageHandler(text, time_typed), stop_handler,
                   *reprompt(TIME, ask_time, P)],
            DURATION: [tap("dur", duration_tapped), stop_handler,
                       *reprompt(DURATION, ask_duration, P)],
            PLACE: [tap("place", place_none), MessageHandler(text, place_typed), stop_handler,
                    *reprompt(PLACE, ask_place, P)],
            **STEPS.states(),
            REPEAT: [tap("rep", repeat_chosen), stop_handler, *reprompt(REPEAT, ask_repeat, P)],
            CONFIRM: [tap("rem", reminder_toggled), tap("save", save), stop_handler,
                      *reprompt(CONFIRM, ask_confirm, P)],
        },
        fallbacks=[],
        name=NAME,
    )
    return [flow, CommandHandler("events", list_managed), tap("cx", cancel_event),
            tap("skd", skip_date), tap("sk", skip_pick)]
