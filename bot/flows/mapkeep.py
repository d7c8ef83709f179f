"""/mapkeep: trainers find an entry of the social map and change a field, make it inactive or
mark it verified, or add a new one; every change is recorded with who made it."""

from __future__ import annotations

from bot.access import Action
from bot.flows import ui
from bot.flows.mapcard import card, line_label
from bot.flows.steps import NEXT, STAY, Choice, Entry, Flow, Outcome, Problem, Step, Turn
from bot.i18n import N_
from bot.services import referrals, sharing, socialmap
from bot.services.socialmap import Entry as MapEntry
from bot.services.socialmap import Filters

P = "mk"
FIELDS = ("name", "description", "phone", "url", "email", "address", "eligibility", "cost")
WORDED = ("name", "description")


async def _entry(turn: Turn) -> MapEntry | None:
    entry_id = turn.draft.get("entry")
    return next((e for e in (await socialmap.load_all(turn.req)).entries if e.id == entry_id),
                None)


# finding -------------------------------------------------------------------------------------
async def ask_find(turn: Turn) -> None:
    t = turn.t
    await turn.say(t.gettext("Type a few words of the entry to change, or add one."),
                   [[turn.button("➕ " + t.gettext("New entry"), "new")], turn.cancel_row()])


async def search(turn: Turn, words: str) -> Outcome:
    found = (await socialmap.load_all(turn.req)).by_text(words, Filters(), turn.req.now,
                                                         turn.req.tz)
    if not found:
        await turn.say(turn.t.gettext("Nothing found."))
        await ask_find(turn)
        return STAY
    await turn.say(turn.t.gettext("Which one?"),
                   [[turn.button(e.name[:60], "e", e.id)] for e in found])
    return STAY


async def picked(turn: Turn, args: list[str]) -> Outcome:
    turn.draft.pop("field", None)
    turn.draft["entry"] = args[0] if args else ""
    if await _entry(turn) is None:
        turn.draft.pop("entry")
    return NEXT


async def new(turn: Turn, _args: list[str]) -> Outcome:
    turn.draft["new"] = True
    return NEXT


# changing ------------------------------------------------------------------------------------
async def show_entry(turn: Turn) -> None:
    t, entry = turn.t, await _entry(turn)
    status = t.gettext("active") if entry.active else t.gettext("inactive")

    def edit(label: str, field: str):
        return turn.button("✏️ " + label, "f", field)

    await turn.say(card(t, entry, turn.req.now, turn.req.tz) + "\n\n" + t.gettext(
        "Status: {status} · verified: {verified}").format(
        status=status, verified=entry.last_verified or "–"), [
        [edit(t.gettext("Name"), "name"), edit(t.gettext("Description"), "description")],
        [edit(t.gettext("Phone"), "phone"), edit(t.gettext("Website"), "url")],
        [edit(t.gettext("E-mail"), "email"), edit(t.gettext("Address"), "address")],
        [edit(t.gettext("Who it is for"), "eligibility"), edit(t.gettext("Cost"), "cost")],
        [turn.button(("▶️ " + t.gettext("Make active")) if not entry.active
                     else ("⏸ " + t.gettext("Make inactive")), "act"),
         turn.button("✅ " + t.gettext("Verified today"), "ver")], turn.cancel_row()])


async def save(turn: Turn, field: str, value: object) -> Outcome:
    await referrals.edit(turn.req, turn.draft["entry"], field, value)
    await turn.say(turn.t.gettext("Saved. The change is recorded."))
    return NEXT


async def field_chosen(turn: Turn, args: list[str]) -> Outcome:
    if not args or args[0] not in FIELDS:
        return NEXT
    turn.draft["field"] = args[0]
    return NEXT


async def toggle_active(turn: Turn, _args: list[str]) -> Outcome:
    entry = await _entry(turn)
    return await save(turn, "active", int(not entry.active))


async def verified(turn: Turn, _args: list[str]) -> Outcome:
    return await save(turn, "last_verified", turn.req.now.astimezone(turn.req.tz).date()
                      .isoformat())


def read_value(turn: Turn, text: str) -> str:
    value = ui.collapse(text, 500)
    if turn.draft["field"] in WORDED and not sharing.has_words(value):
        raise Problem(turn.t.gettext("Type the new text."))
    return value


async def store_value(turn: Turn, value: str) -> Outcome:
    return await save(turn, turn.draft.pop("field"), value)


# adding --------------------------------------------------------------------------------------
async def add(turn: Turn, code: str) -> Outcome:
    d = turn.draft
    entry_id = await referrals.add_entry(turn.req, name=d["new_name"],
                                         description=d["new_description"], line=d["new_line"],
                                         category=code)
    turn.draft.clear()
    turn.draft["entry"] = entry_id
    await turn.say(turn.t.gettext("Added. Add a phone number or website now:"))
    return NEXT


def _adding(key: str):
    return lambda d: "new" in d and key not in d


MAPKEEP = Flow(
    name="mapkeep", prefix=P, action=Action.MAPKEEP, entries=[Entry(command="mapkeep")],
    steps=[
        Step("find", ask=ask_find, text=lambda turn, text: text, store=search,
             actions={"e": picked, "new": new},
             pending=lambda d: "entry" not in d and "new" not in d),
        Step("new_name", question=N_("The name of the new entry?"), text=ui.words(120),
             pending=_adding("new_name")),
        Step("new_description", question=N_("What do they do, in one or two sentences?"),
             text=ui.words(1000), pending=_adding("new_description")),
        Step("new_line", key="l", question=N_("Which line?"), pending=_adding("new_line"),
             choices=lambda turn: [Choice(n, f"{n} · {line_label(turn.t, n)}"[:60])
                                   for n in (0, 1, 2)]),
        Step("new_category", key="c", question=N_("Which theme is it about?"), choices=ui.themes,
             per_row=2, store=add, pending=_adding("new_category")),
        Step("value", question=N_("Type the new text."), text=read_value, store=store_value,
             pending=lambda d: "field" in d),
        Step("entry", ask=show_entry, pending=lambda d: "entry" in d,
             actions={"e": picked, "f": field_chosen, "act": toggle_active, "ver": verified}),
    ],
)
