"""/log records a table session right after it happened (on a bus: buttons first, typing
optional; a half-finished log waits as a draft); /correct reopens a log of the last 7 days."""

from __future__ import annotations

from datetime import date, timedelta

from telegram import InlineKeyboardMarkup, Message, Update
from telegram.ext import CommandHandler

from bot import access
from bot.access import Action
from bot.context import BotContext
from bot.flows import ui
from bot.flows.common import requires, say
from bot.flows.steps import END, NEXT, STAY, Choice, Entry, Flow, Problem, Step, Turn, screen
from bot.i18n import N_, Translator
from bot.services import sessions
from bot.services.calendar import parse_past_date

P = "ls"
NOTE_MAX = 1000
ATTENDANCE_BUTTONS = (2, 3, 4, 5, 6, 7, 8, 10, 12, 15)
REPORT_FIELDS = ("report_text", "report_voice_id", "report_voice_seconds", "report_photo_id")


def _today(turn: Turn) -> date:
    return turn.req.now.astimezone(turn.req.tz).date()


# which series, which day ---------------------------------------------------------------------
async def series_choices(turn: Turn) -> list[Choice]:
    return [Choice(s.id, s.title) for s in await sessions.loggable_series(turn.req)]


async def day_choices(turn: Turn) -> list[Choice]:
    t, today = turn.t, _today(turn)
    labels = [t.gettext("Today"), t.gettext("Yesterday")]
    labels += [t.format_date(today - timedelta(days=n), "EEE d MMM") for n in range(2, 6)]
    return [Choice((today - timedelta(days=n)).isoformat(), label)
            for n, label in enumerate(labels)]


def read_day(turn: Turn, text: str) -> str:
    day = parse_past_date(text, _today(turn))
    if day is None:
        raise Problem(turn.t.gettext("I could not read that date."))
    return day.isoformat()


def day_problem(turn: Turn, value: str) -> str | None:
    t = turn.t
    return {
        "future": t.gettext("That day is still to come. A session is logged after it took "
                            "place."),
        "too_old": t.gettext("That is more than a year ago."),
        None: None,
    }[sessions.date_problem(date.fromisoformat(value), _today(turn))]


async def store_day(turn: Turn, value: str) -> None:
    d = turn.draft
    d["held_on"] = value
    if d.get("session") is None:
        existing = await sessions.same_day(turn.req, d["series"], date.fromisoformat(value))
        if existing is not None:
            d["existing"] = existing.id


async def correct_that_one(turn: Turn, _args: list[str]) -> None:
    _series, session = await sessions.session_for_correction(turn.req, turn.draft.pop("existing"))
    fill_from(turn.draft, session)


async def add_another(turn: Turn, _args: list[str]) -> None:
    turn.draft.pop("existing", None)


async def ask_same_day(turn: Turn) -> None:
    t = turn.t
    await turn.say(t.gettext("A session on that day is already logged for this series."), [
        [turn.button("✏️ " + t.gettext("Correct that one"), "fix")],
        [turn.button("➕ " + t.gettext("Add another session"), "add")], turn.cancel_row()])


# how many came, what came up -----------------------------------------------------------------
def read_count(turn: Turn, text: str) -> int:
    count = ui.number(text)
    if count is None or sessions.attendance_problem(count) == "negative":
        raise Problem(turn.t.gettext("Please give the number of people, like 7."))
    return count


def store_attendance(turn: Turn, count: int) -> None:
    key = "pending_attendance" if sessions.attendance_problem(count) == "large" else "attendance"
    turn.draft[key] = count


def confirm_large(turn: Turn, value: int) -> None:
    pending = turn.draft.pop("pending_attendance")
    if value == 1:
        turn.draft["attendance"] = pending


