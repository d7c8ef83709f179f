"""Asking for an individual talk ("what am I running into?"): /talk (or the button under
/help) for residents and kwartiermakers, /talks and "Propose a time" for trainers, and the
buttons under a proposal: that suits me, another time, I no longer need the talk.

The command is /talk: a plain word, like /share and /find, for "I would like a talk"; the
trainers' list is /talks, as /voucher and /vouchers.
"""

from __future__ import annotations

from collections.abc import Awaitable
from datetime import UTC, date, datetime, time, timedelta
from typing import TypeVar

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.ext import CommandHandler

from bot import access
from bot import callbacks as cb
from bot.access import Action
from bot.context import BotContext
from bot.flows import ui
from bot.flows.common import remove_keyboard, requires, say
from bot.flows.steps import END, NEXT, Choice, Entry, Flow, Outcome, Problem, Step, Turn
from bot.i18n import N_, Translator
from bot.keyboards import role_label
from bot.services import consultations
from bot.services.calendar import parse_date, parse_time
from bot.services.consultations import AlreadyAsked, Talk, TalkGone

P = cb.TALK
T = TypeVar("T")
TIMES = ("1000", "1100", "1300", "1400", "1500", "1600")
LISTED = 10  # requests shown in /talks (the oldest first: they have waited longest)


def _wake(context: BotContext) -> None:
    if context.services.delivery is not None:
        context.services.delivery.wake.set()


def gone_text(t: Translator, reason: str) -> str:
    return {
        "withdrawn": t.gettext("This request for a talk was withdrawn."),
        "agreed": t.gettext("A time for this talk was already agreed."),
        "passed": t.gettext("That time has already passed. Tap 🔁 for another time."),
        "not_planned": t.gettext("That consultation hour is no longer planned. Pick another "
                                 "time."),
    }.get(reason, t.gettext("That button is no longer active, or it was already used."))


def help_button(context: BotContext) -> InlineKeyboardMarkup | None:
    """The button under /help for those who may ask for a talk."""
    if not context.may(Action.TALK):
        return None
    return InlineKeyboardMarkup([[ui.button(P, "💬 " + context.t.gettext("Ask for a talk"),
                                            "ask")]])


# the requester -------------------------------------------------------------------------------
def status(t: Translator, talk: Talk) -> tuple[str, list[list[InlineKeyboardButton]]]:
    """Where the person's request stands, with the buttons that fit."""
    request = talk.request
    rows = []
    if request.status == "open":
        lines = ["💬 " + t.gettext("You asked for a talk. A trainer proposes a time, and you "
                                   "hear it here.")]
    else:
        trainer = talk.trainer.display_name if talk.trainer else "–"
        head = (t.gettext("{name} proposes a time for your talk:") if request.status ==
                "proposed" else t.gettext("Your talk with {name} is agreed:"))
        lines = ["💬 " + head.format(name=trainer),
                 *consultations.where(talk.start, talk.end, talk.place, t)]
        if request.status == "proposed":
            lines += ["", t.gettext("Does that suit you?")]
            rows = [[InlineKeyboardButton(label, callback_data=data) for label, data in row]
                    for row in consultations.answer_buttons(t, request)]
    rows.append([ui.button(P, "✖️ " + t.gettext("I no longer need the talk"), "wd",
                           request.id)])
    return "\n".join(lines), rows


async def show_status(update: Update, context: BotContext, talk: Talk) -> None:
    text, rows = status(context.t, talk)
    await say(update, context, text, reply_markup=InlineKeyboardMarkup(rows))


async def begin_talk(turn: Turn, _args: list[str]) -> bool:
    """One request at a time: someone who has one going sees where it stands."""
    talk = await consultations.mine(turn.req)
    if talk is not None:
        await show_status(turn.update, turn.context, talk)
        return False
    return True


def read_voice(_turn: Turn, message: Message) -> dict:
    return {"voice_id": message.voice.file_id, "voice_seconds": ui.voice_seconds(message)}


async def send_request(turn: Turn) -> Outcome:
    about = turn.draft.get("about")
    words = about if isinstance(about, dict) else {"text": about or ""}
    try:
        await consultations.ask(turn.req, **words)
    except AlreadyAsked:  # asked meanwhile (another chat, a double tap)
        talk = await consultations.mine(turn.req)
        if talk is not None:
            await show_status(turn.update, turn.context, talk)
        return END
    _wake(turn.context)
    await turn.say(turn.t.gettext(
        "Sent to the trainers. One of them proposes a time, and you hear it here."))
    return END


TALK = Flow(
    name="talk", prefix=P, action=Action.TALK, finish=send_request,
    entries=[Entry(command="talk", begin=begin_talk), Entry(button="ask", begin=begin_talk)],
    steps=[Step("about", question=N_(
        "💬 A trainer can talk with you, just the two of you.\n\nWhat is it about? Write a few "
        "words or send a voice message. Only trainers see your name and what you send. You "
        "can also skip this."),
        text=ui.words(consultations.TEXT_MAX), voice=read_voice, skip=N_("Skip"))],
)


