"""Table sessions: /series sets up a series, /log records a session right after it happened
(on a bus: buttons first, typing optional, a half-finished log waits as a draft), /correct
reopens a log of the last 7 days, /payments shows the money (trainers: mark it paid)."""

from __future__ import annotations

import re
from datetime import date, timedelta
from decimal import Decimal

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
    end_conversations,
    refuse,
    remove_keyboard,
    reprompt,
    requires,
    say,
    typed,
)
from bot.i18n import Translator
from bot.services import sessions, sharing
from bot.services.calendar import parse_date

P, S = "ls", "sr"
(RESUME, SERIES, DAY, SAME_DAY, ATTENDANCE, LARGE, NEEDS, OFFERS, MATCHES, REMAINING, REPORT,
 SUMMARY) = range(12)
S_TITLE, S_THEMES, S_PLACE, S_PLANNED, S_COHOST = range(20, 25)
NOTE_MAX = 1000
ATTENDANCE_BUTTONS = (2, 3, 4, 5, 6, 7, 8, 10, 12, 15)


def _b(label: str, *parts: str | int):
    return keyboards.button(P, label, *parts)


def _d(context: BotContext) -> dict:
    return context.user_data.setdefault("log", {})


def _today(context: BotContext) -> date:
    return context.now().astimezone(context.services.settings.tz).date()




def money(t: Translator, cents: int) -> str:
    return t.format_money(Decimal(cents) / 100)


async def _labels(context: BotContext) -> dict[str, str]:
    return await sharing.labels(context.req, context.t)


# /series -------------------------------------------------------------------------------------
def _sd(context: BotContext) -> dict:
    return context.user_data.setdefault("series", {})


@requires(Action.SESSIONS)
async def series_start(update: Update, context: BotContext) -> int:
    end_conversations(context, update.effective_user.id, keep="series")
    context.user_data["series"] = {"themes": []}
    await say(update, context, context.t.gettext("A new series of table sessions. Its title?"),
              reply_markup=InlineKeyboardMarkup([keyboards.cancel_row(context.t, S)]))
    return S_TITLE


async def ask_series_title(update: Update, context: BotContext) -> None:
    await say(update, context, context.t.gettext("A new series of table sessions. Its title?"),
              reply_markup=InlineKeyboardMarkup([keyboards.cancel_row(context.t, S)]))


async def _themes_markup(context: BotContext) -> InlineKeyboardMarkup:
    t, picked = context.t, set(_sd(context)["themes"])
    buttons = [keyboards.button(S, ("✅ " if c in picked else "") + label, "th", c)
               for c, label in (await _labels(context)).items()]
    rows = [buttons[i:i + 2] for i in range(0, len(buttons), 2)]
    return InlineKeyboardMarkup([*rows, [keyboards.button(S, "➡️ " + t.gettext("Next"), "next")],
                                 keyboards.cancel_row(t, S)])


async def ask_themes(update: Update, context: BotContext) -> None:
    await say(update, context, context.t.gettext("Its themes? Tap one or more."),
              reply_markup=await _themes_markup(context))


@requires(Action.SESSIONS)
async def series_title(update: Update, context: BotContext) -> int:
    title = typed(update, sessions.TITLE_MAX)
    if not sharing.has_words(title):
        await ask_series_title(update, context)
        return S_TITLE
    _sd(context)["title"] = title
    await ask_themes(update, context)
    return S_THEMES


@requires(Action.SESSIONS)
async def series_theme(update: Update, context: BotContext) -> int:
    query = update.callback_query
    await query.answer()
    code = cb.arg(query.data, f"{S}:th")
    themes = _sd(context)["themes"]
    if code in await _labels(context):
        themes.remove(code) if code in themes else themes.append(code)
        await query.edit_message_reply_markup(await _themes_markup(context))
    return S_THEMES


async def ask_series_place(update: Update, context: BotContext) -> None:
    t = context.t
    await say(update, context, t.gettext("Where? Type the place, or tap \"No place yet\"."),
              reply_markup=InlineKeyboardMarkup(
                  [[keyboards.button(S, t.gettext("No place yet"), "noplace")]]))


