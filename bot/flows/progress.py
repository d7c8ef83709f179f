"""A kwartiermaker's recorded steps: /progress shows their own; /certify lets a trainer pick a
kwartiermaker (by id, never by name: two called Noor are two entries), see their steps and
missed training days, and record the apprentice certificate, the journeyman test or the
master test. Beyond the limit of missed training days the certificate needs a typed note."""

from __future__ import annotations

from datetime import datetime

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import CommandHandler

from bot import access
from bot import callbacks as cb
from bot.access import Action
from bot.context import BotContext
from bot.flows import pages, ui
from bot.flows.common import acknowledge, refuse, requires, say
from bot.flows.overview import stage_label
from bot.flows.steps import END, Entry, Flow, Step, Turn
from bot.i18n import N_, Translator
from bot.services import progression
from bot.services.membership import Person
from bot.services.progression import STAGES, Progress, StageRefused, step_label

P = "cf"
MOST = 8  # kwartiermakers on a page of /certify: a button each


def _date(t: Translator, stamp: str, fmt: str = "long") -> str:
    return t.format_date(datetime.fromisoformat(stamp).astimezone(t.tz), fmt)


def who(t: Translator, person: Person, joined: bool = True) -> str:
    """A kwartiermaker as a trainer tells them apart: the name, and when they joined."""
    if not joined:
        return person.display_name
    return t.gettext("{name} (joined {date})").format(
        name=person.display_name, date=_date(t, person.created_at, "medium"))


def render(t: Translator, found: Progress, *, own: bool) -> str:
    """The steps, the missed training days and what comes next; ``own`` for /progress."""
    lines = [t.gettext("Your steps as a kwartiermaker:") if own
             else "👤 " + who(t, found.person),
             t.gettext("Stage now: {stage}").format(stage=stage_label(t, found.stage)), ""]
    for event in found.events:
        values = {"step": step_label(t, event.stage), "date": _date(t, event.decided_at),
                  "name": event.decided_by_name}
        lines.append(t.gettext("{step}: {date}, by {name}").format(**values)
                     if event.decided_by_name else t.gettext("{step}: {date}").format(**values))
        if event.note:
            lines.append("   ✍️ " + t.gettext("Note: {note}").format(note=event.note))
    if not found.events:
        lines.append(t.gettext("No step recorded yet."))
    lines += ["", t.gettext("Missed training days: {count} (at most {limit}).").format(
        count=found.missed, limit=found.limit)]
    if found.over_limit:
        lines.append("⛔ " + (t.gettext(
            "That is more than the programme allows for the certificate. Talk to your trainer.")
            if own else t.gettext(
            "That is more than the programme allows: no certificate without a note.")))
    if found.logged:
        lines.append(t.ngettext("{count} table session logged.", "{count} table sessions logged.",
                                found.logged).format(count=found.logged))
    if found.complete:
        lines.append(t.ngettext(
            "{count} series complete with a report for every session.",
            "{count} series complete with a report for every session.",
            found.complete).format(count=found.complete))
    lines += ["", {
        "in_training": t.gettext("Next step: the apprentice certificate, after the training "
                                 "days."),
        "apprentice": t.gettext("Next step: the journeyman test or the master test."),
        "journeyman": t.gettext("Next step: the master test."),
        "master": t.gettext("Every step is done. Well done!") if own
        else t.gettext("Every step is recorded."),
    }[found.stage]]
    return "\n".join(lines)


def refused_text(t: Translator, refused: StageRefused, person: Person | None = None) -> str:
    if refused.reason == "missed" and person is not None:
        return "⛔ " + t.gettext(
            "{name} missed {count} training days. The programme allows at most {limit}. So "
            "no certificate. You can still record it, with a short note why.").format(
            name=who(t, person), count=refused.missed, limit=refused.limit)
    return {
        "done": t.gettext("That step was already recorded."),
        "order": t.gettext("That is not the next step. First the certificate, then a test."),
        "gone": t.gettext("This person is no longer an active kwartiermaker."),
    }.get(refused.reason, t.gettext("That step was already recorded."))


def recorded_text(t: Translator, person: Person, stage: str) -> str:
    return t.gettext("Recorded for {name}: {step}. They get a message.").format(
        name=who(t, person), step=step_label(t, stage))


def _wake(context: BotContext) -> None:
    if context.services.delivery is not None:
        context.services.delivery.wake.set()


# /progress -----------------------------------------------------------------------------------
@requires(Action.PROGRESS)
async def show_progress(update: Update, context: BotContext) -> None:
    found = await progression.my_progress(context.req)
    await say(update, context, render(context.t, found, own=True))


