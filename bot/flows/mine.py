"""/mine: a resident sees what they shared, changes the words, withdraws an item, or marks a
need as solved."""

from __future__ import annotations

from telegram import Message, Update
from telegram.ext import CommandHandler

from bot.access import Action
from bot.context import BotContext
from bot.flows import pages, ui
from bot.flows.common import act, requires
from bot.flows.engine import refuse as refuse_in_flow
from bot.flows.share import read_words
from bot.flows.steps import END, Entry, Flow, Outcome, Step, Turn
from bot.i18n import N_
from bot.services import sharing

P = "it"
MOST = 8  # items on a page of /mine: a row of buttons each


@requires(Action.MINE)
async def show(update: Update, context: BotContext) -> None:
    """The person's own items, a page at a time, with the buttons of the items shown."""
    t = context.t
    found = await sharing.mine(context.req)
    if not found:
        await pages.show(update, context,
                         t.gettext("You have not shared anything yet. /share starts."))
        return
    labels = await ui.category_labels(context)
    lines = []
    for number, item in enumerate(found, start=1):
        hand = "🤲" if item.kind == "need" else "🎁"
        line = f"{number}. {hand} {labels.get(item.category, item.category)}"
        if item.text:
            line += f" – “{item.text}”"
        if item.voice_file_id:
            line += " – 🎤"
        lines.append(line)
    shown = pages.page(t, lines, number=pages.wanted(update, P, "pg"), most=MOST,
                       head=[t.gettext("What you shared:")],
                       tail=["", t.gettext("✏️ change the words · 🗑 withdraw · ✅ solved")])
    rows = []
    for index in shown.shown:
        item, number = found[index], index + 1
        row = [ui.button(P, f"✏️ {number}", "ed", item.id),
               ui.button(P, f"🗑 {number}", "wd", item.id)]
        if item.kind == "need":
            row.append(ui.button(P, f"✅ {number}", "ok", item.id))
        rows.append(row)
    await pages.show(update, context, shown.text, rows + pages.nav(shown, P, "pg"))


def _status(key: str, status: str):
    @requires(Action.MINE)
    async def handler(update: Update, context: BotContext) -> None:
        t = context.t
        await act(update, context, sharing.change_status(
            context.req, ui.int_arg(update.callback_query.data, f"{P}:{key}"), status),
            lambda changed: t.gettext("That was already done.") if not changed
            else t.gettext("Wonderful that it worked out!") if status == "solved"
            else t.gettext("Withdrawn. It no longer shows."), keep_buttons=True)
    return handler


# changing the words --------------------------------------------------------------------------
async def begin(turn: Turn, args: list[str]) -> bool:
    own = {str(i.id): i.id for i in await sharing.mine(turn.req)}
    if not args or args[0] not in own:
        await refuse_in_flow(turn)
        return False
    turn.draft["item"] = own[args[0]]
    return True


def read_voice(turn: Turn, message: Message) -> dict:
    return {"voice_file_id": message.voice.file_id, "voice_seconds": ui.voice_seconds(message)}


async def change(turn: Turn) -> Outcome:
    await sharing.change_detail(turn.req, turn.draft["item"], **turn.draft["detail"])
    await turn.say(turn.t.gettext("Changed. /mine shows it."))
    return END


EDIT = Flow(
    name="edit_item", prefix=P, action=Action.MINE, finish=change,
    entries=[Entry(button="ed", begin=begin)],
    steps=[Step("detail", question=N_("Type the new words, or send a voice message."),
                text=read_words, voice=read_voice)],
)


def handlers() -> list:
    return [CommandHandler("mine", show), ui.tap(P, "pg", show),
            ui.tap(P, "wd", _status("wd", "withdrawn")), ui.tap(P, "ok", _status("ok", "solved"))]