@requires(Action.SESSIONS)
async def series_themes_done(update: Update, context: BotContext) -> int:
    await acknowledge(update)
    await ask_series_place(update, context)
    return S_PLACE


async def ask_planned(update: Update, context: BotContext) -> None:
    await say(update, context, context.t.gettext("How many sessions do you plan?"),
              reply_markup=InlineKeyboardMarkup([[keyboards.button(S, str(n), "n", n)
                                                  for n in (4, 5, 6, 8)]]))


@requires(Action.SESSIONS)
async def series_place(update: Update, context: BotContext) -> int:
    if update.callback_query is not None:
        await acknowledge(update)
        _sd(context)["place"] = ""
    else:
        place = typed(update, sessions.TITLE_MAX)
        if not sharing.has_words(place):
            await ask_series_place(update, context)
            return S_PLACE
        _sd(context)["place"] = place
    await ask_planned(update, context)
    return S_PLANNED


async def ask_cohost(update: Update, context: BotContext) -> None:
    t = context.t
    from bot.services import audiences

    others = [p for p in await audiences.organisers(context.req) if p.id != context.person.id]
    rows = [[keyboards.button(S, p.display_name, "co", p.id)] for p in others[:30]]
    rows.append([keyboards.button(S, t.gettext("No co-host"), "co", 0)])
    await say(update, context, t.gettext("Do you host it with another kwartiermaker?"),
              reply_markup=InlineKeyboardMarkup(rows))


@requires(Action.SESSIONS)
async def series_planned(update: Update, context: BotContext) -> int:
    query = update.callback_query
    await query.answer()
    planned = cb.int_arg(query.data, f"{S}:n", (4, 5, 6, 8))
    if planned is None:
        await ask_planned(update, context)
        return S_PLANNED
    await remove_keyboard(update)
    _sd(context)["planned"] = planned
    await ask_cohost(update, context)
    return S_COHOST


@requires(Action.SESSIONS)
async def series_cohost(update: Update, context: BotContext) -> int:
    query = update.callback_query
    await query.answer()
    cohost = cb.int_arg(query.data, f"{S}:co")
    d = _sd(context)
    try:
        await sessions.create_series(context.req, sessions.SeriesDraft(
            title=d["title"], themes=d["themes"], place=d.get("place", ""),
            planned=d["planned"], cohost_id=cohost or None))
    except access.AccessDenied:
        await refuse(update, context)
        await ask_cohost(update, context)
        return S_COHOST
    await remove_keyboard(update)
    context.user_data.pop("series", None)
    await say(update, context, context.t.gettext(
        "Series \"{title}\" is ready. After each session: /log.").format(title=d["title"]))
    return ConversationHandler.END


async def series_stop(update: Update, context: BotContext) -> int:
    await acknowledge(update)
    context.user_data.pop("series", None)
    await say(update, context, context.t.gettext("Cancelled. Nothing was saved."))
    return ConversationHandler.END


def series_handlers() -> list:
    def tap(key: str, callback) -> CallbackQueryHandler:
        return CallbackQueryHandler(callback, pattern=cb.pattern(f"{S}:{key}"))

    text = filters.TEXT & ~filters.COMMAND
    stop = tap("stop", series_stop)
    return [conversation(
        entry_points=[CommandHandler("series", series_start)],
        states={
            S_TITLE: [MessageHandler(text, series_title), stop,
                      *reprompt(S_TITLE, ask_series_title, S)],
            S_THEMES: [tap("th", series_theme), tap("next", series_themes_done), stop,
                       *reprompt(S_THEMES, ask_themes, S)],
            S_PLACE: [MessageHandler(text, series_place), tap("noplace", series_place), stop,
                      *reprompt(S_PLACE, ask_series_place, S)],
            S_PLANNED: [tap("n", series_planned), stop, *reprompt(S_PLANNED, ask_planned, S)],
            S_COHOST: [tap("co", series_cohost), stop, *reprompt(S_COHOST, ask_cohost, S)],
        },
        fallbacks=[],
        name="series",
    )]