def count_step(name: str, question: str) -> Step:
    """A grid of themes where each tap counts one person; Clear starts over; Next goes on.
    A button carries the count it makes (``k:code:3``), so a tap that arrives twice counts
    once."""

    async def markup(turn: Turn) -> list[list]:
        counts = turn.draft.get("tally", {}).get(name, {})
        buttons = [turn.button(label + (f" ×{counts[c]}" if counts.get(c) else ""), "k", c,
                               counts.get(c, 0) + 1)
                   for c, label in (await ui.category_labels(turn.context)).items()]
        t = turn.t
        return [*ui.rows(buttons), [turn.button("↺ " + t.gettext("Clear"), "clr"),
                                    turn.button("➡️ " + t.gettext("Next"), "next")],
                turn.cancel_row()]

    async def ask_counts(turn: Turn) -> None:
        await turn.say(turn.t.gettext(question), await markup(turn))

    async def counted(turn: Turn, args: list[str]):
        if args and args[0] in await ui.category_labels(turn.context):
            counts = turn.draft.setdefault("tally", {}).setdefault(name, {})
            target = ui.arg_id(args, 1) or counts.get(args[0], 0) + 1
            if counts.get(args[0], 0) != target:
                counts[args[0]] = min(target, 999)
                await turn.edit_buttons(await markup(turn))
        return STAY

    async def cleared(turn: Turn, _args: list[str]):
        if turn.draft.get("tally", {}).pop(name, None):
            await turn.answer()
            await turn.edit_buttons(await markup(turn))
        return STAY

    async def done(turn: Turn, _args: list[str]):
        turn.draft[name] = turn.draft.get("tally", {}).pop(name, {})
        return NEXT

    return Step(name, ask=ask_counts, actions={"k": counted, "clr": cleared, "next": done})


# the report ----------------------------------------------------------------------------------
def report_words(turn: Turn, text: str) -> dict:
    return {"report_text": ui.words(NOTE_MAX)(turn, text)}


def report_voice(turn: Turn, message: Message) -> dict:
    return {"report_voice_id": message.voice.file_id,
            "report_voice_seconds": ui.voice_seconds(message)}


def report_photo(turn: Turn, message: Message) -> dict:
    return {"report_photo_id": message.photo[-1].file_id,
            "report_text": (message.caption or "")[:NOTE_MAX]}


# the summary ---------------------------------------------------------------------------------
def fill_from(d: dict, session) -> None:
    d.update({"session": session.id, "held_on": session.held_on.isoformat(),
              "attendance": session.attendance, "needs": dict(session.needs),
              "offers": dict(session.offers), "matches": session.matches_in_room,
              "remaining": session.remaining,
              "report": {k: getattr(session, k) for k in REPORT_FIELDS if getattr(session, k)}})


def _counts_line(labels: dict[str, str], counts: dict[str, int]) -> str:
    return ", ".join(f"{labels.get(c, c)} ×{n}" for c, n in counts.items()) or "–"


def _report_line(t: Translator, report: dict) -> str:
    parts = []
    if report.get("report_text"):
        parts.append(f"“{report['report_text'][:200]}”")
    if report.get("report_voice_id"):
        parts.append("🎤 " + t.gettext("voice message, {seconds} s").format(
            seconds=report.get("report_voice_seconds") or 0))
    if report.get("report_photo_id"):
        parts.append("📷")
    return " ".join(parts) or t.gettext("no report yet")


async def ask_summary(turn: Turn) -> None:
    t, d = turn.t, turn.draft
    labels = await ui.category_labels(turn.context)
    lines = [t.gettext("Is this right?"), "",
             "📅 " + t.format_date(date.fromisoformat(d["held_on"]), "full"),
             "👥 " + t.gettext("{count} present").format(count=d["attendance"]),
             "🤲 " + _counts_line(labels, d["needs"]), "🎁 " + _counts_line(labels, d["offers"]),
             "🤝 " + str(d.get("matches", 0)), "📌 " + (d.get("remaining") or "–"),
             "📝 " + _report_line(t, d.get("report") or {})]
    await turn.say("\n".join(lines), [
        [turn.button("💾 " + t.gettext("Save"), "save")],
        [turn.button("👥 " + t.gettext("Change the number"), "reatt"),
         turn.button("📝 " + t.gettext("Change the report"), "rerep")], turn.cancel_row()])


def redo(name: str):
    async def action(turn: Turn, _args: list[str]):
        turn.draft.pop(name, None)
        return NEXT
    return action


async def save(turn: Turn, _args: list[str]):
    d, t = turn.draft, turn.t
    if d["attendance"] == 0 and d["needs"]:
        await turn.answer()
        await turn.say(t.gettext("Nobody was there, but needs were noted. How many people were "
                                 "there?"))
        d.pop("attendance")
        return NEXT
    report = d.get("report") or {}
    fields = {"held_on": date.fromisoformat(d["held_on"]), "attendance": d["attendance"],
              "needs": d["needs"], "offers": d["offers"], "matches_in_room": d.get("matches", 0),
              "remaining": d.get("remaining") or "", **{k: report.get(k) for k in REPORT_FIELDS}}
    fields["report_text"] = fields["report_text"] or ""
    try:
        await sessions.save_log(turn.req, series_id=d["series"], fields=fields,
                                session_id=d.get("session"))
    except sessions.TooLate:
        await turn.say(t.gettext("A log can be corrected for 7 days; this one is older."))
        return END
    await turn.answer()
    await turn.remove_buttons()
    await turn.say(t.gettext("Saved. Thank you for logging!") + " " + (
        t.gettext("/payments shows what it earns.") if report
        else t.gettext("Without a report it earns nothing yet: /correct adds one.")))
    return END


