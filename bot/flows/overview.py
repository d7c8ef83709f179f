"""What trainers see of the whole programme, in numbers: /overview (open needs and offers per
kwartiermaker and theme) and /table (the report's Table 1, with CSV and XLSX exports)."""

from __future__ import annotations

from dataclasses import dataclass

from telegram import InlineKeyboardButton, Update
from telegram.ext import CommandHandler

from bot.access import Action
from bot.context import BotContext
from bot.delivery import attachments
from bot.flows import pages, ui
from bot.flows.common import requires, say
from bot.flows.mapcard import line_label
from bot.flows.texts import round_dates
from bot.flows.vouchers import status_label
from bot.i18n import Translator
from bot.services import charts, exports, programme, referrals, rounds, sharing

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


# /table per round: its buttons are vo:tp:<page>, or with rounds vo:tp:<scope>:<page>, where
# the scope is a round's id, "n" (in no round) or "a" (all); vo:csv[:<scope>] likewise.
@dataclass(frozen=True)
class Scope:
    """Which rows /table shows: ``value`` as ``programme.overview`` takes it."""

    value: int | None
    lines: list[rounds.RoundLine]
    unassigned: int

    @property
    def parts(self) -> tuple[str, ...]:
        """The scope in the buttons (nothing while there are no rounds: the old buttons)."""
        if not self.lines:
            return ()
        return (_code(self.value),)

    @property
    def everyone(self) -> int:
        """Kwartiermakers in any round or none."""
        return self.unassigned + sum(line.kwartiermakers for line in self.lines)

    def title(self, t: Translator) -> list[str]:
        if not self.lines:
            return []
        if self.value is None:
            return ["🔄 " + t.gettext("All rounds")]
        if self.value == rounds.NO_ROUND:
            return ["🔄 " + t.gettext("No round")]
        found = next(line.round for line in self.lines if line.round.id == self.value)
        return ["🔄 " + t.gettext("Round: {name}").format(name=found.name)
                + f" · {round_dates(t, found)}"]


def _code(value: int | None) -> str:
    return "a" if value is None else "n" if value == rounds.NO_ROUND else str(value)


async def scope_of(context: BotContext, code: str | None, *, default_all: bool) -> Scope:
    """The scope a button names, checked against the rounds there are; otherwise the round
    that runs today (or the latest), or all (``default_all``: an export button from before)."""
    lines, unassigned = await rounds.listing(context.req)
    ids = {line.round.id for line in lines}
    if not lines or code == "a":
        value = None
    elif code == "n":
        value = rounds.NO_ROUND
    elif code is not None and code.isascii() and code.isdigit() and int(code) in ids:
        value = int(code)
    elif default_all:
        value = None
    else:
        value = rounds.current(context.req, [line.round for line in lines]).id
    return Scope(value, lines, unassigned)


def _wish(update: Update) -> tuple[int, str | None]:
    """The page and the scope a page button asks for (page 1 and no scope for the command)."""
    query = update.callback_query
    parts = (query.data or "").split(":")[2:] if query is not None else []
    page = parts[-1] if parts else ""
    number = int(page) if page.isascii() and page.isdigit() and len(page) <= 4 else 1
    return number, parts[0] if len(parts) == 2 else None


def switch_rows(t: Translator, scope: Scope) -> list[list[InlineKeyboardButton]]:
    """A button per round, "No round" (while someone is in none) and "All rounds"; the one
    shown is ticked."""
    if not scope.lines:
        return []
    choices = [(line.round.id, line.round.name) for line in scope.lines]
    if scope.unassigned:
        choices.append((rounds.NO_ROUND, t.gettext("No round")))
    choices.append((None, t.gettext("All rounds")))
    return ui.rows([ui.button(P, ("✅ " if value == scope.value else "") + label, "tp",
                              _code(value), 1) for value, label in choices])


@requires(Action.DECIDE)
async def table(update: Update, context: BotContext) -> None:
    """/table, and its page and round buttons; the charts (with the command) are of the whole
    programme; the exports below every page hold the whole table of the round shown."""
    t = context.t
    number, code = _wish(update)
    scope = await scope_of(context, code, default_all=False)
    found = await programme.overview(context.req, scope.value)
    if not found and (scope.value is None or not scope.everyone):
        await pages.show(update, context, t.gettext("No kwartiermakers yet."))
        return
    if update.callback_query is None:  # the command, not a page button
        await send_charts(update, context)
    blocks = [] if found else ["", t.gettext("No kwartiermakers in this round yet.")]
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
    shown = pages.page(t, blocks, number=number,
                       head=[t.gettext("Overview of the kwartiermakers:"), *scope.title(t)])
    await pages.show(update, context, shown.text, [
        [ui.button(P, "📄 CSV", "csv", *scope.parts),
         ui.button(P, "📊 XLSX", "xlsx", *scope.parts)],
        *pages.nav(shown, P, "tp", *scope.parts), *switch_rows(t, scope)])


async def send_charts(update: Update, context: BotContext) -> None:
    """The charts, one photo each with its caption, before the table (whose page buttons stay
    last, under the thumb); drawn when they are sent, after this update committed, so other
    people's updates go on meanwhile."""
    t = context.t
    made = charts.charts(t, await charts.figures(context.req),
                         themes=await ui.category_labels(context),
                         lines={line: line_label(t, line) for line in (0, 1, 2)},
                         outcomes={o: outcome_label(t, o) for o in charts.OUTCOMES})
    if not made:
        await say(update, context, t.gettext("No charts yet: no sessions logged and no referrals."))
        return
    for chart in made:
        await attachments.send_made(context.bot, update.effective_chat.id, "chart",
                                    charts.as_data(chart), caption=chart.caption,
                                    filename=f"samenbot-{chart.name}.png")


@requires(Action.DECIDE)
async def export(update: Update, context: BotContext) -> None:
    """The CSV or XLSX of the round shown above it (all, from a button made before there
    were rounds)."""
    query = update.callback_query
    await query.answer()
    t = context.t
    kind, _, code = (query.data or "").split(":", 1)[1].partition(":")
    scope = await scope_of(context, code or None, default_all=True)
    labels = await ui.category_labels(context)
    lines = [exports.values(r, stage_label(t, r.stage),
                            ", ".join(labels.get(code, code) for code in r.themes),
                            status_label(t, r.voucher))
             for r in await programme.overview(context.req, scope.value)]
    head = exports.headers(t)
    chat = update.effective_chat.id
    if kind == "csv":  # a few milliseconds: made here
        await context.bot.send_document(chat, exports.to_csv(head, lines),
                                        filename="samenbot-overview.csv")
    else:  # 50 ms per 200 rows: made when it is sent, holding nobody else up
        await attachments.send_made(context.bot, chat, "xlsx", exports.xlsx_data(
            head, lines, t.gettext("Overview"), rtl=t.language.rtl), method="sendDocument",
            filename="samenbot-overview.xlsx", mime=exports.XLSX_MIME)


def handlers() -> list:
    return [CommandHandler("overview", overview), CommandHandler("table", table),
            ui.tap(P, "op", overview), ui.tap(P, "tp", table),
            ui.tap(P, "csv", export), ui.tap(P, "xlsx", export)]