# /log ----------------------------------------------------------------------------------------
@requires(Action.SESSIONS)
async def log_start(update: Update, context: BotContext) -> int:
    end_conversations(context, update.effective_user.id, keep="log")
    d = context.user_data.get("log")
    if d and d.get("series"):
        t = context.t
        await say(update, context, t.gettext("You have a log that is not finished yet."),
                  reply_markup=InlineKeyboardMarkup([
                      [_b("▶️ " + t.gettext("Continue it"), "cont")],
                      [_b("🆕 " + t.gettext("Start again"), "new")]]))
        return RESUME
    return await _begin(update, context)


async def _begin(update: Update, context: BotContext, *, session_id: int | None = None) -> int:
    context.user_data["log"] = {"needs": {}, "offers": {}, "session": session_id}
    found = await sessions.my_series(context.req)
    if not found:
        await say(update, context, context.t.gettext("You have no series yet. /series sets "
                                                     "one up."))
        return ConversationHandler.END
    if len(found) == 1:
        _d(context)["series"] = found[0].id
        await ask_day(update, context)
        return DAY
    await ask_series(update, context)
    return SERIES


@requires(Action.SESSIONS)
async def resume(update: Update, context: BotContext) -> int:
    await acknowledge(update)
    if update.callback_query.data == f"{P}:cont":
        return await _continue_at(update, context)
    return await _begin(update, context)


async def _continue_at(update: Update, context: BotContext) -> int:
    """The first question the draft has no answer to yet."""
    d = _d(context)
    for key, state, ask in (("held_on", DAY, ask_day), ("attendance", ATTENDANCE, ask_attendance),
                            ("needs_done", NEEDS, ask_needs), ("offers_done", OFFERS, ask_offers),
                            ("matches", MATCHES, ask_matches),
                            ("remaining_done", REMAINING, ask_remaining),
                            ("report_done", REPORT, ask_report)):
        if key not in d:
            await ask(update, context)
            return state
    await ask_summary(update, context)
    return SUMMARY


async def ask_series(update: Update, context: BotContext) -> None:
    found = await sessions.my_series(context.req)
    rows = [[_b(s.title, "ser", s.id)] for s in found]
    await say(update, context, context.t.gettext("Which series?"),
              reply_markup=InlineKeyboardMarkup([*rows, keyboards.cancel_row(context.t, P)]))


@requires(Action.SESSIONS)
async def series_chosen(update: Update, context: BotContext) -> int:
    query = update.callback_query
    await query.answer()
    series_id = cb.int_arg(query.data, f"{P}:ser")
    if series_id not in {s.id for s in await sessions.my_series(context.req)}:
        await refuse(update, context)
        await ask_series(update, context)
        return SERIES
    await remove_keyboard(update)
    _d(context)["series"] = series_id
    await ask_day(update, context)
    return DAY


async def ask_day(update: Update, context: BotContext) -> None:
    t, today = context.t, _today(context)
    row1 = [_b(t.gettext("Today"), "day", today.isoformat()),
            _b(t.gettext("Yesterday"), "day", (today - timedelta(days=1)).isoformat())]
    earlier = [_b(t.format_date(today - timedelta(days=n), "EEE d MMM"), "day",
                  (today - timedelta(days=n)).isoformat()) for n in range(2, 6)]
    await say(update, context, t.gettext("When was the session? Tap, or type a date like 12-3 "
                                         "or \"friday\"."),
              reply_markup=InlineKeyboardMarkup([row1, earlier[:2], earlier[2:],
                                                 keyboards.cancel_row(t, P)]))


async def _accept_day(update: Update, context: BotContext, day: date | None) -> int:
    t = context.t
    problem = "unreadable" if day is None else sessions.date_problem(day, _today(context))
    if problem:
        await say(update, context, {
            "unreadable": t.gettext("I could not read that date."),
            "future": t.gettext("That day is still to come. A session is logged after it "
                                "took place."),
            "too_old": t.gettext("That is more than a year ago."),
        }[problem])
        await ask_day(update, context)
        return DAY
    d = _d(context)
    d["held_on"] = day.isoformat()
    if d.get("session") is None:
        existing = await sessions.same_day(context.req, d["series"], day)
        if existing is not None:
            d["existing"] = existing.id
            await say(update, context, t.gettext(
                "A session on that day is already logged for this series."),
                reply_markup=InlineKeyboardMarkup([
                    [_b("✏️ " + t.gettext("Correct that one"), "fix")],
                    [_b("➕ " + t.gettext("Add another session"), "add")]]))
            return SAME_DAY
    await ask_attendance(update, context)
    return ATTENDANCE