async def _answer(update: Update, context: BotContext, work: Awaitable[T]) -> T | None:
    """A button under a proposal or a request: refusals are said on the button (whose request
    it is, and whether it is still the one waiting, is checked by the service)."""
    query, t = update.callback_query, context.t
    try:
        result = await work
    except access.AccessDenied:
        await query.answer(t.gettext("This button is not for you."), show_alert=True)
        return None
    except TalkGone as gone:
        await query.answer(gone_text(t, gone.reason), show_alert=True)
        if gone.reason != "passed":  # a passed time can still be answered "another time"
            await remove_keyboard(update)
        return None
    await query.answer()
    await remove_keyboard(update)
    return result


def _ids(update: Update, key: str, count: int) -> list[int]:
    return cb.int_args(update.callback_query.data, f"{P}:{key}", count) or [0] * count


@requires(Action.TALK)
async def accept(update: Update, context: BotContext) -> None:
    talk = await _answer(update, context, consultations.accept(context.req,
                                                               *_ids(update, "ok", 2)))
    if talk is None:
        return
    _wake(context)
    t = context.t
    await say(update, context, "\n".join([
        "✅ " + t.gettext("Agreed. Your talk:"),
        *consultations.where(talk.start, talk.end, talk.place, t),
        t.gettext("You both get a reminder. /agenda shows it.")]))


@requires(Action.TALK)
async def another_time(update: Update, context: BotContext) -> None:
    if await _answer(update, context, consultations.decline(
            context.req, *_ids(update, "no", 2))) is None:
        return
    _wake(context)
    await say(update, context, context.t.gettext(
        "All right. The trainer proposes another time, and you hear it here."))


@requires(Action.TALK)
async def withdraw(update: Update, context: BotContext) -> None:
    done = await _answer(update, context, consultations.withdraw(
        context.req, ui.int_arg(update.callback_query.data, f"{P}:wd")))
    if done is None:
        return
    _wake(context)
    await say(update, context, context.t.gettext(
        "Withdrawn. You can ask again any time with /talk.") if done
        else context.t.gettext("That was already done."))


# trainers --------------------------------------------------------------------------------------
def _line(t: Translator, number: int, talk: Talk) -> str:
    request = talk.request
    asked = t.format_date(datetime.fromisoformat(request.created_at).astimezone(t.tz), "d MMM")
    about = f" “{ui.collapse(request.text, 80)}”" if request.text else ""
    lines = [f"{number}. {talk.requester.display_name} ({role_label(t, talk.requester.role)})"
             f", {asked}:{about}{' 🎤' if request.voice_file_id else ''}"]
    if request.status == "open":
        lines.append("   ⏳ " + t.gettext("Waiting for a time."))
    else:
        label = (t.gettext("Proposed by {name}: {when}") if request.status == "proposed"
                 else t.gettext("Agreed with {name}: {when}"))
        lines.append(("   🕒 " if request.status == "proposed" else "   ✅ ") + label.format(
            name=talk.trainer.display_name if talk.trainer else "–",
            when=consultations.when(t, talk.start, talk.end)))
    return "\n".join(lines)


@requires(Action.TALKS)
async def talks(update: Update, context: BotContext) -> None:
    """/talks: who asked for a talk, what about, and where it stands; buttons to propose a
    time and to hear a voice note again."""
    t = context.t
    found = await consultations.requests(context.req)
    if not found:
        await say(update, context, t.gettext("No requests for a talk right now."))
        return
    lines, rows = ["💬 " + t.gettext("Requests for a talk (only trainers see them):")], []
    for number, talk in enumerate(found[:LISTED], start=1):
        lines.append(_line(t, number, talk))
        row = []
        if talk.request.status != "agreed":
            row.append(ui.button(P, f"🗓 {number}", "pr", talk.request.id))
        if talk.request.voice_file_id:
            row.append(ui.button(P, f"🎧 {number}", "v", talk.request.id))
        if row:
            rows.append(row)
    if len(found) > LISTED:
        lines.append("…")
    if rows:
        lines += ["", t.gettext("🗓 propose a time · 🎧 listen")]
    await say(update, context, "\n".join(lines),
              reply_markup=InlineKeyboardMarkup(rows) if rows else None)


@requires(Action.TALKS)
async def listen(update: Update, context: BotContext) -> None:
    voice = await consultations.voice(context.req,
                                      ui.int_arg(update.callback_query.data, f"{P}:v"))
    await update.callback_query.answer()
    if voice:
        await context.bot.send_voice(update.effective_chat.id, voice)


async def begin_propose(turn: Turn, args: list[str]) -> bool:
    try:
        await consultations.to_propose(turn.req, ui.arg_id(args))
    except TalkGone as gone:
        await turn.answer(gone_text(turn.t, gone.reason), alert=True)
        return False
    turn.draft["request"] = ui.arg_id(args)
    return True


def _stamp(start: datetime) -> int:
    return int(start.timestamp())


