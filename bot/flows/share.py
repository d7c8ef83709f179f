"""The two-hands questionnaire: "What could you use a hand with?" and "What could you offer?".

Buttons and voice all the way: pick categories from a grid, add a few words or a voice message
to each (or skip), see a summary where any item can be changed or removed, save. One need and
one offer take 8 taps. ``QUESTIONNAIRE`` and ``summary`` are also the second half of /intake,
where a kwartiermaker enters a resident's answers.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from telegram import Message

from bot.access import Action
from bot.flows import ui
from bot.flows.pickers import multi_pick
from bot.flows.steps import END, NEXT, STAY, Entry, Flow, Outcome, Problem, Step, Turn
from bot.flows.steps import screen as summary_screen
from bot.i18n import N_, Translator
from bot.services import sharing
from bot.services.sharing import DraftItem

P = "sh"
KIND = {"needs": "need", "offers": "offer"}


def to_them(msgid: str):
    """A question as the resident hears it; in a phone intake, prefixed with whom the
    kwartiermaker asks (the question speaks to the resident, not to the one typing)."""
    def text(turn: Turn) -> str:
        question = turn.t.gettext(msgid)
        if turn.flow.name == "share":
            return question
        return turn.t.gettext("Ask {name}:").format(name=turn.draft.get("name", "?")) \
            + "\n" + question
    return text


def queue_new(grid: str):
    """After a grid: an item for every newly ticked category, each with its detail question."""

    def then(turn: Turn, picked: list) -> None:
        d, kind = turn.draft, KIND[grid]
        d.setdefault("items", [])
        have = {(i["kind"], i["category"]) for i in d["items"]}
        for code in picked:
            if (kind, code) not in have:
                d["items"].append({"kind": kind, "category": code, "text": "", "voice": None,
                                   "seconds": None})
                d.setdefault("queue", []).append(len(d["items"]) - 1)
        d["version"] = d.get("version", 0) + 1
    return then


async def told_by_voice(turn: Turn, message: Message) -> dict:
    """A voice message instead of taps: for someone who reads little, this is the whole
    answer. The person who invited them listens and picks the theme."""
    if turn.flow.name == "share":
        await turn.say(turn.t.gettext("Thank you, I kept your voice message. The person who "
                                      "invited you will listen to it."))
    else:
        await turn.say(turn.t.gettext("Kept. After saving, /circle lets you listen to it again "
                                      "and pick its theme."))
    return {"kind": "need", "category": sharing.TOLD, "text": "", "voice": message.voice.file_id,
            "seconds": ui.voice_seconds(message)}


def store_told(turn: Turn, item: dict) -> None:
    d = turn.draft
    d.setdefault("items", []).append(item)
    d["needs"] = [sharing.TOLD]
    d["version"] = d.get("version", 0) + 1


async def nothing_to_offer(turn: Turn, _args: list[str]) -> Outcome:
    turn.draft["offers"] = []
    return NEXT


# one item's words or voice -------------------------------------------------------------------
def _item(turn: Turn) -> dict:
    return turn.draft["items"][turn.draft["queue"][0]]


async def ask_detail(turn: Turn) -> None:
    t = turn.t
    labels = await ui.category_labels(turn.context)
    code = _item(turn)["category"]
    await turn.say(t.gettext("{category}: tell a little more in a few words. Or send a voice "
                             "message, or skip.").format(category=labels.get(code, code)),
                   [[turn.button("⏭ " + t.gettext("Skip"), "skip")]])


async def read_words(turn: Turn, text: str) -> dict:
    words, cut = sharing.clean_text(text)
    if not sharing.has_words(words):
        raise Problem(turn.t.gettext("I could not find words in that. Type a few words, send a "
                                     "voice message, or skip."))
    if cut:
        await turn.say(turn.t.gettext("That was long: I kept the first {count} characters.")
                       .format(count=sharing.TEXT_MAX))
    return {"text": words}


async def read_voice(turn: Turn, message: Message) -> dict:
    await turn.say(turn.t.gettext("Thank you, I kept your voice message."))
    return {"voice": message.voice.file_id, "seconds": ui.voice_seconds(message)}


def store_detail(turn: Turn, detail: dict | None) -> None:
    d = turn.draft
    index = d["queue"].pop(0)
    if detail:
        d["items"][index].update(detail)
    d["version"] = d.get("version", 0) + 1


async def ask_nudge(turn: Turn) -> None:
    t = turn.t
    await turn.say(t.gettext(
        "Everyone has two hands: one to receive and one to give. Is there something small you "
        "could offer? A listening ear, a cup of coffee or a walk. A recipe from home, or help "
        "with a form in your language."), [
        [turn.button(t.gettext("Choose something small"), "small")],
        [turn.button(t.gettext("Not now"), "later")], turn.cancel_row()])


async def something_small(turn: Turn, _args: list[str]) -> Outcome:
    turn.draft["nudged"] = True
    turn.draft.pop("offers", None)
    return NEXT


async def not_now(turn: Turn, _args: list[str]) -> Outcome:
    turn.draft["nudged"] = True
    return NEXT


def _needs_nudge(d: dict) -> bool:
    kinds = {i["kind"] for i in d.get("items", [])}
    return "offers" in d and not d.get("nudged") and "need" in kinds and "offer" not in kinds


QUESTIONNAIRE = [
    multi_pick("needs", key="c", question=to_them(N_("🤲 What could you use a hand with? Tap "
                                                     "one or more, or send a voice message.")),
               choices=ui.themes, then=queue_new("needs"), voice=told_by_voice,
               store=store_told),
    Step("detail", ask=ask_detail, text=read_words, voice=read_voice, skip=N_("Skip"),
         store=store_detail, pending=lambda d: bool(d.get("queue")),
         wrong=N_("Please type a few words, send a voice message, or tap Skip.")),
    multi_pick("offers", key="c", question=to_them(N_("🎁 What could you offer someone else? "
                                                      "Tap one or more.")), choices=ui.themes,
               then=queue_new("offers"), actions={"none": nothing_to_offer},
               extra=lambda turn: [[turn.button(turn.t.gettext("Nothing right now"), "none")]]),
    Step("nudge", ask=ask_nudge, pending=_needs_nudge,
         actions={"small": something_small, "later": not_now}),
]


# the summary ---------------------------------------------------------------------------------
def _line(t: Translator, labels: dict[str, str], number: int, item: dict) -> str:
    parts = [f"{number}. {'🤲' if item['kind'] == 'need' else '🎁'} "
             f"{labels.get(item['category'], item['category'])}"]
    if item.get("text"):
        parts.append(f"“{item['text']}”")
    if item.get("voice"):
        parts.append("🎤 " + t.gettext("voice message, {seconds} s").format(
            seconds=item.get("seconds") or 0))
    return " – ".join(parts)


async def ask_summary(turn: Turn) -> None:
    t, d = turn.t, turn.draft
    items, version = d.get("items", []), d.get("version", 0)
    labels = await ui.category_labels(turn.context)
    lines = ([t.gettext("This is what will be saved:"), ""]
             + [_line(t, labels, n, item) for n, item in enumerate(items, start=1)]
             if items else [t.gettext("Nothing chosen yet.")])
    rows = [[turn.button(f"✏️ {n}", "ed", n - 1, version),
             turn.button(f"🗑 {n}", "rm", n - 1, version)] for n in range(1, len(items) + 1)]
    rows.append([turn.button("💾 " + t.gettext("Save"), "save", version)] if items else
                [turn.button("🤲 " + t.gettext("Start again"), "again", version)])
    await turn.say("\n".join(lines), [*rows, turn.cancel_row()])


def _current(turn: Turn, args: list[str], size: int) -> int | None:
    """The item a summary button means, or None when the button is from an older summary."""
    if len(args) != size or not all(a.isascii() and a.isdigit() for a in args) or \
            int(args[-1]) != turn.draft.get("version", 0):
        return None
    index = int(args[0]) if size == 2 else 0
    return index if 0 <= index < len(turn.draft.get("items", [])) else None


async def _older(turn: Turn) -> Outcome:
    await turn.answer(turn.t.gettext("That button is from an older summary. Here is the current "
                                     "one."))
    await ask_summary(turn)
    return STAY


async def remove(turn: Turn, args: list[str]) -> Outcome:
    index = _current(turn, args, 2)
    if index is None:
        return await _older(turn)
    d = turn.draft
    item = d["items"].pop(index)
    grid = "needs" if item["kind"] == "need" else "offers"
    picked = d.get("picked", {}).get(grid, [])
    if item["category"] in picked:
        picked.remove(item["category"])
    d["version"] = d.get("version", 0) + 1
    return NEXT


async def edit(turn: Turn, args: list[str]) -> Outcome:
    index = _current(turn, args, 2)
    if index is None:
        return await _older(turn)
    turn.draft["queue"] = [index]
    return NEXT


async def again(turn: Turn, _args: list[str]) -> Outcome:
    turn.draft.clear()
    return NEXT


def items_of(turn: Turn) -> list[DraftItem]:
    return [DraftItem(kind=i["kind"], category=i["category"], text=i.get("text") or "",
                      voice_file_id=i.get("voice"), voice_seconds=i.get("seconds"))
            for i in turn.draft.get("items", [])]


Save = Callable[[Turn], Awaitable[Outcome]]


def summary(save: Save):
    async def saving(turn: Turn, args: list[str]) -> Outcome:
        if args != [str(turn.draft.get("version", 0))]:
            return await _older(turn)
        await turn.answer()
        await turn.remove_buttons()
        return await save(turn)

    return summary_screen("summary", ask_summary, rm=remove, ed=edit, save=saving, again=again)


async def save_own(turn: Turn) -> Outcome:
    await sharing.save(turn.req, turn.req.me.id, items_of(turn))
    await turn.say(turn.t.gettext("Saved. Thank you! The person who invited you looks for "
                                  "someone who fits. /mine shows what you shared."))
    return END


SHARE = Flow(
    name="share", prefix=P, action=Action.SHARE,
    entries=[Entry(command="share"), Entry(button="start", remove_buttons=True)],
    resume=N_("You have answers that are not saved yet."),
    steps=[*QUESTIONNAIRE, summary(save_own)],
)