@requires(Action.SESSIONS)
async def day_tapped(update: Update, context: BotContext) -> int:
    await update.callback_query.answer()
    raw = cb.arg(update.callback_query.data, f"{P}:day")
    try:
        day = date.fromisoformat(raw) if raw else None
    except ValueError:
        day = None
    await remove_keyboard(update)
    return await _accept_day(update, context, day)


@requires(Action.SESSIONS)
async def day_typed(update: Update, context: BotContext) -> int:
    text = (update.message.text or "").strip().lower()
    today = _today(context)
    day = parse_date(text, today)
    # parse_date looks ahead (for planning); a session log looks back: "friday" is the last
    # friday, "12-3" without a year the last 12 March.
    if day is not None and day > today + timedelta(days=1) and not _YEAR.search(text):
        if day - today < timedelta(days=7):
            day -= timedelta(days=7)
        else:
            day = _year_earlier(day)
    return await _accept_day(update, context, day)


_YEAR = re.compile(r"\d{4}|\d{1,2}\s*[-/.]\s*\d{1,2}\s*[-/.]\s*\d{2}")


def _year_earlier(day: date) -> date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


@requires(Action.SESSIONS)
async def same_day_choice(update: Update, context: BotContext) -> int:
    query = update.callback_query
    await query.answer()
    await remove_keyboard(update)
    d = _d(context)
    if query.data == f"{P}:fix":
        _series, session = await sessions.session_for_correction(context.req, d.pop("existing"))
        _fill_from(context, session)
        await ask_summary(update, context)
        return SUMMARY
    d.pop("existing", None)
    await ask_attendance(update, context)
    return ATTENDANCE


async def ask_attendance(update: Update, context: BotContext) -> None:
    buttons = [_b(str(n), "att", n) for n in ATTENDANCE_BUTTONS]
    await say(update, context, context.t.gettext("How many people were there? Tap or type."),
              reply_markup=InlineKeyboardMarkup([buttons[:5], buttons[5:],
                                                 keyboards.cancel_row(context.t, P)]))


async def _accept_attendance(update: Update, context: BotContext, count: int | None) -> int:
    t = context.t
    problem = "unreadable" if count is None else sessions.attendance_problem(count)
    if problem == "large":
        _d(context)["pending_attendance"] = count
        await say(update, context, t.gettext("{count} people: is that right?").format(
            count=count), reply_markup=InlineKeyboardMarkup([
                [_b(t.gettext("Yes, that is right"), "big", 1), _b(t.gettext("No"), "big", 0)]]))
        return LARGE
    if problem:
        await say(update, context, t.gettext("Please give the number of people, like 7."))
        await ask_attendance(update, context)
        return ATTENDANCE
    _d(context)["attendance"] = count
    return await _after_attendance(update, context)


async def _after_attendance(update: Update, context: BotContext) -> int:
    d = _d(context)
    if d.get("back_to_summary"):
        d.pop("back_to_summary")
        await ask_summary(update, context)
        return SUMMARY
    await ask_needs(update, context)
    return NEEDS


@requires(Action.SESSIONS)
async def attendance_tapped(update: Update, context: BotContext) -> int:
    await acknowledge(update)
    return await _accept_attendance(
        update, context, cb.int_arg(update.callback_query.data, f"{P}:att", ATTENDANCE_BUTTONS))


@requires(Action.SESSIONS)
async def attendance_typed(update: Update, context: BotContext) -> int:
    text = (update.message.text or "").strip()
    count = int(text) if text.lstrip("-").isdigit() and len(text) < 7 else None
    return await _accept_attendance(update, context, count)


