"""/refer: a warm handover of a need (of the circle, or noted in a session log) to a service on
the social map, with a short note; the kwartiermaker is asked later how it went."""

from __future__ import annotations

from telegram import Update

from bot import callbacks as cb
from bot.access import Action
from bot.context import BotContext
from bot.flows import ui
from bot.flows.common import act, requires
from bot.flows.engine import refuse as refuse_in_flow
from bot.flows.mapcard import line_label
from bot.flows.steps import END, NEXT, Choice, Entry, Flow, Outcome, Step, Turn
from bot.i18n import N_
from bot.services import referrals, socialmap
from bot.services.socialmap import Filters

P = "rr"


async def begin(turn: Turn, _args: list[str]) -> bool:
    needs, notes = await referrals.referable(turn.req)
    if not needs and not notes:
        await turn.say(turn.t.gettext("No open needs in your circle to refer."))
        return False
    return True


async def ask_subject(turn: Turn) -> None:
    t = turn.t
    needs, notes = await referrals.referable(turn.req)
    labels = await ui.category_labels(turn.context)
    rows = [[turn.button(f"🤲 {name}: {labels.get(cat, cat)}"[:60], "n", item_id)]
            for item_id, name, cat in needs[:20]]
    rows += [[turn.button(f"📌 {title} {day:%d-%m}: {note}"[:60], "s", session_id)]
             for session_id, title, day, note in notes[:10]]
    await turn.say(t.gettext("Which need do you want to hand over?"), [*rows, turn.cancel_row()])


async def _entries(turn: Turn) -> list:
    return (await socialmap.load(turn.req)).by_category(turn.draft["category"], Filters(),
                                                        turn.req.now, turn.req.tz)[:8]


async def _then_entry(turn: Turn) -> Outcome:
    """A theme with nothing on the map is a hole in the map: said, and the handover ends."""
    if await _entries(turn):
        return NEXT
    await turn.answer()
    await turn.say(turn.t.gettext(
        "The social map has nothing for this theme yet: a hole in the map. Tell your trainer; "
        "for now keep it as a note."))
    return END


async def need_picked(turn: Turn, args: list[str]) -> Outcome | None:
    needs, _ = await referrals.referable(turn.req)
    by_need = {str(item_id): (item_id, cat) for item_id, _, cat in needs}
    if not args or args[0] not in by_need:
        await refuse_in_flow(turn)
        return END
    turn.draft["need"], turn.draft["category"] = by_need[args[0]]
    return await _then_entry(turn)


async def note_picked(turn: Turn, args: list[str]) -> Outcome | None:
    _, notes = await referrals.referable(turn.req)
    by_session = {str(n[0]): n[0] for n in notes}
    if not args or args[0] not in by_session:
        await refuse_in_flow(turn)
        return END
    turn.draft["session"] = by_session[args[0]]
    return NEXT


async def theme_chosen(turn: Turn, code: str) -> Outcome:
    turn.draft["category"] = code
    return await _then_entry(turn)


async def entries(turn: Turn) -> list[Choice]:
    t = turn.t
    return [Choice(e.id, f"{e.name} ({line_label(t, e.line)})"[:60]) for e in await _entries(turn)]


async def hand_over(turn: Turn):
    d = turn.draft
    await referrals.create(turn.req, referrals.Handover(
        need_id=d.get("need"), session_id=d.get("session"), category=d["category"],
        entry_id=d["entry"], note=d.get("note") or ""))
    await turn.say(turn.t.gettext("Handed over. In {days} days I ask you how it went.").format(
        days=turn.req.settings.referral_follow_up_days))
    return END


REFER = Flow(
    name="refer", prefix=P, action=Action.REFER, entries=[Entry(command="refer", begin=begin)],
    finish=hand_over,
    steps=[
        Step("subject", ask=ask_subject, actions={"n": need_picked, "s": note_picked},
             pending=lambda d: "need" not in d and "session" not in d),
        Step("category", key="c", question=N_("Which theme is it about?"), choices=ui.themes,
             per_row=2, store=theme_chosen),
        Step("entry", key="e", question=N_("To whom do you hand it over?"), choices=entries),
        Step("note", question=N_("A short note for the handover (who you spoke to, what was "
                                 "agreed), or skip."),
             text=lambda turn, text: ui.collapse(text, referrals.NOTE_MAX), skip=N_("Skip")),
    ],
)


@requires(Action.REFER)
async def follow_up_answer(update: Update, context: BotContext) -> None:
    query = update.callback_query
    args = cb.int_args(query.data, cb.REFERRAL, 2)
    if args is None or not 1 <= args[1] <= len(referrals.OUTCOMES):
        await query.answer()
        return
    t = context.t
    await act(update, context, referrals.answer(context.req, args[0],
                                                referrals.OUTCOMES[args[1] - 1]),
              lambda _: t.gettext("Thank you for letting us know."))


def handlers() -> list:
    from telegram.ext import CallbackQueryHandler

    return [CallbackQueryHandler(follow_up_answer, pattern=cb.pattern(cb.REFERRAL))]
