"""/payments: a kwartiermaker sees the money for sessions with a report; a trainer sees every
series and marks what is due as paid."""

from __future__ import annotations

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import CommandHandler

from bot import access
from bot.access import Action
from bot.context import BotContext
from bot.flows import ui
from bot.flows.common import act, requires, say
from bot.i18n import Translator
from bot.services import sessions

P = "ls"


def _money_line(t: Translator, m: sessions.SeriesMoney) -> str:
    return t.gettext("{reported} of {logged} with report, earned {earned}, paid {paid}, "
                     "due {due}").format(reported=m.with_report, logged=m.logged,
                                         earned=ui.money(t, m.earned_cents),
                                         paid=ui.money(t, m.paid_cents),
                                         due=ui.money(t, m.due_cents))


async def _for_trainers(update: Update, context: BotContext) -> None:
    t = context.t
    found = await sessions.all_money(context.req)
    if not found:
        await say(update, context, t.gettext("No series yet."))
        return
    lines, buttons = [t.gettext("Payments per series:")], []
    for m, name in found:
        lines.append(f"• {name} – {m.series.title}: " + _money_line(t, m))
        if m.due_cents:
            buttons.append([ui.button(P, t.gettext("Mark {amount} paid: {title}").format(
                amount=ui.money(t, m.due_cents), title=m.series.title)[:60], "pay",
                m.series.id)])
    await say(update, context, "\n".join(lines),
              reply_markup=InlineKeyboardMarkup(buttons) if buttons else None)


@requires(Action.PAYMENTS)
async def payments(update: Update, context: BotContext) -> None:
    if access.is_trainer(context.role):
        await _for_trainers(update, context)
        return
    t = context.t
    found = await sessions.statement(context.req)
    if not found:
        await say(update, context, t.gettext("You have no series yet. /series sets one up."))
        return
    fees = sessions.fees(context.services.settings)
    lines = [t.gettext("Per session with a report: {fee}, at most {cap} per series.").format(
        fee=ui.money(t, fees.per_session_cents), cap=ui.money(t, fees.max_per_series_cents))]
    for m in found:
        lines += ["", f"📚 {m.series.title}", t.gettext(
            "{reported} of {logged} sessions with a report · earned {earned} · paid {paid} · "
            "due {due}").format(reported=m.with_report, logged=m.logged,
                                earned=ui.money(t, m.earned_cents),
                                paid=ui.money(t, m.paid_cents), due=ui.money(t, m.due_cents))]
    await say(update, context, "\n".join(lines))


@requires(Action.PAYMENTS)
async def pay(update: Update, context: BotContext) -> None:
    t = context.t
    await act(update, context, sessions.mark_paid(context.req, ui.int_arg(
        update.callback_query.data, f"{P}:pay")), lambda amount: t.gettext(
        "Marked as paid: {amount}.").format(amount=ui.money(t, amount)) if amount
        else t.gettext("Nothing was due."))


def handlers() -> list:
    return [CommandHandler("payments", payments), ui.tap(P, "pay", pay)]
