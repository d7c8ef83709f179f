"""/event plans a meeting step by step; /events lists them to move, cancel or skip a date.

Trainers plan training days, return days, the consultation hour and the like for all
kwartiermakers, their own cohort or everyone; a kwartiermaker plans table sessions for the
residents of their circle. Every step takes a button or typed text ("12-3", "vrijdag",
"19u30"); what was entered before a wrong answer is kept.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import CommandHandler

from bot import callbacks as cb
from bot.access import Action
from bot.context import BotContext
from bot.flows import ui
from bot.flows.audience import AUDIENCE_STEPS
from bot.flows.audience import label as audience_label
from bot.flows.common import act, refuse, remove_keyboard, requires, say
from bot.flows.engine import refuse as refuse_in_flow
from bot.flows.steps import END, NEXT, Choice, Entry, Flow, Outcome, Problem, Step, Turn, screen
from bot.i18n import N_, Translator
from bot.services import events, notices
from bot.services.audiences import Audience
from bot.services.calendar import REMINDER_RULES, parse_date, parse_time
from bot.services.events import Draft

P = "ev"
TITLE_MAX = 80
TIMES = ("1000", "1400", "1900")
MINUTES = (60, 120, 180, 360)


def _today(turn: Turn) -> date:
    return turn.req.now.astimezone(turn.req.tz).date()


def _start(turn: Turn) -> datetime:
    d = turn.draft
    at = time(int(d["time"][:2]), int(d["time"][2:]))
    return datetime.combine(date.fromisoformat(d["date"]), at, tzinfo=turn.req.tz).astimezone(
        turn.req.now.tzinfo)


# the questions -------------------------------------------------------------------------------
def _kind_label(turn: Turn) -> str:
    return notices.kind_label(turn.t, turn.draft["kind"])


def read_title(turn: Turn, text: str) -> str:
    words = ui.collapse(text)
    if not any(ch.isalnum() for ch in words):
        raise Problem(turn.t.gettext("A title needs a few letters or numbers."))
    return words


def read_place(turn: Turn, text: str) -> str:
    words = ui.collapse(text, TITLE_MAX)
    if not any(ch.isalnum() for ch in words):
        raise Problem()
    return words


async def store_title(turn: Turn, title: str) -> None:
    if len(title) > TITLE_MAX:
        title = title[:TITLE_MAX].rstrip()
        await turn.say(turn.t.gettext("That was long: I kept the first {count} characters.")
                       .format(count=TITLE_MAX))
    turn.draft["title"] = title


async def same_title(turn: Turn, _args: list[str]) -> Outcome:
    """No title of its own: everyone then reads the kind in their own language."""
    turn.draft["title"] = ""
    return NEXT


def dates(turn: Turn) -> list[Choice]:
    today = _today(turn)
    return [Choice((today + timedelta(days=n)).isoformat(),
                   turn.t.format_date(today + timedelta(days=n), "EEE d MMM")) for n in range(8)]


def read_date(turn: Turn, text: str) -> str:
    day = parse_date(text, _today(turn))
    if day is None:
        raise Problem(turn.t.gettext("I could not read that date."))
    return day.isoformat()


def date_problem(turn: Turn, value: str) -> str | None:
    today, day = _today(turn), date.fromisoformat(value)
    if day < today or day > today + timedelta(days=366):
        return turn.t.gettext("Pick a day from today up to a year ahead.")
    return None


def read_time(turn: Turn, text: str) -> str:
    at = parse_time(text)
    if at is None:
        raise Problem(turn.t.gettext("I could not read that time."))
    return f"{at.hour:02d}{at.minute:02d}"


def time_problem(turn: Turn, hhmm: str) -> Problem | None:
    turn.draft["time"] = hhmm
    if _start(turn) <= turn.req.now:
        turn.draft.pop("time")
        return Problem(turn.t.gettext("That moment has already passed."), redo="date")
    return None


def _rule_label(t: Translator, rule: str) -> str:
    return {"day_before_10": t.gettext("The day before at 10:00"),
            "hours_2": t.gettext("Two hours before"),
            "week_before_10": t.gettext("A week before at 10:00")}[rule]


def to_draft(turn: Turn) -> Draft:
    d, start = turn.draft, _start(turn)
    return Draft(kind=d["kind"], title=d["title"], place=d.get("place") or "", start=start,
                 end=start + timedelta(minutes=d["minutes"]), weekly=bool(d["weekly"]),
                 audience=Audience.from_dict(d["audience"]),
                 reminders=tuple(d.get("reminders", events.DEFAULT_REMINDERS)))


async def ask_confirm(turn: Turn) -> None:
    t, draft = turn.t, to_draft(turn)
    lines = [t.gettext("Is this right?"), "",
             f"📅 {notices.heading(t, draft.title, draft.kind)}",
             f"🕒 {notices.when(t, draft.start, draft.end)}"]
    if draft.weekly:
        lines.append("🔁 " + t.gettext("Every week"))
    if draft.place:
        lines.append(f"📍 {draft.place}")
    lines += ["👥 " + audience_label(t, turn.req.role, draft.audience),
              "🔔 " + t.gettext("Reminders: tap to switch on or off.")]
    passed = events.passed_reminders(draft, turn.req.now, turn.req.tz)
    lines += ["⏭ " + t.gettext("{reminder}: already past. The announcement goes now.").format(
        reminder=_rule_label(t, r)) for r in passed]
    rows = [[turn.button(ui.tick(r in draft.reminders) + _rule_label(t, r), "rem", r)]
            for r in REMINDER_RULES if r not in passed]
    rows.append([turn.button("💾 " + t.gettext("Save and plan"), "save")])
    await turn.say("\n".join(lines), [*rows, turn.cancel_row()])


async def reminder_toggled(turn: Turn, args: list[str]) -> Outcome:
    reminders = turn.draft.setdefault("reminders", list(events.DEFAULT_REMINDERS))
    if args and args[0] in REMINDER_RULES:
        if args[0] in reminders:
            reminders.remove(args[0])
        else:
            reminders.append(args[0])
    return NEXT


async def save(turn: Turn, _args: list[str]) -> Outcome:
    event = await events.create(turn.req, to_draft(turn))
    t = turn.t
    await turn.answer()
    await turn.remove_buttons()
    reached = await events.reached(turn.req, event.id)
    told = (t.ngettext("Saved. {count} person hears of it now, in their own language.",
                       "Saved. {count} people hear of it now, in their own language.",
                       reached).format(count=reached) if reached
            else t.gettext("Saved. Nobody else is in this group yet."))
    await turn.say(told + " " + t.gettext("Reminders go out by themselves.") + "\n\n"
                   + notices.describe_series(t, event, event.starts_at, event.ends_at))
    return END


DATE = Step("date", question=N_("Which day? Tap one, or type a date like 12-3 or \"friday\"."),
            choices=dates, per_row=2, text=read_date, check=date_problem)
TIME = Step("time", question=N_("What time does it start? Tap one, or type it, like 19:30."),
            choices=lambda turn: [Choice(hhmm, f"{hhmm[:2]}:{hhmm[2:]}") for hhmm in TIMES],
            per_row=3, text=read_time, check=time_problem)

PLAN = Flow(
    name="event", prefix=P, action=Action.EVENTS, cancelled=N_("Cancelled. Nothing was made."),
    entries=[Entry(command="event")],
    steps=[
        Step("kind", question=N_("What kind of meeting?"), auto=True, choices=lambda turn: [
            Choice(k, notices.kind_label(turn.t, k)) for k in events.kinds_for(turn.req.role)]),
        Step("title", question=lambda turn: turn.t.gettext(
            "Type a short title, or use \"{kind}\".").format(kind=_kind_label(turn)),
             text=read_title, store=store_title, actions={"title": same_title},
             extra=lambda turn: [[turn.button(_kind_label(turn), "title", "same")]]),
        DATE, TIME,
        Step("minutes", key="dur", question=N_("How long does it take?"), per_row=4,
             choices=lambda turn: [Choice(m, turn.t.ngettext("{n} hour", "{n} hours", m // 60)
                                          .format(n=m // 60)) for m in MINUTES]),
        Step("place", question=N_("Where? Type the place, or tap \"No place yet\"."),
             text=read_place,
             skip=N_("No place yet"), skip_key="place"),
        *AUDIENCE_STEPS,
        Step("weekly", key="rep", question=N_("Once, or every week?"), per_row=2,
             choices=lambda turn: [Choice(0, turn.t.gettext("Once")),
                                   Choice(1, turn.t.gettext("Every week"))]),
        screen("confirm", ask_confirm, rem=reminder_toggled, save=save),
    ],
)


# moving a planned meeting --------------------------------------------------------------------
async def begin_move(turn: Turn, args: list[str]) -> bool:
    managed = {str(e.id): e.id for e in await events.managed(turn.req)}
    if not args or args[0] not in managed:
        await refuse_in_flow(turn)
        return False
    turn.draft["move"] = managed[args[0]]
    return True


async def save_move(turn: Turn) -> Outcome:
    moved = await events.move(turn.req, turn.draft["move"], _start(turn))
    t = turn.t
    await turn.say(t.gettext("Moved. Everyone who was reminded hears of it.") + "\n\n"
                   + notices.describe(t, moved, moved.starts_at, moved.ends_at))
    return END


MOVE = Flow(name="event_move", prefix=P, action=Action.EVENTS, finish=save_move,
            cancelled=N_("Cancelled. Nothing was made."),
            entries=[Entry(button="mv", begin=begin_move)], steps=[DATE, TIME])


# /events -------------------------------------------------------------------------------------
@requires(Action.EVENTS_LIST)
async def list_managed(update: Update, context: BotContext) -> None:
    t = context.t
    found = await events.managed(context.req)
    if not found:
        await say(update, context, t.gettext("No meetings planned. /event plans one."))
        return
    lines, rows = [t.gettext("Planned meetings:")], []
    for number, event in enumerate(found[:10], start=1):
        lines.append(f"\n{number}. " + notices.describe_series(t, event, event.starts_at,
                                                              event.ends_at))
        told = await events.answers(context.req, event)
        lines.append("🙋 " + t.gettext("Answers for {date}:").format(
            date=t.format_date(told.start.astimezone(t.tz), "d MMMM"))
            + f" ✅ {told.yes} · ❌ {told.no} · 👥 {told.invited}")
        rows.append([ui.button(P, t.gettext("Move {number}").format(number=number), "mv",
                               event.id),
                     ui.button(P, "🗑 " + t.gettext("Call off {number}").format(number=number),
                               "cx", event.id)])
        if event.weekly:
            rows.append([ui.button(P, t.gettext("Skip a date of {number}").format(number=number),
                                   "sk", event.id)])
    await say(update, context, "\n".join(lines), reply_markup=InlineKeyboardMarkup(rows))


@requires(Action.EVENTS)
async def cancel_event(update: Update, context: BotContext) -> None:
    """Calling a meeting off tells everyone: first a question, with a way back."""
    query, t = update.callback_query, context.t
    found = {e.id: e for e in await events.managed(context.req)}
    event = found.get(ui.int_arg(query.data, f"{P}:cx") or 0)
    if event is None:
        await refuse(update, context)
        return
    await query.answer()
    await say(update, context, t.gettext(
        "Call off \"{title}\" for everyone? Everyone who heard of it gets a message.").format(
        title=notices.heading(t, event.title, event.kind)), reply_markup=InlineKeyboardMarkup([
            [ui.button(P, "🗑 " + t.gettext("Yes, call it off"), "cxy", event.id)],
            [ui.button(P, "↩️ " + t.gettext("No, keep it"), "cxn")]]))


@requires(Action.EVENTS)
async def cancel_confirmed(update: Update, context: BotContext) -> None:
    t = context.t
    await act(update, context, events.cancel(context.req, ui.int_arg(
        update.callback_query.data, f"{P}:cxy")), lambda done: t.gettext(
        "Called off. Everyone who heard of it gets a message.") if done
        else t.gettext("This meeting was cancelled."))


@requires(Action.EVENTS)
async def cancel_kept(update: Update, context: BotContext) -> None:
    await update.callback_query.answer(context.t.gettext("Nothing changed."))
    await remove_keyboard(update)


@requires(Action.EVENTS)
async def skip_pick(update: Update, context: BotContext) -> None:
    query = update.callback_query
    event_id = ui.int_arg(query.data, f"{P}:sk")
    found = {e.id: e for e in await events.managed(context.req)}
    if event_id not in found:
        await refuse(update, context)
        return
    await query.answer()
    t = context.t
    rows = [[ui.button(P, t.format_datetime(d), "skd", event_id, notices.stamp(d))]
            for d in await events.next_dates(context.req, found[event_id])]
    await say(update, context, t.gettext("Which date does not take place?"),
              reply_markup=InlineKeyboardMarkup(rows))


@requires(Action.EVENTS)
async def skip_date(update: Update, context: BotContext) -> None:
    args = cb.int_args(update.callback_query.data, f"{P}:skd", 2) or [0, 0]
    t = context.t
    await act(update, context, events.skip(
        context.req, args[0], datetime.fromtimestamp(args[1], tz=context.req.now.tzinfo)),
        lambda done: t.gettext("Done: that date is left out. Everyone who heard of the "
                               "meeting gets a message.") if done
        else t.gettext("That date was already left out."))


def handlers() -> list:
    return [CommandHandler("events", list_managed), ui.tap(P, "cxy", cancel_confirmed),
            ui.tap(P, "cxn", cancel_kept), ui.tap(P, "cx", cancel_event),
            ui.tap(P, "skd", skip_date), ui.tap(P, "sk", skip_pick)]
