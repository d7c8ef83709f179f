"""/broadcast: a trainer writes once, picks a group, sees whom and which languages it reaches,
may add a text per language, confirms, and watches one status message count up."""

from __future__ import annotations

import logging

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import BadRequest
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)

from bot import access, keyboards
from bot import callbacks as cb
from bot.access import Action
from bot.context import BotContext, Services
from bot.flows import audience_steps
from bot.flows.common import (
    acknowledge,
    conversation,
    end_conversations,
    refuse,
    remove_keyboard,
    reprompt,
    requires,
    say,
)
from bot.i18n import Translator
from bot.languages import LANGUAGES
from bot.services import broadcasts
from bot.services.audiences import Audience
from bot.services.broadcasts import CAPTION_MAX, TEXT_MAX, Message

log = logging.getLogger(__name__)
NAME = "broadcast"
COMPOSE, AUDIENCE, REVIEW, LANGUAGE_TEXT, OWNER, PICK = range(6)
P = "bc"


def _b(label: str, *parts: str | int) -> InlineKeyboardButton:
    return keyboards.button(P, label, *parts)


def _cancel(t: Translator) -> list[InlineKeyboardButton]:
    return keyboards.cancel_row(t, P)


def _draft(context: BotContext) -> dict:
    return context.user_data.setdefault("broadcast", {})


def _message(context: BotContext) -> Message:
    d = _draft(context)
    return Message(kind=d["kind"], text=d.get("text", ""), file_id=d.get("file_id"),
                   per_language=dict(d.get("per_language", {})))


async def ask_message(update: Update, context: BotContext) -> None:
    await say(update, context, context.t.gettext(
        "Send the message: text, or a photo or voice message with a caption."),
        reply_markup=InlineKeyboardMarkup([_cancel(context.t)]))


async def ask_review(update: Update, context: BotContext) -> None:
    t, d = context.t, _draft(context)
    reach = await broadcasts.reach(context.req, Audience.from_dict(d["audience"]))
    total = sum(reach.values())
    lines = [t.ngettext("This reaches {count} person.", "This reaches {count} people.",
                        total).format(count=total)]
    for code, count in reach.most_common():
        own = " ✍️" if code in d.get("per_language", {}) else ""
        lines.append(f"• {LANGUAGES[code].native_name}: {count}{own}")
    lines.append("")
    lines.append(t.gettext("Everyone gets your text, unless you add one in their language (✍️)."))
    rows = [[_b("✍️ " + LANGUAGES[code].native_name, "lang", code)]
            for code in reach if code != context.t.code]
    rows.append([_b("📣 " + t.gettext("Send now"), "go")])
    await say(update, context, "\n".join(lines),
              reply_markup=InlineKeyboardMarkup([*rows, _cancel(t)]))


async def ask_language_text(update: Update, context: BotContext) -> None:
    code = _draft(context)["writing"]
    await say(update, context, context.t.gettext("Type the text for {language}.").format(
        language=LANGUAGES[code].native_name), reply_markup=InlineKeyboardMarkup(
        [_cancel(context.t)]))


@requires(Action.BROADCAST)
async def start(update: Update, context: BotContext) -> int:
    end_conversations(context, update.effective_user.id, keep=NAME)
    context.user_data["broadcast"] = {}
    await ask_message(update, context)
    return COMPOSE


@requires(Action.BROADCAST)
async def composed(update: Update, context: BotContext) -> int:
    message, d = update.message, _draft(context)
    if message.photo:
        d.update(kind="photo", file_id=message.photo[-1].file_id)
        text, limit = message.caption or "", CAPTION_MAX
    elif message.voice:
        d.update(kind="voice", file_id=message.voice.file_id)
        text, limit = message.caption or "", CAPTION_MAX
    else:
        d.update(kind="text", file_id=None)
        text, limit = message.text or "", TEXT_MAX
    if d["kind"] == "text" and not text.strip():
        await ask_message(update, context)
        return COMPOSE
    d["text"] = text[:limit]
    if len(text) > limit:
        await say(update, context, context.t.gettext(
            "That was long: I kept the first {count} characters.").format(count=limit))
    return await STEPS.ask(update, context)


async def _after_audience(update: Update, context: BotContext) -> int:
    await ask_review(update, context)
    return REVIEW


