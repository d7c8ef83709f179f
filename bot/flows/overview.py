"""What trainers see of the whole programme, in numbers: /overview (open needs and offers per
kwartiermaker and theme) and /table (the report's Table 1, with CSV and XLSX exports)."""

from __future__ import annotations

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import CommandHandler

from bot.access import Action
from bot.context import BotContext
from bot.flows import ui
from bot.flows.common import requires, say
from bot.flows.mapcard import line_label
from bot.flows.vouchers import status_label
from bot.i18n import Translator
from bot.services import exports, programme, referrals, sharing

P = "vo"
MAX_CHARS = 3800


def stage_label(t: Translator, stage: str) -> str:
    return {"in_training": t.gettext("in training"), "apprentice": t.gettext("apprentice"),
            "journeyman": t.gettext("journeyman"), "master": t.gettext("master")}[stage]


def outcome_label(t: Translator, outcome: str) -> str:
    return {"open": t.gettext("waiting for the follow-up"), "helped": t.gettext("helped"),
            "waiting": t.gettext("still waiting"), "not_helped": t.gettext("not helped"),
            "other": t.gettext("other")}[outcome]


@requires(Action.OVERVIEW)
async def overview(update: Update, context: BotContext) -> None:
    t = context.t
    found = await sharing.counts(context.req)
    if not found:
        await say(update, context, t.gettext("No open needs or offers yet."))
        return
    labels = await ui.category_labels(context)
    lines = [t.gettext("Open needs and offers, per kwartiermaker and category:")]
    current = object()
    for organiser, kind, code, count in found:
        if organiser != current:
            lines += ["", f"👤 {organiser or t.gettext('(no kwartiermaker)')}"]
            current = organiser
        lines.append(f"  {'🤲' if kind == 'need' else '🎁'} {labels.get(code, code)}: {count}")
    await say(update, context, "\n".join(lines)[:MAX_CHARS])


@requires(Action.DECIDE)
async def table(update: Update, context: BotContext) -> None:
    t = context.t
    found = await programme.overview(context.req)
    if not found:
        await say(update, context, t.gettext("No kwartiermakers yet."))
        return
    text = [t.gettext("Overview of the kwartiermakers:")]
    for r in found:
        text += ["", f"👤 {r.organiser} · {stage_label(t, r.stage)}"]
        if r.series:
            text.append("   " + t.gettext(
                "{series}: {logged}/{planned} sessions, {reported} with report, {reached} "
                "reached, due {due}").format(series=r.series, logged=r.logged, planned=r.planned,
                                             reported=r.with_report, reached=r.reached,
                                             due=ui.money(t, r.due_cents)))
    counts = await referrals.counts(context.req)
    if counts:
        text += ["", t.gettext("Referrals per line and outcome:")]
        text += [f"  {line} · {line_label(t, line)} · {outcome_label(t, outcome)}: {n}"
                 for line, outcome, n in counts]
    gaps = await referrals.gaps(context.req)
    if gaps:
        labels = await ui.category_labels(context)
        text += ["", t.gettext("Open needs with nothing on the social map: {themes}").format(
            themes=", ".join(labels.get(g, g) for g in gaps))]
    await say(update, context, "\n".join(text)[:MAX_CHARS], reply_markup=InlineKeyboardMarkup([[
        ui.button(P, "📄 CSV", "csv"), ui.button(P, "📊 XLSX", "xlsx")]]))


@requires(Action.DECIDE)
async def export(update: Update, context: BotContext) -> None:
    query = update.callback_query
    await query.answer()
    t = context.t
    labels = await ui.category_labels(context)
    lines = [exports.values(r, stage_label(t, r.stage),
                            ", ".join(labels.get(code, code) for code in r.themes),
                            status_label(t, r.voucher))
             for r in await programme.overview(context.req)]
    head = exports.headers(t)
    if query.data == f"{P}:csv":
        data, name = exports.to_csv(head, lines), "samenbot-overview.csv"
    else:
        data, name = exports.to_xlsx(head, lines, t.gettext("Overview")), "samenbot-overview.xlsx"
    await context.bot.send_document(update.effective_chat.id, data, filename=name)


def handlers() -> list:
    return [CommandHandler("overview", overview), CommandHandler("table", table),
            ui.tap(P, "csv", export), ui.tap(P, "xlsx", export)]
