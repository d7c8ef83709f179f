"""/prompts: a trainer records a step's question as a voice note, per language. From then on
the bot sends it with that question, so someone who reads little hears what is asked."""

from __future__ import annotations

from telegram import Message

from bot.access import Action
from bot.flows import ui
from bot.flows.steps import END, STAY, Choice, Entry, Flow, Outcome, Step, Turn
from bot.i18n import N_
from bot.languages import LANGUAGES
from bot.services import prompts

P = "pr"
STEPS = list(prompts.PROMPTABLE)


def _step(turn: Turn) -> str:
    return STEPS[turn.draft["which"]]


async def which_choices(turn: Turn) -> list[Choice]:
    done = await prompts.recorded(turn.req)
    choices = []
    for n, step in enumerate(STEPS):
        count = sum(1 for (s, _) in done if s == step)
        mark = f" · 🎤 {count}" if count else ""
        choices.append(Choice(n, turn.t.gettext(prompts.PROMPTABLE[step]) + mark))
    return choices


async def language_choices(turn: Turn) -> list[Choice]:
    done = await prompts.recorded(turn.req)
    return [Choice(code, ("🎤 " if (_step(turn), code) in done else "") + lang.native_name)
            for code, lang in LANGUAGES.items()]


async def ask_voice(turn: Turn) -> None:
    t, d = turn.t, turn.draft
    language = LANGUAGES[d["lang"]].native_name
    rows = []
    if (_step(turn), d["lang"]) in await prompts.recorded(turn.req):
        rows = [[turn.button("▶️ " + t.gettext("Listen to the current one"), "play")],
                [turn.button("🗑 " + t.gettext("Remove it"), "rm")]]
    await turn.say(t.gettext("Send a voice message now: the question, slowly and kindly, in "
                             "{language}. Two minutes at most.").format(language=language),
                   [*rows, turn.cancel_row()])


async def read_voice(turn: Turn, message: Message) -> dict:
    return {"file_id": message.voice.file_id, "seconds": ui.voice_seconds(message)}


async def keep(turn: Turn, voice: dict) -> Outcome:
    t, d = turn.t, turn.draft
    if (voice["seconds"] or 0) > prompts.MAX_SECONDS:
        await turn.say(t.gettext("That is longer than two minutes. Please record a shorter one."))
        return STAY
    await prompts.record(turn.req, _step(turn), d["lang"], voice["file_id"], voice["seconds"])
    await turn.say(t.gettext("Saved. From now on it goes with this question in {language}.")
                   .format(language=LANGUAGES[d["lang"]].native_name))
    return END


async def play(turn: Turn, _args: list[str]) -> Outcome:
    await turn.answer()
    voice = await prompts.voice_for(turn.req, _step(turn), turn.draft["lang"])
    if voice:
        await turn.context.bot.send_voice(turn.update.effective_chat.id, voice)
    return STAY


async def remove(turn: Turn, _args: list[str]) -> Outcome:
    await turn.answer()
    await turn.remove_buttons()
    await prompts.remove(turn.req, _step(turn), turn.draft["lang"])
    await turn.say(turn.t.gettext("Removed. The question goes without a voice message again."))
    return END


PROMPTS = Flow(
    name="prompts", prefix=P, action=Action.PROMPTS,
    entries=[Entry(command="prompts")],
    steps=[
        Step("which", question=N_("🎤 Which question do you want to record?"),
             choices=which_choices),
        Step("lang", question=N_("In which language?"), choices=language_choices, per_row=2),
        Step("voice", ask=ask_voice, voice=read_voice, store=keep,
             actions={"play": play, "rm": remove},
             wrong=N_("Please send a voice message, or tap a button.")),
    ],
    cancelled=N_("Stopped. Nothing was changed."),
)
