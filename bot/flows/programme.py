"""Vouchers (/voucher for kwartiermakers, /vouchers for trainers), the private /logbook, the
apprentice certificate (/certify) and the overview with its exports (/table)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal, InvalidOperation

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
from bot.flows.sessions import money
from bot.i18n import Translator
from bot.services import exports, notices, programme, sessions, sharing
from bot.services.programme import VoucherRefused

P = "vo"
AMOUNT, PURPOSE, FOR_SERIES, CONFIRM, REASON, ENTRY = range(30, 36)


def _b(label: str, *parts: str | int):
    return keyboards.button(P, label, *parts)


def _d(context: BotContext) -> dict:
    return context.user_data.setdefault("voucher", {})


def status_label(t: Translator, status: str) -> str:
    return {"requested": t.gettext("requested"), "approved": t.gettext("approved"),
            "rejected": t.gettext("not approved"), "paid": t.gettext("paid"),
            "": "–"}[status]


def stage_label(t: Translator, stage: str) -> str:
    return {"in_training": t.gettext("in training"), "apprentice": t.gettext("apprentice"),
            "journeyman": t.gettext("journeyman"), "master": t.gettext("master")}[stage]


def refused_text(t: Translator, reason: str, context: BotContext) -> str:
    s = context.services.settings
    return {
        "too_much": t.gettext("A voucher is at most {amount}.").format(
            amount=money(t, s.voucher_max * 100)),
        "none_left": t.gettext("All {count} vouchers of the programme have been given.").format(
            count=s.voucher_count),
        "already_decided": t.gettext("This voucher was already decided."),
    }[reason]


# /voucher ------------------------------------------------------------------------------------
@requires(Action.VOUCHER)
async def voucher_start(update: Update, context: BotContext) -> int:
    end_conversations(context, update.effective_user.id, keep="voucher")
    t = context.t
    mine = await programme.my_vouchers(context.req)
    if mine:
        lines = [t.gettext("Your vouchers:")] + [
            f"• {money(t, v.amount_cents)} – {v.purpose} – {status_label(t, v.status)}"
            for v in mine]
        await say(update, context, "\n".join(lines))
    context.user_data["voucher"] = {}
    await ask_amount(update, context)
    return AMOUNT


async def ask_amount(update: Update, context: BotContext) -> None:
    t = context.t
    await say(update, context, t.gettext(
        "A voucher deepens or widens what your sessions started. How much do you need? At "
        "most {amount}.").format(amount=money(t, context.services.settings.voucher_max * 100)),
        reply_markup=InlineKeyboardMarkup([keyboards.cancel_row(t, P)]))


@requires(Action.VOUCHER)
async def amount_typed(update: Update, context: BotContext) -> int:
    raw = (update.message.text or "").replace("€", "").replace(" ", "").replace(",", ".")
    try:
        amount = Decimal(raw)
    except InvalidOperation:
        amount = Decimal(-1)
    cents = int(amount * 100) if amount == amount.quantize(Decimal("0.01")) else -1
    if cents <= 0 or cents > context.services.settings.voucher_max * 100:
        await say(update, context, refused_text(context.t, "too_much", context)
                  if cents > 0 else context.t.gettext("Please type an amount, like 250."))
        await ask_amount(update, context)
        return AMOUNT
    _d(context)["cents"] = cents
    await ask_purpose(update, context)
    return PURPOSE


async def ask_purpose(update: Update, context: BotContext) -> None:
    await say(update, context, context.t.gettext(
        "What is it for? For example materials, internet for a group room, school books."))


@requires(Action.VOUCHER)
async def purpose_typed(update: Update, context: BotContext) -> int:
    purpose = typed(update, programme.PURPOSE_MAX)
    if not sharing.has_words(purpose):
        await ask_purpose(update, context)
        return PURPOSE
    _d(context)["purpose"] = purpose
    await ask_series(update, context)
    return FOR_SERIES


async def ask_series(update: Update, context: BotContext) -> None:
    t = context.t
    found = await sessions.my_series(context.req)
    rows = [[_b(s.title, "ser", s.id)] for s in found] + [[_b(t.gettext("No series"), "ser", 0)]]
    await say(update, context, t.gettext("Which series does it deepen or widen?"),
              reply_markup=InlineKeyboardMarkup(rows))


@requires(Action.VOUCHER)
async def series_chosen(update: Update, context: BotContext) -> int:
    query = update.callback_query
    await query.answer()
    series_id = cb.int_arg(query.data, f"{P}:ser")
    own = {s.id for s in await sessions.my_series(context.req)}
    if series_id is None or (series_id and series_id not in own):
        await refuse(update, context)
        return FOR_SERIES
    await remove_keyboard(update)
    d, t = _d(context), context.t
    d["series"] = series_id or None
    await say(update, context, t.gettext("Request a voucher of {amount} for: {purpose}?").format(
        amount=money(t, d["cents"]), purpose=d["purpose"]), reply_markup=InlineKeyboardMarkup(
        [[_b("📨 " + t.gettext("Send the request"), "send")], keyboards.cancel_row(t, P)]))
    return CONFIRM


@requires(Action.VOUCHER)
async def send(update: Update, context: BotContext) -> int:
    query = update.callback_query
    await query.answer()
    await remove_keyboard(update)
    d = _d(context)
    try:
        await programme.request_voucher(
            context.req, amount_cents=d["cents"], purpose=d["purpose"],
            series_id=d.get("series"))
    except VoucherRefused as refused:
        await say(update, context, refused_text(context.t, refused.reason, context))
        context.user_data.pop("voucher", None)
        return ConversationHandler.END
    context.user_data.pop("voucher", None)
    await say(update, context, context.t.gettext(
        "Sent. A trainer decides; you hear it here. /voucher shows the status."))
    return ConversationHandler.END


async def stop(update: Update, context: BotContext) -> int:
    await acknowledge(update)
    context.user_data.pop("voucher", None)
    context.user_data.pop("logbook", None)
    await say(update, context, context.t.gettext("Cancelled. Nothing was saved."))
    return ConversationHandler.END


# /vouchers (trainers) ------------------------------------------------------------------------
@requires(Action.DECIDE)
async def vouchers_list(update: Update, context: BotContext) -> None:
    t = context.t
    found = await programme.all_vouchers(context.req)
    open_ = [(v, name) for v, name in found if v.status in ("requested", "approved")]
    if not open_:
        await say(update, context, t.gettext("No vouchers to decide or pay."))
        return
    for v, name in open_:
        text = f"🎟 {name}: {money(t, v.amount_cents)} – {v.purpose} ({status_label(t, v.status)})"
        if v.status == "requested":
            rows = [[_b("✅ " + t.gettext("Approve"), "ok", v.id),
                     _b("✖️ " + t.gettext("Reject"), "no", v.id)]]
        else:
            rows = [[_b("💶 " + t.gettext("Mark paid"), "paid", v.id)]]
        await say(update, context, text, reply_markup=InlineKeyboardMarkup(rows))


async def _decide(update: Update, context: BotContext, voucher_id: int, status: str,
                  reason: str | None = None) -> None:
    t = context.t
    try:
        await programme.decide_voucher(
            context.req, voucher_id, status=status, reason=reason,
            render=notices.voucher_decided)
    except VoucherRefused as refused:
        await say(update, context, refused_text(t, refused.reason, context))
        return
    except access.AccessDenied:
        await refuse(update, context)
        return
    await say(update, context, {"approved": t.gettext("Approved. The kwartiermaker is told."),
                                "rejected": t.gettext("Rejected. The kwartiermaker is told."),
                                "paid": t.gettext("Marked as paid.")}[status])
    if context.services.delivery is not None:
        context.services.delivery.wake.set()


@requires(Action.DECIDE)
async def approve(update: Update, context: BotContext) -> None:
    await acknowledge(update)
    await _decide(update, context, cb.int_arg(update.callback_query.data, f"{P}:ok") or 0,
                  "approved")


@requires(Action.DECIDE)
async def paid(update: Update, context: BotContext) -> None:
    await acknowledge(update)
    await _decide(update, context, cb.int_arg(update.callback_query.data, f"{P}:paid") or 0,
                  "paid")


@requires(Action.DECIDE)
async def reject_start(update: Update, context: BotContext) -> int:
    query = update.callback_query
    await query.answer()
    await remove_keyboard(update)
    context.user_data["voucher"] = {"reject": cb.int_arg(query.data, f"{P}:no") or 0}
    await ask_reason(update, context)
    return REASON


async def ask_reason(update: Update, context: BotContext) -> None:
    await say(update, context, context.t.gettext("Why not? The kwartiermaker reads this."),
              reply_markup=InlineKeyboardMarkup([keyboards.cancel_row(context.t, P)]))


@requires(Action.DECIDE)
async def reason_typed(update: Update, context: BotContext) -> int:
    reason = typed(update, 300)
    if not sharing.has_words(reason):
        await ask_reason(update, context)
        return REASON
    voucher_id = _d(context).get("reject", 0)
    context.user_data.pop("voucher", None)
    await _decide(update, context, voucher_id, "rejected", reason)
    return ConversationHandler.END


# /logbook ------------------------------------------------------------------------------------
@requires(Action.LOGBOOK)
async def logbook_start(update: Update, context: BotContext) -> int:
    end_conversations(context, update.effective_user.id, keep="voucher")
    t = context.t
    entries = await programme.logbook(context.req)
    if entries:
        lines = [t.gettext("Your logbook (only you see it):")]
        for entry in entries[-5:]:
            when = entry["created_at"][:10]
            lines.append(f"• {when}: {entry['text'] or '🎤'}")
        await say(update, context, "\n".join(lines))
    await ask_entry(update, context)
    return ENTRY


async def ask_entry(update: Update, context: BotContext) -> None:
    await say(update, context, context.t.gettext(
        "Write or speak a short reflection: what went well, what was hard, what you learned."),
        reply_markup=InlineKeyboardMarkup([keyboards.cancel_row(context.t, P)]))


@requires(Action.LOGBOOK)
async def entry_given(update: Update, context: BotContext) -> int:
    message = update.message
    if message.voice:
        duration = message.voice.duration
        seconds = int(duration.total_seconds() if isinstance(duration, timedelta) else duration)
        await programme.add_to_logbook(context.req, voice_id=message.voice.file_id,
                                       voice_seconds=seconds)
    else:
        text = typed(update)
        if not sharing.has_words(text):
            await ask_entry(update, context)
            return ENTRY
        await programme.add_to_logbook(context.req, text=text)
    await say(update, context, context.t.gettext("Kept in your logbook."))
    return ConversationHandler.END


# /certify and /table -------------------------------------------------------------------------
@requires(Action.DECIDE)
async def certify_list(update: Update, context: BotContext) -> None:
    t = context.t
    rows = await programme.overview(context.req)
    from bot.services import audiences

    organisers = await audiences.organisers(context.req)
    stages = {r.organiser: r.stage for r in rows}
    buttons = [[_b(f"🎓 {p.display_name}", "cert", p.id)] for p in organisers
               if stages.get(p.display_name) == "in_training"]
    if not buttons:
        await say(update, context, t.gettext("Every kwartiermaker has their certificate."))
        return
    await say(update, context, t.gettext("Who finished the training days?"),
              reply_markup=InlineKeyboardMarkup(buttons))


@requires(Action.DECIDE)
async def certify(update: Update, context: BotContext) -> None:
    query = update.callback_query
    try:
        done = await programme.certify(context.req, cb.int_arg(query.data, f"{P}:cert") or 0)
    except access.AccessDenied:
        await refuse(update, context)
        return
    await query.answer()
    await remove_keyboard(update)
    await say(update, context, context.t.gettext("Certificate recorded.") if done
              else context.t.gettext("That was already done."))


async def _lines(context: BotContext, rows) -> list[list]:
    t = context.t
    labels = await sharing.labels(context.req, t)
    return [exports.values(r, stage_label(t, r.stage),
                           ", ".join(labels.get(code, code) for code in r.themes),
                           status_label(t, r.voucher)) for r in rows]


@requires(Action.DECIDE)
async def table(update: Update, context: BotContext) -> None:
    t = context.t
    rows = await programme.overview(context.req)
    if not rows:
        await say(update, context, t.gettext("No kwartiermakers yet."))
        return
    text = [t.gettext("Overview of the kwartiermakers:")]
    for r in rows:
        text.append("")
        text.append(f"👤 {r.organiser} · {stage_label(t, r.stage)}")
        if r.series:
            text.append("   " + t.gettext(
                "{series}: {logged}/{planned} sessions, {reported} with report, {reached} "
                "reached, due {due}").format(series=r.series, logged=r.logged, planned=r.planned,
                                             reported=r.with_report, reached=r.reached,
                                             due=money(t, r.due_cents)))
    from bot.flows.socialmap import line_label
    from bot.services import referrals

    counts = await referrals.counts(context.req)
    if counts:
        text += ["", t.gettext("Referrals per line and outcome:")]
        text += [f"  {line} · {line_label(t, line)} · {outcome_label(t, outcome)}: {n}"
                 for line, outcome, n in counts]
    gaps = await referrals.gaps(context.req)
    if gaps:
        labels = await sharing.labels(context.req, t)
        text += ["", t.gettext("Open needs with nothing on the social map: {themes}").format(
            themes=", ".join(labels.get(g, g) for g in gaps))]
    await say(update, context, "\n".join(text)[:3800], reply_markup=InlineKeyboardMarkup([[
        _b("📄 CSV", "csv"), _b("📊 XLSX", "xlsx")]]))


def outcome_label(t: Translator, outcome: str) -> str:
    return {"open": t.gettext("waiting for the follow-up"), "helped": t.gettext("helped"),
            "waiting": t.gettext("still waiting"), "not_helped": t.gettext("not helped"),
            "other": t.gettext("other")}[outcome]


@requires(Action.DECIDE)
async def export(update: Update, context: BotContext) -> None:
    query = update.callback_query
    await query.answer()
    t = context.t
    rows = await programme.overview(context.req)
    head, lines = exports.headers(t), await _lines(context, rows)
    if query.data == f"{P}:csv":
        data, name = exports.to_csv(head, lines), "samenbot-overview.csv"
    else:
        data, name = exports.to_xlsx(head, lines, t.gettext("Overview")), "samenbot-overview.xlsx"
    await context.bot.send_document(update.effective_chat.id, data, filename=name)


def handlers() -> list:
    def tap(key: str, callback) -> CallbackQueryHandler:
        return CallbackQueryHandler(callback, pattern=cb.pattern(f"{P}:{key}"))

    text = filters.TEXT & ~filters.COMMAND
    stop_handler = tap("stop", stop)
    flow = conversation(
        entry_points=[CommandHandler("voucher", voucher_start), tap("no", reject_start),
                      CommandHandler("logbook", logbook_start)],
        states={
            AMOUNT: [MessageHandler(text, amount_typed), stop_handler,
                     *reprompt(AMOUNT, ask_amount, P)],
            PURPOSE: [MessageHandler(text, purpose_typed), stop_handler,
                      *reprompt(PURPOSE, ask_purpose, P)],
            FOR_SERIES: [tap("ser", series_chosen), stop_handler,
                         *reprompt(FOR_SERIES, ask_series, P)],
            CONFIRM: [tap("send", send), stop_handler],
            REASON: [MessageHandler(text, reason_typed), stop_handler,
                     *reprompt(REASON, ask_reason, P)],
            ENTRY: [MessageHandler(filters.VOICE | text, entry_given), stop_handler,
                    *reprompt(ENTRY, ask_entry, P)],
        },
        fallbacks=[],
        name="voucher",
    )
    return [flow, CommandHandler("vouchers", vouchers_list), tap("ok", approve),
            tap("paid", paid), CommandHandler("certify", certify_list), tap("cert", certify),
            CommandHandler("table", table), tap("csv", export), tap("xlsx", export)]