# /certify (trainers) -------------------------------------------------------------------------
def _labels(t: Translator, found: list[Progress]) -> list[str]:
    """Names, with the day they joined where two or more share a name."""
    names = [p.person.display_name.casefold() for p in found]
    return [who(t, p.person, joined=names.count(p.person.display_name.casefold()) > 1)
            for p in found]


@requires(Action.CERTIFY)
async def certify_list(update: Update, context: BotContext) -> None:
    """/certify, and its page buttons: every active kwartiermaker, a button each."""
    t = context.t
    found = await progression.kwartiermakers(context.req)
    if not found:
        await pages.show(update, context, t.gettext("No kwartiermakers yet."))
        return
    labels = _labels(t, found)
    blocks = [f"{n}. {label} · {stage_label(t, p.stage)} · " + t.ngettext(
        "{count} training day missed", "{count} training days missed", p.missed).format(
        count=p.missed) + (" ⛔" if p.over_limit else "")
        for n, (p, label) in enumerate(zip(found, labels, strict=True), start=1)]
    limit = context.services.settings.max_missed_training_days
    shown = pages.page(t, blocks, number=pages.wanted(update, P, "l"), most=MOST, head=[
        t.gettext("Kwartiermakers and their steps. Tap a name to see or record a step."), ""],
        tail=["", "⛔ " + t.gettext("More than {limit} missed training days: no certificate "
                                   "without a note.").format(limit=limit)])
    rows = [[ui.button(P, f"{i + 1}. {labels[i]}", "p", found[i].person.id)]
            for i in shown.shown]
    await pages.show(update, context, shown.text, rows + pages.nav(shown, P, "l"))


@requires(Action.DECIDE)
async def person_card(update: Update, context: BotContext) -> None:
    """One kwartiermaker's steps, with a button for each step that may come next."""
    t = context.t
    try:
        found = await progression.progress_of(context.req, ui.int_arg(
            update.callback_query.data, f"{P}:p"))
    except StageRefused as refused:
        await update.callback_query.answer(refused_text(t, refused), show_alert=True)
        return
    await update.callback_query.answer()
    rows = [[ui.button(P, step_label(t, stage), "s", found.person.id, STAGES.index(stage))]
            for stage in found.next_steps]
    await say(update, context, render(t, found, own=False),
              reply_markup=InlineKeyboardMarkup(rows) if rows else None)


@requires(Action.DECIDE)
async def record_step(update: Update, context: BotContext) -> None:
    """A step button of a card: ``cf:s:<person id>:<stage number>``, checked by the service."""
    t, query = context.t, update.callback_query
    person_id, number = cb.int_args(query.data, f"{P}:s", 2) or (0, 0)
    stage = STAGES[number] if 0 < number < len(STAGES) else ""
    try:
        person, event = await progression.record(context.req, person_id, stage)
    except access.AccessDenied:
        await refuse(update, context)
        return
    except StageRefused as refused:
        if refused.reason != "missed":
            await query.answer(refused_text(t, refused), show_alert=True)
            return
        await acknowledge(update)
        found = await progression.progress_of(context.req, person_id)
        await say(update, context, refused_text(t, refused, found.person),
                  reply_markup=InlineKeyboardMarkup([[ui.button(
                      P, "✍️ " + t.gettext("Record it anyway, with a note"), "o", person_id)]]))
        return
    await acknowledge(update)
    _wake(context)
    await say(update, context, recorded_text(t, person, event.stage))


async def begin_override(turn: Turn, args: list[str]) -> bool:
    """The draft keeps the id only: the name is read again when it is shown."""
    try:
        await progression.progress_of(turn.req, ui.arg_id(args))
    except StageRefused as refused:
        await turn.say(refused_text(turn.t, refused))
        return False
    turn.draft["person"] = ui.arg_id(args)
    return True


async def override(turn: Turn):
    t = turn.t
    try:
        person, event = await progression.record(turn.req, turn.draft["person"], "apprentice",
                                                 note=turn.draft["note"])
    except StageRefused as refused:
        await turn.say(refused_text(t, refused))
        return END
    _wake(turn.context)
    await turn.say(recorded_text(t, person, event.stage) + "\n" + t.gettext(
        "Your note is kept with it."))
    return END


OVERRIDE = Flow(
    name="certify_override", prefix=P, action=Action.DECIDE, finish=override, about_others=True,
    entries=[Entry(button="o", begin=begin_override, remove_buttons=True)],
    steps=[Step("note", question=N_(
        "Why the certificate anyway? Write a short note. It is kept with the certificate."),
        text=ui.words(progression.NOTE_MAX))],
)


def handlers() -> list:
    return [CommandHandler("progress", show_progress), CommandHandler("certify", certify_list),
            ui.tap(P, "l", certify_list), ui.tap(P, "p", person_card),
            ui.tap(P, "s", record_step)]
