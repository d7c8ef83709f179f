"""Vouchers: /voucher for a kwartiermaker (request one, see their status), /vouchers for
trainers (approve, reject with a reason the kwartiermaker reads, mark paid)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import CommandHandler

from bot import access
from bot.access import Action
from bot.context import BotContext
from bot.flows import pages, ui
from bot.flows.common import acknowledge, refuse, requires, say
from bot.flows.engine import refuse as refuse_in_flow
from bot.flows.steps import END, Choice, Entry, Flow, Problem, Step, Turn, screen
from bot.i18n import N_, Translator
from bot.services import notices, programme, sessions
from bot.services.programme import VoucherRefused

P = "vo"


def status_label(t: Translator, status: str) -> str:
    return {"requested": t.gettext("requested"), "approved": t.gettext("approved"),
            "rejected": t.gettext("not approved"), "paid": t.gettext("paid"),
            "": "–"}[status]


def refused_text(t: Translator, reason: str, context: BotContext) -> str:
    s = context.services.settings
    return {
        "too_much": t.gettext("A voucher is at most {amount}.").format(
            amount=ui.money(t, s.voucher_max * 100)),
        "none_left": t.gettext("All {count} vouchers of the programme have been given.").format(
            count=s.voucher_count),
        "none_left_round": t.gettext("All {count} vouchers of this round have been given.")
        .format(count=s.voucher_count),
        "one_each": t.gettext("You already have a voucher. Each kwartiermaker gets one."),
        "one_per_round": t.gettext(
            "You already have a voucher in this round. Each kwartiermaker gets one per round."),
        "already_decided": t.gettext("This voucher was already decided."),
    }[reason]


# /voucher ------------------------------------------------------------------------------------
def _my_page(t: Translator, mine: list, number: int) -> pages.Page:
    return pages.page(t, [f"• {ui.money(t, v.amount_cents)} – {v.purpose} – "
                          f"{status_label(t, v.status)}" for v in mine],
                      number=number, head=[t.gettext("Your vouchers:")])


async def show_mine(turn: Turn, _args: list[str]) -> bool:
    t = turn.t
    mine = await programme.my_vouchers(turn.req)
    if mine:
        shown = _my_page(t, mine, 1)
        await turn.say(shown.text, pages.nav(shown, P, "mp") or None)
    return True


@requires(Action.VOUCHER)
async def my_vouchers_page(update: Update, context: BotContext) -> None:
    """A page button under "Your vouchers" (the request flow may be going on meanwhile)."""
    mine = await programme.my_vouchers(context.req)
    if not mine:
        await update.callback_query.answer()
        return
    shown = _my_page(context.t, mine, pages.wanted(update, P, "mp"))
    await pages.show(update, context, shown.text, pages.nav(shown, P, "mp"))


def read_amount(turn: Turn, text: str) -> int:
    raw = text.replace("€", "").replace(" ", "").replace(",", ".")
    try:
        amount = Decimal(raw)
    except InvalidOperation:
        amount = Decimal(-1)
    cents = int(amount * 100) if amount == amount.quantize(Decimal("0.01")) else -1
    if cents <= 0:
        raise Problem(turn.t.gettext("Please type an amount, like 250."))
    if cents > turn.req.settings.voucher_max * 100:
        raise Problem(refused_text(turn.t, "too_much", turn.context))
    return cents


async def series_choices(turn: Turn) -> list[Choice]:
    found = await sessions.my_series(turn.req)
    return [*(Choice(s.id, s.title) for s in found), Choice(0, turn.t.gettext("No series"))]


async def ask_confirm(turn: Turn) -> None:
    t, d = turn.t, turn.draft
    await turn.say(t.gettext("Request a voucher of {amount} for: {purpose}?").format(
        amount=ui.money(t, d["cents"]), purpose=d["purpose"]),
        [[turn.button("📨 " + t.gettext("Send the request"), "send")], turn.cancel_row()])


async def send(turn: Turn, _args: list[str]):
    d = turn.draft
    await turn.answer()
    await turn.remove_buttons()
    try:
        await programme.request_voucher(turn.req, amount_cents=d["cents"], purpose=d["purpose"],
                                        series_id=d["series"] or None)
    except VoucherRefused as refused:
        await turn.say(refused_text(turn.t, refused.reason, turn.context))
        return END
    await turn.say(turn.t.gettext(
        "Sent. A trainer decides; you hear it here. /voucher shows the status."))
    return END


VOUCHER = Flow(
    name="voucher", prefix=P, action=Action.VOUCHER,
    entries=[Entry(command="voucher", begin=show_mine)],
    steps=[
        Step("cents", question=lambda turn: turn.t.gettext(
            "A voucher deepens or widens what your sessions started. How much do you need? At "
            "most {amount}.").format(amount=ui.money(turn.t, turn.req.settings.voucher_max * 100)),
             text=read_amount),
        Step("purpose", question=N_(
            "What is it for? For example materials, internet for a group room, school books."),
             text=ui.words(programme.PURPOSE_MAX)),
        Step("series", key="ser", question=N_(
            "Which series does it deepen or widen?"), choices=series_choices),
        screen("confirm", ask_confirm, send=send),
    ],
)


# /vouchers (trainers) ------------------------------------------------------------------------
MOST = 8  # vouchers on a page: a row of buttons each


def _card(t: Translator, v, name: str) -> str:
    """A voucher as a trainer sees it; ``name`` is the kwartiermaker's, with their round."""
    return (f"🎟 {name}: {ui.money(t, v.amount_cents)} – {v.purpose} "
            f"({status_label(t, v.status)})")


