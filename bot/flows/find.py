"""/find: help on the social map, by theme, by typing a few words, or by sharing a location;
with filters for open now, my language and the line (0 neighbours, 1 first line, 2 specialist).
The filters are kept between searches, as a preference."""

from __future__ import annotations

from telegram import KeyboardButton, Message, ReplyKeyboardMarkup, ReplyKeyboardRemove, Update

from bot import access
from bot.access import Action
from bot.context import BotContext
from bot.flows import ui
from bot.flows.common import requires
from bot.flows.mapcard import card
from bot.flows.steps import END, NEXT, STAY, Entry, Flow, Outcome, Step, Turn
from bot.i18n import N_
from bot.services import socialmap
from bot.services.socialmap import Entry as MapEntry
from bot.services.socialmap import Filters

P = "fd"
SHOWN = 5


def _filters(turn: Turn) -> dict:
    return turn.context.user_data.setdefault("find", {"open": False, "mine": False, "line": -1})


def _as_filters(turn: Turn) -> Filters:
    d = _filters(turn)
    return Filters(open_now=d["open"], language=turn.t.code if d["mine"] else None,
                   line=None if d["line"] < 0 else d["line"])


def _line_name(t, line: int) -> str:
    """The three "lines" of care in words a resident knows."""
    return {-1: t.gettext("All kinds of help"), 0: t.gettext("Neighbours"),
            1: t.gettext("GP and district team"), 2: t.gettext("Specialist care")}[line]


def _filters_on(turn: Turn) -> list[str]:
    t, d = turn.t, _filters(turn)
    return [name for on, name in ((d["open"], t.gettext("Open now")),
                                  (d["mine"], t.gettext("Speaks my language")),
                                  (d["line"] >= 0, _line_name(t, d["line"]) if d["line"] >= 0
                                   else "")) if on]


def _menu(turn: Turn) -> list[list]:
    t, d = turn.t, _filters(turn)
    line = _line_name(t, d["line"])
    return [[turn.button("🗂 " + t.gettext("By theme"), "theme")],
            [turn.button("⌨️ " + t.gettext("Type a few words"), "words")],
            [turn.button("📍 " + t.gettext("Near me"), "near")],
            [turn.button(ui.tick(d["open"]) + t.gettext("Open now"), "f", "open"),
             turn.button(ui.tick(d["mine"]) + t.gettext("Speaks my language"), "f", "mine")],
            [turn.button("🔁 " + line, "f", "line")], turn.cancel_row()]


async def ask_menu(turn: Turn) -> None:
    await turn.say(turn.t.gettext("Find help. How do you want to look?"), _menu(turn))


async def toggle(turn: Turn, args: list[str]) -> Outcome:
    d = _filters(turn)
    which = args[0] if args else ""
    if which in ("open", "mine"):
        d[which] = not d[which]
    elif which == "line":
        d["line"] = (d["line"] + 2) % 4 - 1  # all → 0 → 1 → 2 → all
    await turn.answer()
    await turn.edit_buttons(_menu(turn))
    return STAY


async def clear(turn: Turn, _args: list[str]) -> Outcome:
    turn.context.user_data["find"] = {"open": False, "mine": False, "line": -1}
    await turn.answer()
    await turn.remove_buttons()
    return NEXT  # the menu again, without filters


def mode(name: str):
    async def action(turn: Turn, _args: list[str]) -> Outcome:
        turn.draft["mode"] = name
        return NEXT
    return action


