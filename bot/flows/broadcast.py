"""/broadcast: a trainer writes once, picks a group, sees whom and which languages it reaches,
may add a text per language, confirms, and watches one status message count up."""

from __future__ import annotations

import logging

from telegram import InlineKeyboardMarkup, Message, Update
from telegram.error import BadRequest
from telegram.ext import Application

from bot.access import Action
from bot.context import BotContext, Services
from bot.flows import ui
from bot.flows.audience import AUDIENCE_STEPS
from bot.flows.common import act, requires
from bot.flows.steps import END, NEXT, Entry, Flow, Outcome, Problem, Step, Turn, screen
from bot.i18n import N_, Translator
from bot.languages import LANGUAGES
from bot.services import broadcasts
from bot.services.audiences import Audience
from bot.services.broadcasts import CAPTION_MAX, TEXT_MAX

log = logging.getLogger(__name__)
P = "bc"


def _message(d: dict) -> broadcasts.Message:
    return broadcasts.Message(kind=d["kind"], text=d.get("text", ""), file_id=d.get("file_id"),
                              per_language=dict(d.get("per_language", {})))


async def _kept(turn: Turn, text: str, limit: int) -> str:
    if len(text) > limit:
        await turn.say(turn.t.gettext("That was long: I kept the first {count} characters.")
                       .format(count=limit))
    return text[:limit]


async def read_text(turn: Turn, text: str) -> dict:
    if not text.strip():
        raise Problem()
    return {"kind": "text", "file_id": None, "text": await _kept(turn, text, TEXT_MAX)}


async def read_photo(turn: Turn, message: Message) -> dict:
    return {"kind": "photo", "file_id": message.photo[-1].file_id,
            "text": await _kept(turn, message.caption or "", CAPTION_MAX)}


async def read_voice(turn: Turn, message: Message) -> dict:
    return {"kind": "voice", "file_id": message.voice.file_id,
            "text": await _kept(turn, message.caption or "", CAPTION_MAX)}


async def ask_review(turn: Turn) -> None:
    t, d = turn.t, turn.draft
    reach = await broadcasts.reach(turn.req, Audience.from_dict(d["audience"]))
    total = sum(reach.values())
    own = d.get("per_language", {})
    lines = [t.ngettext("This reaches {count} person.", "This reaches {count} people.",
                        total).format(count=total)]
    lines += [f"• {LANGUAGES[code].native_name}: {count}{' ✍️' if code in own else ''}"
              for code, count in reach.most_common()]
    lines += ["", t.gettext("Everyone gets your text, unless you add one in their language (✍️).")]
    rows = [[turn.button("✍️ " + LANGUAGES[code].native_name, "lang", code)]
            for code in reach if code != t.code]
    rows.append([turn.button("📣 " + t.gettext("Send now"), "go")])
    await turn.say("\n".join(lines), [*rows, turn.cancel_row()])


async def write_in(turn: Turn, args: list[str]) -> Outcome:
    if args and args[0] in LANGUAGES:
        turn.draft["writing"] = args[0]
    return NEXT


async def read_language_text(turn: Turn, text: str) -> str:
    if not text.strip():
        raise Problem()
    return text[:TEXT_MAX if turn.draft["kind"] == "text" else CAPTION_MAX]


def store_language_text(turn: Turn, text: str) -> None:
    turn.draft.setdefault("per_language", {})[turn.draft.pop("writing")] = text


async def go(turn: Turn, _args: list[str]) -> Outcome:
    await turn.answer()
    await turn.remove_buttons()
    d = turn.draft
    chat = turn.update.effective_chat.id
    broadcast_id, total = await broadcasts.send(
        turn.req, Audience.from_dict(d["audience"]), _message(d), status_chat_id=chat)
    await turn.say(status_text(turn.t, 0, total))
    turn.name_last(broadcasts.status_ref(broadcast_id))  # its id is known once it is sent
    if turn.context.services.delivery is not None:
        turn.context.services.delivery.wake.set()
    return END