@requires(Action.SESSIONS)
async def large_confirmed(update: Update, context: BotContext) -> int:
    await acknowledge(update)
    d = _d(context)
    pending = d.pop("pending_attendance", None)
    if cb.int_arg(update.callback_query.data, f"{P}:big") == 1 and pending is not None:
        d["attendance"] = pending
        return await _after_attendance(update, context)
    await ask_attendance(update, context)
    return ATTENDANCE


async def _count_markup(context: BotContext, kind: str) -> InlineKeyboardMarkup:
    t, counts = context.t, _d(context)[kind]
    buttons = [_b(label + (f" ×{counts[c]}" if counts.get(c) else ""), "k", c)
               for c, label in (await _labels(context)).items()]
    rows = [buttons[i:i + 2] for i in range(0, len(buttons), 2)]
    return InlineKeyboardMarkup([*rows, [_b("↺ " + t.gettext("Clear"), "clr"),
                                         _b("➡️ " + t.gettext("Next"), "next")],
                                 keyboards.cancel_row(t, P)])


async def ask_needs(update: Update, context: BotContext) -> None:
    _d(context)["counting"] = "needs"
    await say(update, context, context.t.gettext(
        "🤲 Which needs came up? Tap a theme once for every person who needed it."),
        reply_markup=await _count_markup(context, "needs"))


async def ask_offers(update: Update, context: BotContext) -> None:
    _d(context)["counting"] = "offers"
    await say(update, context, context.t.gettext(
        "🎁 Which offers came up? Tap a theme once for every person who offered it."),
        reply_markup=await _count_markup(context, "offers"))


@requires(Action.SESSIONS)
async def counted(update: Update, context: BotContext) -> int:
    query = update.callback_query
    await query.answer()
    d = _d(context)
    kind = d.get("counting", "needs")
    code = cb.arg(query.data, f"{P}:k")
    if code in await _labels(context):
        d[kind][code] = d[kind].get(code, 0) + 1
        await query.edit_message_reply_markup(await _count_markup(context, kind))
    return NEEDS if kind == "needs" else OFFERS


@requires(Action.SESSIONS)
async def cleared(update: Update, context: BotContext) -> int:
    query = update.callback_query
    await query.answer()
    d = _d(context)
    kind = d.get("counting", "needs")
    if d[kind]:
        d[kind] = {}
        await query.edit_message_reply_markup(await _count_markup(context, kind))
    return NEEDS if kind == "needs" else OFFERS


@requires(Action.SESSIONS)
async def counts_done(update: Update, context: BotContext) -> int:
    await acknowledge(update)
    d = _d(context)
    if d.get("counting", "needs") == "needs":
        d["needs_done"] = True
        await ask_offers(update, context)
        return OFFERS
    d["offers_done"] = True
    await ask_matches(update, context)
    return MATCHES


async def ask_matches(update: Update, context: BotContext) -> None:
    await say(update, context, context.t.gettext(
        "🤝 How many times did someone agree to help someone else, there at the table?"),
        reply_markup=InlineKeyboardMarkup([[_b(str(n), "m", n) for n in range(6)]]))


async def _accept_matches(update: Update, context: BotContext, count: int | None) -> int:
    if count is None or not 0 <= count <= 200:
        await ask_matches(update, context)
        return MATCHES
    _d(context)["matches"] = count
    await ask_remaining(update, context)
    return REMAINING


@requires(Action.SESSIONS)
async def matches_tapped(update: Update, context: BotContext) -> int:
    await acknowledge(update)
    return await _accept_matches(update, context,
                                 cb.int_arg(update.callback_query.data, f"{P}:m"))


@requires(Action.SESSIONS)
async def matches_typed(update: Update, context: BotContext) -> int:
    text = (update.message.text or "").strip()
    return await _accept_matches(update, context, int(text) if text.isdigit() else None)


async def ask_remaining(update: Update, context: BotContext) -> None:
    t = context.t
    await say(update, context, t.gettext("Needs that remain, for a provider later? A few words, "
                                         "or skip."),
              reply_markup=InlineKeyboardMarkup([[_b("⏭ " + t.gettext("Skip"), "rskip")]]))


@requires(Action.SESSIONS)
async def remaining_typed(update: Update, context: BotContext) -> int:
    d = _d(context)
    d["remaining"] = typed(update, NOTE_MAX)
    d["remaining_done"] = True
    await ask_report(update, context)
    return REPORT