def read_matches(turn: Turn, text: str) -> int:
    count = ui.number(text)
    if count is None or not 0 <= count <= 200:
        raise Problem(turn.t.gettext("Please tap a number, or type one, like 2."))
    return count


# entries -------------------------------------------------------------------------------------
async def begin(turn: Turn, _args: list[str]) -> bool:
    if not await sessions.loggable_series(turn.req):
        await turn.say(turn.t.gettext("You have no series yet. /series sets one up.")
                       if access.is_organiser(turn.req.role) else turn.t.gettext(
                           "No kwartiermaker has asked you to help write their logs yet."))
        return False
    return True


async def begin_correction(turn: Turn, args: list[str]) -> bool:
    try:
        series, session = await sessions.session_for_correction(
            turn.req, ui.arg_id(args))
    except access.AccessDenied:
        await turn.answer(turn.t.gettext("A log can be corrected for 7 days; this one is older."),
                          alert=True)
        return False
    turn.draft["series"] = series.id
    fill_from(turn.draft, session)
    return True


LOG = Flow(
    name="log", prefix=P, action=Action.SESSIONS,
    entries=[Entry(command="log", begin=begin), Entry(button="cor", begin=begin_correction)],
    resume=N_("You have a log that is not finished yet."),
    steps=[
        Step("series", key="ser", question=N_("Which series?"),
             choices=series_choices, auto=True),
        Step("held_on", key="day", question=N_(
            "When was the session? Tap, or type a date like 12-3 or \"friday\"."),
             choices=day_choices, per_row=2, text=read_day, check=day_problem, store=store_day),
        Step("existing", ask=ask_same_day, pending=lambda d: "existing" in d,
             actions={"fix": correct_that_one, "add": add_another}),
        Step("attendance", key="att",
             question=N_("How many people were there? Tap or type."),
             choices=lambda turn: [Choice(n, str(n)) for n in ATTENDANCE_BUTTONS], per_row=5,
             text=read_count, store=store_attendance,
             pending=lambda d: "attendance" not in d and "pending_attendance" not in d),
        Step("pending_attendance", key="big",
             question=lambda turn: turn.t.gettext("{count} people: is that right?").format(
                 count=turn.draft["pending_attendance"]),
             choices=lambda turn: [Choice(1, turn.t.gettext("Yes, that is right")),
                                   Choice(0, turn.t.gettext("No"))], per_row=2,
             store=confirm_large, pending=lambda d: "pending_attendance" in d),
        count_step("needs", N_(
            "🤲 Which needs came up? Tap a theme once for every person who needed it.")),
        count_step("offers", N_(
            "🎁 Which offers came up? Tap a theme once for every person who offered it.")),
        Step("matches", key="m", question=N_(
            "🤝 How many times did someone agree to help someone else, there at the table?"),
             choices=lambda turn: [Choice(n, str(n)) for n in range(6)], per_row=6,
             text=read_matches),
        Step("remaining", question=N_(
            "Needs that remain, for a provider later? A few words, or skip."),
             text=lambda turn, text: ui.collapse(text, NOTE_MAX), skip=N_("Skip"),
             skip_key="rskip"),
        Step("report", question=N_(
            "📝 The report: a few sentences, a voice message, or a photo of the flip-chart. "
            "The programme pays for sessions with a report."),
             text=report_words, voice=report_voice, photo=report_photo,
             skip=N_("Report later"), skip_key="later"),
        screen("summary", ask_summary, save=save, reatt=redo("attendance"),
               rerep=redo("report")),
    ],
)


# /correct ------------------------------------------------------------------------------------
@requires(Action.CORRECT)
async def correct_list(update: Update, context: BotContext) -> None:
    t = context.t
    found = await sessions.correctable(context.req)
    if not found:
        await say(update, context, t.gettext("No logs of the last 7 days to correct."))
        return
    buttons = [[ui.button(P, f"{series.title} · {t.format_date(s.held_on, 'd MMM')}", "cor",
                          s.id)] for series, s in found[-10:]]
    await say(update, context, t.gettext("Which log?"), reply_markup=InlineKeyboardMarkup(buttons))


def handlers() -> list:
    return [CommandHandler("correct", correct_list)]
