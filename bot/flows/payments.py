"""/payments: a kwartiermaker sees the money for sessions with a report; a trainer sees every
series and marks what is due as paid. Both lists grow with the series, so they are paged."""

from __future__ import annotations

from telegram import Update
from telegram.ext import CommandHandler

from bot import access
from bot.access import Action
from bot.context import BotContext
from bot.flows import pages, ui
from bot.flows.common import act, refuse, requires, say
from bot.i18n import Translator
from bot.services import sessions

P = "ls"
MOST = 10  # series on a page of the trainers' list: a button each when something is due


def _money_line(t: Translator, m: sessions.SeriesMoney) -> str:
    return t.gettext("{reported} of {logged} with report, earned {earned}, paid {paid}, "
                     "due {due}").format(reported=m.with_report, logged=m.logged,
                                         earned=ui.money(t, m.earned_cents),
                                         paid=ui.money(t, m.paid_cents),
                                         due=ui.money(t, m.due_cents))


async def _for_trainers(update: Update, context: BotContext, number: int) -> None:
    t = context.t
    found = await sessions.all_money(context.req)
    if not found:
        await pages.show(update, context, t.gettext("No series yet."))
        return
    shown = pages.page(t, ["\n".join([
        f"• {names.get(m.series.organiser_id, '?')} – {m.series.title}: " + _money_line(t, m),
        *_split_lines(t, m, names)]) for m, names in found],
                       number=number, most=MOST, head=[t.gettext("Payments per series:")])
    buttons = []
    for m, _names in (found[i] for i in shown.shown):
        if m.with_report:
            buttons.append([_reports_button(t, m)])
        if m.due_cents:
            # On a page of a longer list the button names its page, to redraw it after.
            where = (shown.number,) if shown.paged else ()
            buttons.append([ui.button(P, t.gettext("Mark {amount} paid: {title}").format(
                amount=ui.money(t, m.due_cents), title=m.series.title)[:60], "pay",
                m.series.id, *where)])
    await pages.show(update, context, shown.text, buttons + pages.nav(shown, P, "pg"))


async def _for_organisers(update: Update, context: BotContext, number: int) -> None:
    t = context.t
    found = await sessions.statement(context.req)
    if not found:
        await pages.show(update, context,
                         t.gettext("You have no series yet. /series sets one up."))
        return
    fees = sessions.fees(context.services.settings)
    blocks = ["\n".join(["", f"📚 {st.money.series.title}", t.ngettext(
        "{logged} of {planned} planned session held, {reported} with a report.",
        "{logged} of {planned} planned sessions held, {reported} with a report.",
        st.money.series.planned).format(logged=st.money.logged, planned=st.money.series.planned,
                                        reported=st.money.with_report),
        *_own_part(t, st)]) for st in found]
    shown = pages.page(t, blocks, number=number, head=[t.gettext(
        "Per session with a report: {fee}, at most {cap} per series.").format(
        fee=ui.money(t, fees.per_session_cents), cap=ui.money(t, fees.max_per_series_cents))])
    buttons = [[_reports_button(t, st.money)] for st in (found[i] for i in shown.shown)
               if st.money.with_report]
    await pages.show(update, context, shown.text, buttons + pages.nav(shown, P, "pg"))


def _split_lines(t: Translator, m: sessions.SeriesMoney, names: dict[int, str]) -> list[str]:
    """For a trainer: who gets what of a co-hosted series' fee."""
    if len(m.parts) < 2:
        return []
    return ["   ↳ " + t.gettext("{name}: earned {earned}, due {due}").format(
        name=names.get(p.person_id, "?"), earned=ui.money(t, p.earned_cents),
        due=ui.money(t, p.due_cents)) for p in m.parts]


def _own_part(t: Translator, st: sessions.Statement) -> list[str]:
    """For a host: their own part, and how the fee is shared when there is a co-host."""
    mine, lines = st.mine, []
    if st.partner is not None:
        lines.append({"half": t.gettext("The fee is shared half and half with {name}."),
                      "me": t.gettext("The fee is yours. You host it with {name}."),
                      "partner": t.gettext("The fee goes to {name}.")}[st.fee_to].format(
            name=st.partner))
    if mine is not None:
        lines.append(t.gettext("Earned {earned} · paid {paid} · due {due}").format(
            earned=ui.money(t, mine.earned_cents), paid=ui.money(t, mine.paid_cents),
            due=ui.money(t, mine.due_cents)))
    return lines


def _reports_button(t: Translator, m: sessions.SeriesMoney):
    return ui.button(P, "📝 " + t.gettext("Reports: {title}").format(
        title=m.series.title)[:60], "rep", m.series.id)


@requires(Action.PAYMENTS)
async def payments(update: Update, context: BotContext) -> None:
    """/payments, and its page buttons (each person pages the list their role shows them)."""
    number = pages.wanted(update, P, "pg")
    if access.is_trainer(context.role):
        await _for_trainers(update, context, number)
    else:
        await _for_organisers(update, context, number)


@requires(Action.PAYMENTS)
async def pay(update: Update, context: BotContext) -> None:
    t = context.t
    series_id, number = pages.item_and_page(update.callback_query.data, f"{P}:pay")
    paid = await act(update, context, sessions.mark_paid(context.req, series_id),
                     lambda amount: t.gettext("Marked as paid: {amount}.").format(
                         amount=ui.money(t, amount)) if amount else t.gettext("Nothing was due."),
                     keep_buttons=number is not None)
    if paid is not None and number is not None:
        await _for_trainers(update, context, number)


@requires(Action.PAYMENTS)
async def reports(update: Update, context: BotContext) -> None:
    """The reports of one series, each as it was given: words, a voice message, a photo."""
    t = context.t
    try:
        series, found, writers = await sessions.reports(context.req, ui.int_arg(
            update.callback_query.data, f"{P}:rep"))
    except access.AccessDenied:
        await refuse(update, context)
        return
    await update.callback_query.answer()
    chat, bot = update.effective_user.id, context.bot
    await say(update, context, t.gettext("Reports of {title}:").format(title=series.title))
    for session in found:
        when = "📅 " + t.format_date(session.held_on, "long")
        if session.logged_by in writers:
            when += "\n✍️ " + t.gettext("Written by {name}").format(
                name=writers[session.logged_by])
        if session.report_text:
            await bot.send_message(chat, f"{when}\n{session.report_text}")
        if session.report_voice_id:
            await bot.send_voice(chat, session.report_voice_id, caption=when)
        if session.report_photo_id:
            await bot.send_photo(chat, session.report_photo_id, caption=when)


def handlers() -> list:
    return [CommandHandler("payments", payments), ui.tap(P, "pg", payments),
            ui.tap(P, "pay", pay), ui.tap(P, "rep", reports)]
