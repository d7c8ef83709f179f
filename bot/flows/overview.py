"""What trainers see of the whole programme, in numbers: /overview (open needs and offers per
kwartiermaker and theme) and /table (the report's Table 1, with CSV and XLSX exports)."""

from __future__ import annotations

from telegram import Update
from telegram.ext import CommandHandler

from bot.access import Action
from bot.context import BotContext
from bot.flows import pages, ui
from bot.flows.common import requires
from bot.flows.mapcard import line_label
from bot.flows.vouchers import status_label
from bot.i18n import Translator
from bot.services import exports, programme, referrals, sharing

P = "vo"


def stage_label(t: Translator, stage: str) -> str:
    return {"in_training": t.gettext("in training"), "apprentice": t.gettext("apprentice"),
            "journeyman": t.gettext("journeyman"), "master": t.gettext("master")}[stage]


def outcome_label(t: Translator, outcome: str) -> str:
    return {"open": t.gettext("waiting for the follow-up"), "helped": t.gettext("helped"),
            "waiting": t.gettext("still waiting"), "not_helped": t.gettext("not helped"),
            "other": t.gettext("other")}[outcome]


@requires(Action.OVERVIEW)
async def overview(update: Update, context: BotContext) -> None:
    """/overview, and its page buttons."""
    t = context.t
    found = await sharing.counts(context.req)
    if not found:
        await pages.show(update, context, t.gettext("No open needs or offers yet."))
        return
    labels = await ui.category_labels(context)
    blocks: list[list[str]] = []
    current = object()
    for organiser, kind, code, count in found:
        if organiser != current:
            blocks.append(["", f"👤 {organiser or t.gettext('(no kwartiermaker)')}"])
            current = organiser
        blocks[-1].append(f"  {'🤲' if kind == 'need' else '🎁'} {labels.get(code, code)}: {count}")
    shown = pages.page(t, ["\n".join(b) for b in blocks], number=pages.wanted(update, P, "op"),
                       head=[t.gettext("Open needs and offers, per kwartiermaker and category:")])
    await pages.show(update, context, shown.text, pages.nav(shown, P, "op"))


@requires(Action.DECIDE)
async def table(update: Update, context: BotContext) -> None:
    """/table, and its page buttons; the exports below every page hold the whole table."""
    t = context.t
    found = await programme.overview(context.req)
    if not found:
        await pages.show(update, context, t.gettext("No kwartiermakers yet."))
        return
    blocks = []
    for r in found:
        block = ["", f"👤 {r.organiser} · {stage_label(t, r.stage)}"]
        if r.series:
            block.append("   " + t.gettext(
                "{series}: {logged}/{planned} sessions, {reported} with report, {reached} "
                "reached, due {due}").format(series=r.series, logged=r.logged, planned=r.planned,
                                             reported=r.with_report, reached=r.reached,
                                             due=ui.money(t, r.due_cents)))
        blocks.append("\n".join(block))
    counts = await referrals.counts(context.req)
    if counts:
        referred = [f"  {line} · {line_label(t, line)} · {outcome_label(t, outcome)}: {n}"
                    for line, outcome, n in counts]
        # the heading stays on the page of its first line
        referred[0] = "\n".join(["", t.gettext("Referrals per line and outcome:"), referred[0]])
        blocks += referred
    gaps = await referrals.gaps(context.req)
    if gaps:
        labels = await ui.category_labels(context)
        blocks.append("\n" + t.gettext(
            "Open needs with nothing on the social map: {themes}").format(
            themes=", ".join(labels.get(g, g) for g in gaps)))
    shown = pages.page(t, blocks, number=pages.wanted(update, P, "tp"),
                       head=[t.gettext("Overview of the kwartiermakers:")])
    await pages.show(update, context, shown.text, [
        [ui.button(P, "📄 CSV", "csv"), ui.button(P, "📊 XLSX", "xlsx")],
        *pages.nav(shown, P, "tp")])


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
            ui.tap(P, "op", overview), ui.tap(P, "tp", table),
            ui.tap(P, "csv", export), ui.tap(P, "xlsx", export)]
