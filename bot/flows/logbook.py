"""A kwartiermaker's private /logbook: only they see it. (/certify and /progress are in
``progress``.)"""

from __future__ import annotations

from telegram import Message

from bot.access import Action
from bot.flows import ui
from bot.flows.steps import END, Entry, Flow, Step, Turn
from bot.i18n import N_
from bot.services import programme


async def show_entries(turn: Turn, _args: list[str]) -> bool:
    t = turn.t
    entries = await programme.logbook(turn.req)
    if entries:
        lines = [t.gettext("Your logbook (only you see it):")]
        lines += [f"• {e['created_at'][:10]}: {e['text'] or '🎤'}" for e in entries[-5:]]
        await turn.say("\n".join(lines))
    return True


def read_voice(turn: Turn, message: Message) -> dict:
    return {"voice_id": message.voice.file_id, "voice_seconds": ui.voice_seconds(message)}


async def keep(turn: Turn):
    entry = turn.draft["entry"]
    await programme.add_to_logbook(turn.req, **(entry if isinstance(entry, dict)
                                                else {"text": entry}))
    await turn.say(turn.t.gettext("Kept in your logbook."))
    return END


LOGBOOK = Flow(
    name="logbook", prefix="lb", action=Action.LOGBOOK, finish=keep,
    entries=[Entry(command="logbook", begin=show_entries)],
    steps=[Step("entry", question=N_(
        "Write or speak a short reflection: what went well, what was hard, what you learned."),
        text=ui.words(), voice=read_voice)],
)
