"""A kwartiermaker's private /logbook (only they see it), and /certify: a trainer records the
apprentice certificate of someone who finished the training days."""

from __future__ import annotations

from telegram import InlineKeyboardMarkup, Message, Update
from telegram.ext import CommandHandler

from bot.access import Action
from bot.context import BotContext
from bot.flows import ui
from bot.flows.common import act, requires, say
from bot.flows.steps import END, Entry, Flow, Step, Turn
from bot.i18n import N_
from bot.services import audiences, programme

P = "vo"


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


# /certify ------------------------------------------------------------------------------------
@requires(Action.DECIDE)
async def certify_list(update: Update, context: BotContext) -> None:
    t = context.t
    stages = {r.organiser: r.stage for r in await programme.overview(context.req)}
    buttons = [[ui.button(P, f"🎓 {p.display_name}", "cert", p.id)]
               for p in await audiences.organisers(context.req)
               if stages.get(p.display_name) == "in_training"]
    if not buttons:
        await say(update, context, t.gettext("Every kwartiermaker has their certificate."))
        return
    await say(update, context, t.gettext("Who finished the training days?"),
              reply_markup=InlineKeyboardMarkup(buttons))


@requires(Action.DECIDE)
async def certify(update: Update, context: BotContext) -> None:
    t = context.t
    await act(update, context, programme.certify(context.req, ui.int_arg(
        update.callback_query.data, f"{P}:cert")), lambda done: t.gettext(
        "Certificate recorded.") if done else t.gettext("That was already done."))


def handlers() -> list:
    return [CommandHandler("certify", certify_list), ui.tap(P, "cert", certify)]