@requires(Action.SESSIONS)
async def remaining_skipped(update: Update, context: BotContext) -> int:
    await acknowledge(update)
    _d(context)["remaining_done"] = True
    await ask_report(update, context)
    return REPORT


async def ask_report(update: Update, context: BotContext) -> None:
    t = context.t
    await say(update, context, t.gettext(
        "📝 The report: a few sentences, a voice message, or a photo of the flip-chart. "
        "The programme pays for sessions with a report."),
        reply_markup=InlineKeyboardMarkup([[_b(t.gettext("Report later"), "later")]]))


@requires(Action.SESSIONS)
async def report_given(update: Update, context: BotContext) -> int:
    message, d = update.message, _d(context)
    if message.voice:
        duration = message.voice.duration
        d["report_voice_id"] = message.voice.file_id
        d["report_voice_seconds"] = int(duration.total_seconds()
                                        if isinstance(duration, timedelta) else duration)
    elif message.photo:
        d["report_photo_id"] = message.photo[-1].file_id
        if message.caption:
            d["report_text"] = message.caption[:NOTE_MAX]
    else:
        text = typed(update)
        if not sharing.has_words(text):
            await ask_report(update, context)
            return REPORT
        d["report_text"] = text[:NOTE_MAX]
    d["report_done"] = True
    await ask_summary(update, context)
    return SUMMARY


@requires(Action.SESSIONS)
async def report_later(update: Update, context: BotContext) -> int:
    await acknowledge(update)
    _d(context)["report_done"] = True
    await ask_summary(update, context)
    return SUMMARY


def _fill_from(context: BotContext, session) -> None:
    d = _d(context)
    d.update({"session": session.id, "held_on": session.held_on.isoformat(),
              "attendance": session.attendance, "needs": dict(session.needs),
              "offers": dict(session.offers), "matches": session.matches_in_room,
              "remaining": session.remaining, "report_text": session.report_text,
              "report_voice_id": session.report_voice_id,
              "report_voice_seconds": session.report_voice_seconds,
              "report_photo_id": session.report_photo_id, "needs_done": True,
              "offers_done": True, "remaining_done": True, "report_done": True})


def _counts_line(labels: dict[str, str], counts: dict[str, int]) -> str:
    return ", ".join(f"{labels.get(c, c)} ×{n}" for c, n in counts.items()) or "–"


async def ask_summary(update: Update, context: BotContext) -> None:
    t, d = context.t, _d(context)
    labels = await _labels(context)
    report = []
    if d.get("report_text"):
        report.append(f"“{d['report_text'][:200]}”")
    if d.get("report_voice_id"):
        report.append("🎤 " + t.gettext("voice message, {seconds} s").format(
            seconds=d.get("report_voice_seconds") or 0))
    if d.get("report_photo_id"):
        report.append("📷")
    lines = [
        t.gettext("Is this right?"), "",
        "📅 " + t.format_date(date.fromisoformat(d["held_on"]), "full"),
        "👥 " + t.gettext("{count} present").format(count=d["attendance"]),
        "🤲 " + _counts_line(labels, d["needs"]),
        "🎁 " + _counts_line(labels, d["offers"]),
        "🤝 " + str(d.get("matches", 0)),
        "📌 " + (d.get("remaining") or "–"),
        "📝 " + (" ".join(report) or t.gettext("no report yet")),
    ]
    await say(update, context, "\n".join(lines), reply_markup=InlineKeyboardMarkup([
        [_b("💾 " + t.gettext("Save"), "save")],
        [_b("👥 " + t.gettext("Change the number"), "reatt"),
         _b("📝 " + t.gettext("Change the report"), "rerep")],
        keyboards.cancel_row(t, P)]))


