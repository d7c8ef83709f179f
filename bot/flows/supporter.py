"""/supporter: a kwartiermaker lets a trainer or another kwartiermaker write the logs of a
series for them; tapping a supporter again takes it back."""

from __future__ import annotations

from bot import access
from bot.access import Action
from bot.flows import ui
from bot.flows.steps import END, Choice, Entry, Flow, Step, Turn
from bot.i18n import N_
from bot.services import sessions, supporters


async def own_series(turn: Turn) -> list[Choice]:
    return [Choice(s.id, s.title) for s in await sessions.my_series(turn.req)]


async def people(turn: Turn) -> list[Choice]:
    found = await supporters.candidates(turn.req, turn.draft["series"])
    return [Choice(p.id, ui.tick(on) + p.display_name) for p, on in found[:40]]


async def begin(turn: Turn, _args: list[str]) -> bool:
    if not await sessions.my_series(turn.req):
        await turn.say(turn.t.gettext("You have no series yet. /series sets one up."))
        return False
    return True


async def finish(turn: Turn) -> object:
    t = turn.t
    try:
        person, series, on = await supporters.toggle(turn.req, turn.draft["series"],
                                                     turn.draft["person"])
    except access.AccessDenied:
        await turn.say(t.gettext("That person cannot write logs for you."))
        return END
    await turn.say((t.gettext("{name} may now write the logs of \"{title}\". They get a "
                              "message. Who gets the fee does not change.") if on
                    else t.gettext("{name} no longer writes the logs of \"{title}\".")
                    ).format(name=person.display_name, title=series.title))
    return END


SUPPORTER = Flow(
    name="supporter", prefix="sp", action=Action.SUPPORTER,
    entries=[Entry(command="supporter", begin=begin)], finish=finish,
    steps=[
        Step("series", key="ser", question=N_("Which series?"), choices=own_series, auto=True),
        Step("person", key="who", question=N_(
            "Who may write the logs for you? A trainer or another kwartiermaker. Tap a name "
            "with ✅ to take it back."), choices=people),
    ],
)