async def show(turn: Turn, found: list[tuple[MapEntry, float | None]]) -> Outcome:
    """Cards of what was found (the flow ends); or "nothing found", back at the menu."""
    t, req = turn.t, turn.req
    if not found:
        turn.draft.pop("mode", None)
        if (await socialmap.load(req)).empty:
            text = t.gettext("The map of help in the district is still empty. Drop in at the "
                             "weekly consultation hour: someone will look with you.")
            if access.is_trainer(req.role):
                text += "\n\n" + t.gettext("For trainers: the map is filled with "
                                            "samenbot socialmap import. See the README.")
            await turn.say(text)
            return END
        rows = [[turn.button("🗂 " + t.gettext("By theme"), "theme")]]
        on = _filters_on(turn)
        text = t.gettext("Nothing found. Try a theme. Or drop in at the weekly consultation "
                         "hour: someone will look with you.")
        if on:
            text = t.gettext("Nothing found with these filters on: {filters}.").format(
                filters=", ".join(on))
            rows.insert(0, [turn.button("✖️ " + t.gettext("Clear the filters"), "clear")])
        await turn.say(text, rows)
        return STAY
    for entry, distance in found:
        rows = ([[turn.button("🗺 " + t.gettext("Show on the map"), "map", entry.id)]]
                if entry.latitude is not None else None)
        await turn.say(card(t, entry, req.now, req.tz, distance), rows)
    return END


async def by_theme(turn: Turn, code: str | tuple) -> Outcome:
    if isinstance(code, tuple):  # typed instead of tapped: looked up as words
        return await by_words(turn, code[1])
    found = (await socialmap.load(turn.req)).by_category(code, _as_filters(turn), turn.req.now,
                                                         turn.req.tz)
    return await show(turn, [(e, None) for e in found[:SHOWN]])


async def by_words(turn: Turn, words: str) -> Outcome:
    themes = socialmap.themes_named(words, await ui.category_labels(turn.context))
    found = (await socialmap.load(turn.req)).by_text(words, _as_filters(turn), turn.req.now,
                                                     turn.req.tz, themes=themes)
    return await show(turn, [(e, None) for e in found])


async def ask_place(turn: Turn) -> None:
    t = turn.t
    await turn.say(t.gettext("Tap the button below to share where you are, or send a location "
                             "with 📎."), reply_markup=ReplyKeyboardMarkup(
        [[KeyboardButton("📍 " + t.gettext("Share my location"), request_location=True)]],
        one_time_keyboard=True, resize_keyboard=True))


async def by_place(turn: Turn, message: Message) -> Outcome:
    point = (message.location.latitude, message.location.longitude)
    t = turn.t
    await turn.say(t.gettext("Thank you."), reply_markup=ReplyKeyboardRemove())
    if not socialmap.in_district(point):
        await turn.say(t.gettext(
            "That place is far from the district. These are the nearest places in it."))
    found = (await socialmap.load(turn.req)).nearest(point, _as_filters(turn), turn.req.now,
                                                     turn.req.tz)
    return await show(turn, found)


def _mode_is(name: str):
    return lambda d: d.get("mode") == name


FIND = Flow(
    name="find", prefix=P, action=Action.FIND, cancelled=N_("All right."),
    entries=[Entry(command="find"), Entry(button="theme", begin=lambda turn, _a: _theme(turn))],
    steps=[
        Step("mode", ask=ask_menu, actions={"f": toggle, "theme": mode("theme"), "clear": clear,
                                           "words": mode("words"), "near": mode("near")}),
        Step("theme", key="cat", question=N_("Which theme?"), choices=ui.themes, per_row=2,
             pending=_mode_is("theme"), store=by_theme, text=lambda turn, text: ("words", text)),
        Step("words", question=N_("Type a few words, like \"debts\" or \"food\"."),
             text=lambda turn, text: text, pending=_mode_is("words"), store=by_words),
        Step("near", ask=ask_place, location=lambda turn, message: message,
             pending=_mode_is("near"), store=by_place,
             wrong=N_("Please use the button to share your location, or /find to look another "
                      "way.")),
    ],
)


async def _theme(turn: Turn) -> bool:
    turn.draft["mode"] = "theme"
    return True


@requires(Action.FIND)
async def show_map(update: Update, context: BotContext) -> None:
    query = update.callback_query
    entry_id = (query.data or "").partition(f"{P}:map:")[2]
    entry = next((e for e in (await socialmap.load(context.req)).entries if e.id == entry_id),
                 None)
    await query.answer()
    if entry is None or entry.latitude is None:
        return
    await context.bot.send_location(update.effective_chat.id, entry.latitude, entry.longitude)


def handlers() -> list:
    return [ui.tap(P, "map", show_map)]