async def slot_choices(turn: Turn) -> list[Choice]:
    t = turn.t
    found = [Choice(_stamp(s.start), "🕒 " + t.format_datetime(s.start, "EEE d MMM"))
             for s in await consultations.slots(turn.req)]
    return [*found, Choice(0, "📅 " + t.gettext("Another day and time"))]


async def ask_slot(turn: Turn) -> None:
    """Who asked, and the coming dates of the consultation hour (the name is looked up each
    time, never kept in the trainer's draft)."""
    t = turn.t
    talk = await consultations.to_propose(turn.req, turn.draft["request"])
    choices = await slot_choices(turn)
    lines = ["💬 " + t.gettext("A talk with {name}.").format(name=talk.requester.display_name)]
    lines.append(t.gettext("When? Tap a time of the consultation hour, or type another day.")
                 if len(choices) > 1 else t.gettext(
                     "No consultation hour is planned in the coming weeks. Type a day, or tap the "
                     "button."))
    rows = [[turn.button(c.label, "sl", c.value)] for c in choices]
    await turn.say("\n".join(lines), [*rows, turn.cancel_row()])


def _today(turn: Turn) -> date:
    return turn.req.now.astimezone(turn.req.tz).date()


def read_date(turn: Turn, text: str) -> str:
    day = parse_date(text, _today(turn))
    if day is None:
        raise Problem(turn.t.gettext("I could not read that date."))
    if not _today(turn) <= day <= _today(turn) + timedelta(days=366):
        raise Problem(turn.t.gettext("Pick a day from today up to a year ahead."))
    return day.isoformat()


def store_slot(turn: Turn, value: int | str) -> None:
    """A tapped date of the consultation hour (its start), 0 for "another day", or a day
    typed at once (then only the time is asked)."""
    if isinstance(value, str):
        turn.draft.update(slot=0, date=value)
    else:
        turn.draft["slot"] = value


def dates(turn: Turn) -> list[Choice]:
    today = _today(turn)
    return [Choice((today + timedelta(days=n)).isoformat(),
                   turn.t.format_date(today + timedelta(days=n), "EEE d MMM")) for n in range(8)]


def _start(draft: dict, turn: Turn) -> datetime:
    at = time(int(draft["time"][:2]), int(draft["time"][2:]))
    return datetime.combine(date.fromisoformat(draft["date"]), at,
                            tzinfo=turn.req.tz).astimezone(UTC)


def read_time(turn: Turn, text: str) -> str:
    at = parse_time(text)
    if at is None:
        raise Problem(turn.t.gettext("I could not read that time."))
    return f"{at.hour:02d}{at.minute:02d}"


def time_problem(turn: Turn, hhmm: str) -> Problem | None:
    if _start({**turn.draft, "time": hhmm}, turn) <= turn.req.now:
        return Problem(turn.t.gettext("That moment has already passed."), redo="date")
    return None


def _typed(name: str):
    return lambda d: d.get("slot") == 0 and name not in d


async def send_proposal(turn: Turn) -> Outcome:
    d, t = turn.draft, turn.t
    at_slot = bool(d["slot"])
    start = datetime.fromtimestamp(d["slot"], UTC) if at_slot else _start(d, turn)
    try:
        talk = await consultations.propose(turn.req, d["request"], start, at_slot=at_slot)
    except TalkGone as gone:
        if gone.reason not in ("passed", "not_planned"):
            await turn.say(gone_text(t, gone.reason))
            return END
        await turn.say(t.gettext("That moment has already passed.") if gone.reason == "passed"
                       else gone_text(t, gone.reason))
        for key in ("slot", "date", "time"):  # the time went stale meanwhile: ask it again
            d.pop(key, None)
        return NEXT
    _wake(turn.context)
    await turn.say("\n".join([
        "📨 " + t.gettext("Sent to {name}. You hear the answer here.").format(
            name=talk.requester.display_name),
        *consultations.where(talk.start, talk.end, talk.place, t)]))
    return END


PROPOSE = Flow(
    name="talk_propose", prefix=P, action=Action.TALKS, finish=send_proposal,
    about_others=True, entries=[Entry(button="pr", begin=begin_propose)],
    steps=[
        Step("slot", key="sl", ask=ask_slot, choices=slot_choices, text=read_date,
             store=store_slot),
        Step("date", pending=_typed("date"), question=N_(
            "Which day? Tap one, or type a date like 12-3 or \"friday\"."),
             choices=dates, per_row=2, text=read_date),
        Step("time", pending=_typed("time"), question=N_(
            "What time does it start? Tap one, or type it, like 19:30."),
             choices=lambda turn: [Choice(hhmm, f"{hhmm[:2]}:{hhmm[2:]}") for hhmm in TIMES],
             per_row=3, text=read_time, check=time_problem),
    ],
)


def handlers() -> list:
    return [CommandHandler("talks", talks), ui.tap(P, "ok", accept),
            ui.tap(P, "no", another_time), ui.tap(P, "wd", withdraw), ui.tap(P, "v", listen)]
