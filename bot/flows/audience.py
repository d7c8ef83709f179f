"""The "who is it for?" steps that /event and /broadcast share.

Everyone, all kwartiermakers, my cohort, the circle of one kwartiermaker (a trainer picks
whose), or people picked by hand. The answer lands in ``draft["audience"]``; the ids are
checked again by the services when the draft is saved.
"""

from __future__ import annotations

from bot.access import Role
from bot.flows.pickers import multi_pick
from bot.flows.steps import Choice, Step, Turn
from bot.i18n import N_, Translator
from bot.services import audiences
from bot.services.audiences import MAX_PICKED, Audience


def label(t: Translator, role: Role | None, audience: Audience) -> str:
    if audience.kind == "list":
        return t.ngettext("{count} person picked by hand", "{count} people picked by hand",
                          len(audience.members)).format(count=len(audience.members))
    if audience.kind == "circle" and audiences.needs_owner(role, "circle"):
        return t.gettext("The residents of one kwartiermaker")
    return {"everyone": t.gettext("Everyone"), "organisers": t.gettext("All kwartiermakers"),
            "cohort": t.gettext("The kwartiermakers I invited"),
            "circle": t.gettext("The residents of my circle")}[audience.kind]


def _kinds(turn: Turn) -> list[Choice]:
    t, role = turn.t, turn.req.role
    return [Choice(k, t.gettext("People I pick") if k == "list" else label(t, role, Audience(k)))
            for k in audiences.kinds_for(role)]


def _kind_chosen(turn: Turn, kind: str) -> None:
    if kind == "list" or audiences.needs_owner(turn.req.role, kind):
        turn.draft["audience_kind"] = kind
    else:
        turn.draft["audience"] = Audience(kind).as_dict()


async def _owners(turn: Turn) -> list[Choice]:
    return [Choice(p.id, p.display_name)
            for p in (await audiences.organisers(turn.req))[:MAX_PICKED]]


async def _pickable(turn: Turn) -> list[Choice]:
    return [Choice(p.id, p.display_name)
            for p in (await audiences.candidates(turn.req))[:MAX_PICKED]]


def _waiting_for(kind: str):
    return lambda d: d.get("audience_kind") == kind and "audience" not in d


def _picked(turn: Turn, members: list) -> None:
    turn.draft["audience"] = Audience("list", members=tuple(sorted(members))).as_dict()


AUDIENCE_STEPS = [
    Step("audience_kind", key="aud", question=N_("Who is it for?"), choices=_kinds,
         store=_kind_chosen, pending=lambda d: "audience" not in d and "audience_kind" not in d),
    Step("owner", key="own", question=N_("Whose circle?"), choices=_owners,
         store=lambda turn, owner: turn.draft.update(
             audience=Audience("circle", ref=owner).as_dict()),
         pending=_waiting_for("circle")),
    multi_pick("members", key="pk", done="pkd", done_label=N_("Done picking"), done_icon="👍 ",
               question=N_("Tap the people it is for."), choices=_pickable, per_row=1,
               marks=("✅ ", "▫️ "), limit=MAX_PICKED, then=_picked,
               check=lambda turn, members: None if members else turn.t.gettext(
                   "Pick at least one person."), pending=_waiting_for("list")),
]