@requires(Action.SESSIONS)
async def save(update: Update, context: BotContext) -> int:
    await update.callback_query.answer()
    d, t = _d(context), context.t
    if d["attendance"] == 0 and d["needs"]:
        await say(update, context, t.gettext(
            "Nobody was there, but needs were noted. How many people were there?"))
        d["back_to_summary"] = True
        await ask_attendance(update, context)
        return ATTENDANCE
    fields = {"held_on": date.fromisoformat(d["held_on"]), "attendance": d["attendance"],
              "needs": d["needs"], "offers": d["offers"], "matches_in_room": d.get("matches", 0),
              "remaining": d.get("remaining", ""), "report_text": d.get("report_text", ""),
              "report_voice_id": d.get("report_voice_id"),
              "report_voice_seconds": d.get("report_voice_seconds"),
              "report_photo_id": d.get("report_photo_id")}
    try:
        await sessions.save_log(context.req, series_id=d["series"], fields=fields,
                                session_id=d.get("session"))
    except sessions.TooLate:
        await say(update, context, t.gettext("A log can be corrected for 7 days; this one is "
                                             "older."))
        context.user_data.pop("log", None)
        return ConversationHandler.END
    except access.AccessDenied:
        await refuse(update, context)
        return ConversationHandler.END
    await remove_keyboard(update)
    context.user_data.pop("log", None)
    has_report = bool(fields["report_text"] or fields["report_voice_id"]
                      or fields["report_photo_id"])
    await say(update, context, t.gettext("Saved. Thank you for logging!") + " " + (
        t.gettext("/payments shows what it earns.") if has_report
        else t.gettext("Without a report it earns nothing yet: /correct adds one.")))
    return ConversationHandler.END


@requires(Action.SESSIONS)
async def change_attendance(update: Update, context: BotContext) -> int:
    await acknowledge(update)
    _d(context)["back_to_summary"] = True
    await ask_attendance(update, context)
    return ATTENDANCE


@requires(Action.SESSIONS)
async def change_report(update: Update, context: BotContext) -> int:
    await acknowledge(update)
    d = _d(context)
    for key in ("report_text", "report_voice_id", "report_voice_seconds", "report_photo_id"):
        d.pop(key, None)
    await ask_report(update, context)
    return REPORT


async def log_stop(update: Update, context: BotContext) -> int:
    await acknowledge(update)
    context.user_data.pop("log", None)
    await say(update, context, context.t.gettext("Cancelled. Nothing was saved."))
    return ConversationHandler.END


# /correct ------------------------------------------------------------------------------------
@requires(Action.SESSIONS)
async def correct_list(update: Update, context: BotContext) -> None:
    t = context.t
    found = await sessions.correctable(context.req)
    if not found:
        await say(update, context, t.gettext("No logs of the last 7 days to correct."))
        return
    rows = [[_b(f"{series.title} · {t.format_date(s.held_on, 'd MMM')}", "cor", s.id)]
            for series, s in found[-10:]]
    await say(update, context, t.gettext("Which log?"), reply_markup=InlineKeyboardMarkup(rows))


@requires(Action.SESSIONS)
async def correct_start(update: Update, context: BotContext) -> int:
    query = update.callback_query
    session_id = cb.int_arg(query.data, f"{P}:cor")
    try:
        series, session = await sessions.session_for_correction(context.req, session_id or 0)
    except access.AccessDenied:
        await query.answer(context.t.gettext("A log can be corrected for 7 days; this one is "
                                             "older."), show_alert=True)
        return ConversationHandler.END
    await query.answer()
    end_conversations(context, update.effective_user.id, keep="log")
    context.user_data["log"] = {"series": series.id}
    _fill_from(context, session)
    await ask_summary(update, context)
    return SUMMARY