@requires(Action.BROADCAST)
async def language_chosen(update: Update, context: BotContext) -> int:
    query = update.callback_query
    await query.answer()
    code = cb.language_arg(query.data, f"{P}:lang")
    if code is None:
        await ask_review(update, context)
        return REVIEW
    await remove_keyboard(update)
    _draft(context)["writing"] = code
    await ask_language_text(update, context)
    return LANGUAGE_TEXT


@requires(Action.BROADCAST)
async def language_text(update: Update, context: BotContext) -> int:
    d = _draft(context)
    limit = TEXT_MAX if d["kind"] == "text" else CAPTION_MAX
    text = (update.message.text or "")[:limit]
    if not text.strip():
        await ask_language_text(update, context)
        return LANGUAGE_TEXT
    d.setdefault("per_language", {})[d.pop("writing")] = text
    await ask_review(update, context)
    return REVIEW


@requires(Action.BROADCAST)
async def go(update: Update, context: BotContext) -> int:
    query = update.callback_query
    await query.answer()
    await remove_keyboard(update)
    d = _draft(context)
    try:
        broadcast_id, total = await broadcasts.send(
            context.req, Audience.from_dict(d["audience"]), _message(context),
            status_chat_id=update.effective_chat.id)
    except access.AccessDenied:
        await refuse(update, context)
        return ConversationHandler.END
    context.user_data.pop("broadcast", None)
    status = await context.bot.send_message(update.effective_chat.id,
                                            _status_text(context.t, 0, total))
    await broadcasts.set_status_message(context.req, broadcast_id, status.message_id)
    if context.services.delivery is not None:
        context.services.delivery.wake.set()
    return ConversationHandler.END


@requires(Action.BROADCAST)
async def stop(update: Update, context: BotContext) -> int:
    await acknowledge(update)
    context.user_data.pop("broadcast", None)
    await say(update, context, context.t.gettext("Cancelled. Nothing was sent."))
    return ConversationHandler.END


STEPS = audience_steps.AudienceSteps(P, AUDIENCE, OWNER, PICK, _draft, _after_audience, stop)


def _status_text(t: Translator, done: int, total: int) -> str:
    return "📣 " + t.gettext("Sending: {done} of {total}").format(done=done, total=total)


def _report(t: Translator, counts: dict[str, int]) -> str:
    return "\n".join([
        "📣 " + t.gettext("Sent. The report:"),
        t.gettext("Delivered: {count}").format(count=counts.get("sent", 0)),
        t.gettext("Blocked the bot: {count}").format(count=counts.get("blocked", 0)),
        t.gettext("Failed: {count}").format(count=counts.get("failed", 0)
                                            + counts.get("cancelled", 0)),
        t.gettext("Unknown (may have arrived): {count}").format(count=counts.get("unknown", 0)),
    ])


async def refresh_statuses(app: Application) -> None:
    """Updates each sending broadcast's status message; the last update is the report."""
    services: Services = app.bot_data["services"]
    req = services.request()
    for broadcast in await broadcasts.unfinished(req):
        progress = await broadcasts.progress(req, broadcast.id, broadcast.total)
        t = services.translations.for_language(broadcast.sender_language)
        finished = progress.finished and await broadcasts.mark_done(req, broadcast.id)
        text = _report(t, progress.counts) if finished else _status_text(
            t, progress.done, broadcast.total)
        if broadcast.status_chat_id and broadcast.status_message_id:
            try:
                await app.bot.edit_message_text(text, broadcast.status_chat_id,
                                                broadcast.status_message_id)
            except BadRequest as exc:  # "not modified" when nothing moved since last time
                log.debug("status message not edited: %s", exc)


def handlers() -> list:
    def tap(key: str, callback) -> CallbackQueryHandler:
        return CallbackQueryHandler(callback, pattern=cb.pattern(f"{P}:{key}"))

    stop_handler = tap("stop", stop)
    content = (filters.TEXT & ~filters.COMMAND) | filters.PHOTO | filters.VOICE
    flow = conversation(
        entry_points=[CommandHandler("broadcast", start)],
        states={
            COMPOSE: [MessageHandler(content, composed), stop_handler,
                      *reprompt(COMPOSE, ask_message, P)],
            **STEPS.states(),
            REVIEW: [tap("lang", language_chosen), tap("go", go), stop_handler,
                     *reprompt(REVIEW, ask_review, P)],
            LANGUAGE_TEXT: [MessageHandler(filters.TEXT & ~filters.COMMAND, language_text),
                            stop_handler, *reprompt(LANGUAGE_TEXT, ask_language_text, P)],
        },
        fallbacks=[],
        name=NAME,
    )
    return [flow]
