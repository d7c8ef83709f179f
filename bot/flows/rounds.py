"""/round for trainers: the rounds of the programme (name, dates, how many kwartiermakers,
vouchers granted of the cap), "➕ New round" (a name, the first and the last day), and per round
a tick-list to put kwartiermakers in it: those who joined before rounds existed, or who move on
to a follow-up round. Invites for kwartiermakers name a round (``flows.invites``)."""

from __future__ import annotations

from datetime import date

from telegram import Update
from telegram.ext import CommandHandler

from bot.access import Action
from bot.context import BotContext
from bot.flows import pages, ui
from bot.flows.common import requires
from bot.flows.pickers import multi_pick
from bot.flows.progress import who
from bot.flows.steps import END, Choice, Entry, Flow, Problem, Step, Turn
from bot.flows.texts import round_dates
from bot.i18n import N_, Translator
from bot.services import rounds
from bot.services.calendar import parse_date
from bot.services.rounds import RoundRefused

P = "rd"
MOST = 8  # rounds on a page: a button each


def kwartiermakers(t: Translator, count: int) -> str:
    return t.ngettext("{count} kwartiermaker", "{count} kwartiermakers", count).format(count=count)


# /round ---------------------------------------------------------------------------------------
@requires(Action.ROUNDS)
async def round_list(update: Update, context: BotContext) -> None:
    """/round, and its page buttons."""
    t, cap = context.t, context.services.settings.voucher_count
    found, unassigned = await rounds.listing(context.req)
    new = [[ui.button(P, "➕ " + t.gettext("New round"), "new")]]
    if not found:
        await pages.show(update, context, t.gettext(
            "No rounds yet. A round has a name and dates. Invites for kwartiermakers can then "
            "name it."), new)
        return
    blocks = [f"{n}. {line.round.name} · {round_dates(t, line.round)}\n   👥 "
              f"{kwartiermakers(t, line.kwartiermakers)} · 🎟 "
              + t.gettext("{granted} of {cap} vouchers granted").format(granted=line.granted,
                                                                        cap=cap)
              for n, line in enumerate(found, start=1)]
    tail = ["", t.ngettext("Not in a round: {count} kwartiermaker.",
                           "Not in a round: {count} kwartiermakers.", unassigned).format(
        count=unassigned)] if unassigned else []
    shown = pages.page(t, blocks, number=pages.wanted(update, P, "l"), most=MOST,
                       head=[t.gettext("Rounds of the programme:"), ""], tail=tail)
    rows = [[ui.button(P, "👥 " + t.gettext("Who is in {name}?").format(
        name=found[i].round.name), "pick", found[i].round.id)] for i in shown.shown]
    await pages.show(update, context, shown.text, rows + pages.nav(shown, P, "l") + new)


# ➕ New round ---------------------------------------------------------------------------------
def read_day(turn: Turn, text: str) -> str:
    day = parse_date(text, rounds.today(turn.req))
    if day is None:
        raise Problem(turn.t.gettext("I could not read that date."))
    return day.isoformat()


def refused_text(t: Translator, reason: str) -> str:
    return {"order": t.gettext("The end cannot be before the start."),
            "long": t.gettext("A round lasts at most three years.")}[reason]


def end_problem(turn: Turn, value: str) -> str | None:
    start, end = date.fromisoformat(turn.draft["start"]), date.fromisoformat(value)
    if end < start:
        return refused_text(turn.t, "order")
    if end - start > rounds.LONGEST:
        return refused_text(turn.t, "long")
    return None


async def save(turn: Turn):
    d, t = turn.draft, turn.t
    try:
        made = await rounds.create(turn.req, name=d["name"],
                                   starts_on=date.fromisoformat(d["start"]),
                                   ends_on=date.fromisoformat(d["end"]))
    except RoundRefused as refused:  # the step's check said the same; this is the server's
        await turn.say(refused_text(t, refused.reason))
        return END
    await turn.say(t.gettext("Round saved: {name}, {dates}.").format(name=made.name,
                                                                     dates=round_dates(t, made)))
    await round_list(turn.update, turn.context)
    return END


NEW = Flow(
    name="round_new", prefix=P, action=Action.ROUNDS, finish=save,
    entries=[Entry(button="new", remove_buttons=True)],
    steps=[
        Step("name", question=N_("What is the round called? For example: Spring 2027."),
             text=ui.words(rounds.NAME_MAX)),
        Step("start", question=N_("On which day does it start? Type a date, like 7-5-2027."),
             text=read_day),
        Step("end", question=N_("On which day does it end? Type a date, like 30-6-2027."),
             text=read_day, check=end_problem),
    ],
)


# 👥 Who is in a round ------------------------------------------------------------------------
async def people_choices(turn: Turn) -> list[Choice]:
    """Every active kwartiermaker (told apart by the day they joined where names repeat), with
    the round they are in now when it is another one: a tick moves them."""
    t = turn.t
    found, people = await rounds.members(turn.req, turn.draft["round"])
    names = [p.display_name.casefold() for p, _ in people]
    return [Choice(p.id, who(t, p, joined=names.count(p.display_name.casefold()) > 1)
                   + (f" · {now.name}" if now is not None and now.id != found.id else ""))
            for p, now in people]


PICK = multi_pick("people", key="t", question=lambda turn: turn.t.gettext(
    "Who is in {name}? Tap to tick or untick, then Save. A tick moves someone from another "
    "round.").format(name=turn.draft.get("round_name", "")), choices=people_choices,
    done="save", done_label=N_("Save"), done_icon="💾 ", per_row=1)


async def save_people(turn: Turn):
    t, round_id = turn.t, turn.draft["round"]
    await rounds.set_members(turn.req, round_id, [int(v) for v in turn.draft["people"]])
    found, people = await rounds.members(turn.req, round_id)
    count = sum(1 for _, now in people if now is not None and now.id == found.id)
    await turn.say(t.ngettext("Saved. {name} now has {count} kwartiermaker.",
                              "Saved. {name} now has {count} kwartiermakers.", count).format(
        name=found.name, count=count))
    return END


async def begin_members(turn: Turn, args: list[str]) -> bool:
    found, people = await rounds.members(turn.req, ui.arg_id(args))
    if not people:
        await turn.say(turn.t.gettext("No kwartiermakers yet."))
        return False
    turn.draft.update(round=found.id, round_name=found.name, picked={"people": [
        p.id for p, now in people if now is not None and now.id == found.id]})
    return True


MEMBERS = Flow(
    name="round_members", prefix=P, action=Action.ROUNDS, finish=save_people, about_others=True,
    entries=[Entry(button="pick", begin=begin_members, remove_buttons=False)],
    steps=[PICK],
)


def handlers() -> list:
    return [CommandHandler("round", round_list), ui.tap(P, "l", round_list)]