# /payments -----------------------------------------------------------------------------------
@requires(Action.PAYMENTS)
async def payments(update: Update, context: BotContext) -> None:
    t = context.t
    if access.is_trainer(context.role):
        rows = await sessions.all_money(context.req)
        if not rows:
            await say(update, context, t.gettext("No series yet."))
            return
        lines, buttons = [t.gettext("Payments per series:")], []
        for m, name in rows:
            lines.append(f"• {name} – {m.series.title}: " + t.gettext(
                "{reported} of {logged} with report, earned {earned}, paid {paid}, "
                "due {due}").format(reported=m.with_report, logged=m.logged,
                                    earned=money(t, m.earned_cents), paid=money(t, m.paid_cents),
                                    due=money(t, m.due_cents)))
            if m.due_cents:
                buttons.append([_b(t.gettext("Mark {amount} paid: {title}").format(
                    amount=money(t, m.due_cents), title=m.series.title)[:60], "pay",
                    m.series.id)])
        await say(update, context, "\n".join(lines),
                  reply_markup=InlineKeyboardMarkup(buttons) if buttons else None)
        return
    rows = await sessions.statement(context.req)
    if not rows:
        await say(update, context, t.gettext("You have no series yet. /series sets one up."))
        return
    s = context.services.settings
    lines = [t.gettext("Per session with a report: {fee}, at most {cap} per series.").format(
        fee=money(t, s.fee_per_session * 100), cap=money(t, s.fee_max_per_series * 100))]
    for m in rows:
        lines += ["", f"📚 {m.series.title}", t.gettext(
            "{reported} of {logged} sessions with a report · earned {earned} · paid {paid} · "
            "due {due}").format(reported=m.with_report, logged=m.logged,
                                earned=money(t, m.earned_cents), paid=money(t, m.paid_cents),
                                due=money(t, m.due_cents))]
    await say(update, context, "\n".join(lines))


@requires(Action.PAYMENTS)
async def pay(update: Update, context: BotContext) -> None:
    query = update.callback_query
    series_id = cb.int_arg(query.data, f"{P}:pay")
    try:
        amount = await sessions.mark_paid(context.req, series_id or 0)
    except access.AccessDenied:
        await refuse(update, context)
        return
    await query.answer()
    await remove_keyboard(update)
    t = context.t
    await say(update, context, t.gettext("Marked as paid: {amount}.").format(
        amount=money(t, amount)) if amount else t.gettext("Nothing was due."))


def handlers() -> list:
    def tap(key: str, callback) -> CallbackQueryHandler:
        return CallbackQueryHandler(callback, pattern=cb.pattern(f"{P}:{key}"))

    text = filters.TEXT & ~filters.COMMAND
    stop = tap("stop", log_stop)
    flow = conversation(
        entry_points=[CommandHandler("log", log_start), tap("cor", correct_start)],
        states={
            RESUME: [tap("cont", resume), tap("new", resume), stop,
                     *reprompt(RESUME, log_start, P)],
            SERIES: [tap("ser", series_chosen), stop, *reprompt(SERIES, ask_series, P)],
            DAY: [tap("day", day_tapped), MessageHandler(text, day_typed), stop,
                  *reprompt(DAY, ask_day, P)],
            SAME_DAY: [tap("fix", same_day_choice), tap("add", same_day_choice), stop,
                       *reprompt(SAME_DAY, ask_day, P)],
            ATTENDANCE: [tap("att", attendance_tapped), MessageHandler(text, attendance_typed),
                         stop, *reprompt(ATTENDANCE, ask_attendance, P)],
            LARGE: [tap("big", large_confirmed), stop, *reprompt(LARGE, ask_attendance, P)],
            NEEDS: [tap("k", counted), tap("clr", cleared), tap("next", counts_done), stop,
                    *reprompt(NEEDS, ask_needs, P)],
            OFFERS: [tap("k", counted), tap("clr", cleared), tap("next", counts_done), stop,
                     *reprompt(OFFERS, ask_offers, P)],
            MATCHES: [tap("m", matches_tapped), MessageHandler(text, matches_typed), stop,
                      *reprompt(MATCHES, ask_matches, P)],
            REMAINING: [MessageHandler(text, remaining_typed), tap("rskip", remaining_skipped),
                        stop, *reprompt(REMAINING, ask_remaining, P)],
            REPORT: [MessageHandler(filters.VOICE | filters.PHOTO | text, report_given),
                     tap("later", report_later), stop, *reprompt(REPORT, ask_report, P)],
            SUMMARY: [tap("save", save), tap("reatt", change_attendance),
                      tap("rerep", change_report), stop, *reprompt(SUMMARY, ask_summary, P)],
        },
        fallbacks=[],
        name="log",
    )
    return [*series_handlers(), flow, CommandHandler("correct", correct_list),
            CommandHandler("payments", payments), tap("pay", pay)]