async def _undecided(context: BotContext) -> list:
    """(voucher, "name · round") of the vouchers to decide or pay."""
    return [(v, f"{name} · {round_name}" if round_name else name)
            for v, name, round_name in await programme.all_vouchers(context.req)
            if v.status in ("requested", "approved")]


def _list_page(t: Translator, found: list, number: int
               ) -> tuple[pages.Page, list[list[InlineKeyboardButton]]]:
    """A page of the longer list: numbered vouchers, and their buttons, which name the page
    (to redraw it after a decision)."""
    shown = pages.page(t, [f"{n}. {_card(t, v, name)}" for n, (v, name) in
                           enumerate(found, start=1)], number=number, most=MOST,
                       head=[t.gettext("Vouchers to decide or pay:")],
                       tail=["", t.gettext("✅ approve · ✖️ reject · 💶 mark paid")])
    rows = []
    for index in shown.shown:
        v, n = found[index][0], index + 1
        if v.status == "requested":
            rows.append([ui.button(P, f"✅ {n}", "ok", v.id, shown.number),
                         ui.button(P, f"✖️ {n}", "no", v.id, shown.number)])
        else:
            rows.append([ui.button(P, f"💶 {n}", "paid", v.id, shown.number)])
    return shown, rows + pages.nav(shown, P, "vp")


@requires(Action.VOUCHERS)
async def vouchers_list(update: Update, context: BotContext) -> None:
    """/vouchers: a card per voucher while they fit one page, else one list paged in place
    (also what its page buttons show)."""
    await _show_list(update, context, pages.wanted(update, P, "vp"))


async def _show_list(update: Update, context: BotContext, number: int) -> None:
    t = context.t
    found = await _undecided(context)
    if not found:
        await pages.show(update, context, t.gettext("No vouchers to decide or pay."))
        return
    shown, rows = _list_page(t, found, number)
    if shown.paged or update.callback_query is not None:
        await pages.show(update, context, shown.text, rows)
        return
    for v, name in found:
        if v.status == "requested":
            rows = [[ui.button(P, "✅ " + t.gettext("Approve"), "ok", v.id),
                     ui.button(P, "✖️ " + t.gettext("Reject"), "no", v.id)]]
        else:
            rows = [[ui.button(P, "💶 " + t.gettext("Mark paid"), "paid", v.id)]]
        await say(update, context, _card(t, v, name), reply_markup=InlineKeyboardMarkup(rows))


async def decide(context: BotContext, voucher_id: int, status: str,
                 reason: str | None = None) -> str | None:
    """Records the decision; returns what to tell the trainer, or None when refused."""
    t = context.t
    try:
        await programme.decide_voucher(context.req, voucher_id, status=status, reason=reason,
                                      render=notices.voucher_decided)
    except VoucherRefused as refused:
        return refused_text(t, refused.reason, context)
    except access.AccessDenied:
        return None
    if context.services.delivery is not None:
        context.services.delivery.wake.set()
    return {"approved": t.gettext("Approved. The kwartiermaker is told."),
            "rejected": t.gettext("Rejected. The kwartiermaker is told."),
            "paid": t.gettext("Marked as paid.")}[status]


def _decision(key: str, status: str):
    @requires(Action.DECIDE)
    async def handler(update: Update, context: BotContext) -> None:
        voucher_id, number = pages.item_and_page(update.callback_query.data, f"{P}:{key}")
        if number is None:  # a card: its buttons go
            await acknowledge(update)
        said = await decide(context, voucher_id, status)
        if said is None:
            await refuse(update, context)
            return
        await say(update, context, said)
        if number is not None:  # a page of the list: redrawn with the decision
            await _show_list(update, context, number)
    return handler


async def begin_reject(turn: Turn, args: list[str]) -> bool:
    turn.draft["voucher"] = ui.arg_id(args)
    if len(args) > 1 and pages.in_own_chat(turn.update):  # from a page: redrawn at the end
        turn.draft["page"] = [ui.arg_id(args, 1), turn.tapped_message_id()]
    return True


async def reject(turn: Turn):
    said = await decide(turn.context, turn.draft["voucher"], "rejected", turn.draft["reason"])
    if said is None:
        await refuse_in_flow(turn)
        return END
    await turn.say(said)
    if "page" in turn.draft:
        number, message_id = turn.draft["page"]
        found = await _undecided(turn.context)
        text, rows = turn.t.gettext("No vouchers to decide or pay."), []
        if found:
            shown, rows = _list_page(turn.t, found, number)
            text = shown.text
        await pages.redraw(turn.context, turn.update.effective_chat.id, message_id, text, rows)
    return END


REJECT = Flow(
    name="voucher_reject", prefix=P, action=Action.DECIDE, finish=reject,
    entries=[Entry(button="no", begin=begin_reject, remove_buttons=True)],
    steps=[Step("reason", question=N_("Why not? The kwartiermaker reads this."),
                text=ui.words(300))],
)


def handlers() -> list:
    return [CommandHandler("vouchers", vouchers_list), ui.tap(P, "vp", vouchers_list),
            ui.tap(P, "mp", my_vouchers_page), ui.tap(P, "ok", _decision("ok", "approved")),
            ui.tap(P, "paid", _decision("paid", "paid"))]
