"""/series: a kwartiermaker sets up a series of table sessions (title, themes, place, how many,
a co-host if there is one, and then who gets the fee)."""

from __future__ import annotations

from bot.access import Action
from bot.flows import ui
from bot.flows.pickers import multi_pick
from bot.flows.steps import END, Choice, Entry, Flow, Problem, Step, Turn
from bot.i18n import N_
from bot.services import audiences, sessions


def read_planned(turn: Turn, text: str) -> int:
    planned = ui.number(text)
    if planned is None or not 1 <= planned <= 20:
        raise Problem(turn.t.gettext("Please give a number from 1 to 20."))
    return planned


async def cohosts(turn: Turn) -> list[Choice]:
    others = [p for p in await audiences.organisers(turn.req) if p.id != turn.req.person.id]
    return [*(Choice(p.id, p.display_name) for p in others[:30]),
            Choice(0, turn.t.gettext("No co-host"))]


async def shares(turn: Turn) -> list[Choice]:
    """Who gets the fee: the kwartiermaker, half each, or the co-host (by name)."""
    cohost = next((c.label for c in await cohosts(turn) if c.value == turn.draft["cohost"]), "?")
    return [Choice(0, turn.t.gettext("Me")), Choice(50, turn.t.gettext("Half each")),
            Choice(100, cohost)]


async def create(turn: Turn) -> object:
    d = turn.draft
    await sessions.create_series(turn.req, sessions.SeriesDraft(
        title=d["title"], themes=d["themes"], place=d["place"] or "", planned=d["planned"],
        cohost_id=d["cohost"] or None, cohost_share=d.get("share") or 0))
    await turn.say(turn.t.gettext(
        "Series \"{title}\" is ready. After each session: /log.").format(title=d["title"]))
    return END


SERIES = Flow(
    name="series", prefix="sr", action=Action.SERIES, entries=[Entry(command="series")],
    finish=create,
    steps=[
        Step("title", question=N_("A new series of table sessions. Its title?"),
             text=ui.words(sessions.TITLE_MAX)),
        multi_pick("themes", key="th", question=N_(
            "Its themes? Tap one or more."), choices=ui.themes),
        Step("place", question=N_(
            "Where? Type the place, or tap \"No place yet\"."), text=ui.words(sessions.TITLE_MAX),
             skip=N_("No place yet"), skip_key="noplace"),
        Step("planned", key="n", question=N_("How many sessions do you plan?"),
             choices=lambda turn: [Choice(n, str(n)) for n in (4, 5, 6, 8)], per_row=4,
             text=read_planned),
        Step("cohost", key="co", question=N_(
            "Do you host it with another kwartiermaker?"), choices=cohosts),
        Step("share", key="fee", question=N_("Who gets the fee for the sessions?"),
             choices=shares, per_row=3,
             pending=lambda d: bool(d.get("cohost")) and "share" not in d),
    ],
)