BROADCAST = Flow(
    name="broadcast", prefix=P, action=Action.BROADCAST,
    cancelled=N_("Cancelled. Nothing was sent."), entries=[Entry(command="broadcast")],
    steps=[
        Step("message", question=N_(
            "Send the message: text, or a photo or voice message with a caption."),
             text=read_text, photo=read_photo, voice=read_voice,
             store=lambda turn, message: turn.draft.update(message, message=True)),
        *AUDIENCE_STEPS,
        Step("writing", question=lambda turn: turn.t.gettext("Type the text for {language}.")
             .format(language=LANGUAGES[turn.draft["writing"]].native_name),
             text=read_language_text, store=store_language_text,
             pending=lambda d: "writing" in d),
        screen("review", ask_review, lang=write_in, go=go),
    ],
)


# the status message that counts up -----------------------------------------------------------
def status_text(t: Translator, done: int, total: int) -> str:
    return "📣 " + t.gettext("Sending: {done} of {total}").format(done=done, total=total)


def _report(t: Translator, counts: dict[str, int], trouble: broadcasts.Trouble) -> str:
    lines = [
        "📣 " + t.gettext("Sent. The report:"),
        t.gettext("Delivered: {count}").format(count=counts.get("sent", 0)),
        t.gettext("Blocked the bot: {count}").format(count=counts.get("blocked", 0)),
        t.gettext("Failed: {count}").format(count=counts.get("failed", 0)
                                            + counts.get("cancelled", 0)),
        t.gettext("Unknown (may have arrived): {count}").format(count=counts.get("unknown", 0)),
    ]
    if trouble.blocked or trouble.residents_blocked:
        lines += ["", t.gettext("Blocked the bot: {names}").format(
            names=_names(t, trouble.blocked, trouble.residents_blocked))]
    if trouble.unknown or trouble.residents_unknown:
        lines += ["", t.gettext("Perhaps not arrived (the connection broke while sending): "
                                "{names}").format(
            names=_names(t, trouble.unknown, trouble.residents_unknown))]
    return "\n".join(lines)


def _names(t: Translator, names: list[str], residents: int) -> str:
    """Kwartiermakers and trainers by name; residents only as a number."""
    if residents:
        names = [*names, t.ngettext("{count} resident", "{count} residents", residents).format(
            count=residents)]
    return ", ".join(names)


def _again(t: Translator, broadcast_id: int, trouble: broadcasts.Trouble):
    if not trouble.again:
        return None
    return InlineKeyboardMarkup([[ui.button(P, "🔁 " + t.ngettext(
        "Send again to the {count} that did not arrive",
        "Send again to the {count} that did not arrive", trouble.again).format(
        count=trouble.again), "again", broadcast_id)]])


@requires(Action.BROADCAST)
async def send_again(update: Update, context: BotContext) -> None:
    t = context.t
    count = await act(update, context, broadcasts.send_again(
        context.req, ui.int_arg(update.callback_query.data, f"{P}:again")),
        lambda n: t.ngettext("Sending again to {count} person.",
                             "Sending again to {count} people.", n).format(count=n)
        if n else t.gettext("That was already done."))
    if count and context.services.delivery is not None:
        context.services.delivery.wake.set()


def handlers() -> list:
    return [ui.tap(P, "again", send_again)]


async def refresh_statuses(app: Application) -> None:
    """Updates each sending broadcast's status message; the last update is the report."""
    services: Services = app.bot_data["services"]
    req = services.request()
    for broadcast in await broadcasts.unfinished(req):
        progress = await broadcasts.progress(req, broadcast.id, broadcast.total)
        t = services.translations.for_language(broadcast.sender_language)
        finished = progress.finished and await broadcasts.mark_done(req, broadcast.id)
        markup = None
        if finished:
            trouble = await broadcasts.trouble(req, broadcast.id, progress.counts)
            text, markup = _report(t, progress.counts, trouble), _again(t, broadcast.id, trouble)
        else:
            text = status_text(t, progress.done, broadcast.total)
        if not broadcast.status_chat_id:
            continue
        message_id = await broadcasts.status_message(req, broadcast)
        if message_id is None:  # the first one is not sent yet
            continue
        if message_id == 0:  # it never arrived, or its id was lost: a fresh one, not silence
            sent = await app.bot.send_message(broadcast.status_chat_id, text, reply_markup=markup)
            await broadcasts.set_status_message(req, broadcast.id, sent.message_id)
            continue
        try:
            await app.bot.edit_message_text(text, broadcast.status_chat_id, message_id,
                                            reply_markup=markup)
        except BadRequest as exc:  # "not modified" when nothing moved since last time
            log.debug("status message not edited: %s", exc)
