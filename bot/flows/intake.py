"""/intake: a kwartiermaker enters a resident who answered by phone or on paper.

First name or nickname, language, phone number (optional), then the consent text to read out
in the resident's language and a confirmation that they agreed; then the same questionnaire
as /share, on their behalf. At the end the kwartiermaker gets a personal claim link (and QR
code) to give the resident, who can then take over the record in Telegram.

These steps live in the /share conversation (``share.handlers`` adds them) so that the
questionnaire continues in the same conversation.
"""

from __future__ import annotations

from telegram import InlineKeyboardMarkup, Update
from telegram.constants import ParseMode
from telegram.ext import CallbackQueryHandler, CommandHandler, ConversationHandler, MessageHandler
from telegram.ext import filters as f

from bot import access, keyboards
from bot import callbacks as cb
from bot.access import Action
from bot.context import BotContext
from bot.flows.common import (
    acknowledge,
    end_conversations,
    refuse,
    remove_keyboard,
    reprompt,
    requires,
    say,
    typed,
)
from bot.flows.invites import invite_link, qr_png
from bot.flows.onboarding import consent_text
from bot.services import intake, sharing

P = "in"
NAME, LANGUAGE, PHONE, CONSENT = range(10, 14)
PHONE_MAX = 20


def _d(context: BotContext) -> dict:
    return context.user_data.setdefault("intake", {})


async def ask_name(update: Update, context: BotContext) -> None:
    await say(update, context, context.t.gettext(
        "Phone intake. What is the resident's first name or nickname?"),
        reply_markup=InlineKeyboardMarkup([keyboards.cancel_row(context.t, P)]))


async def ask_language(update: Update, context: BotContext) -> None:
    await say(update, context, context.t.gettext("Which language does {name} speak best?")
              .format(name=_d(context)["name"]),
              reply_markup=keyboards.languages(f"{P}:lang"))


async def ask_phone(update: Update, context: BotContext) -> None:
    t = context.t
    await say(update, context, t.gettext("Their phone number, if they want to give it. "
                                         "Or skip."),
              reply_markup=InlineKeyboardMarkup([[keyboards.button(P, "⏭ " + t.gettext("Skip"),
                                                                   "skip")]]))


async def ask_consent(update: Update, context: BotContext) -> None:
    t, d = context.t, _d(context)
    theirs = context.services.translations.for_language(d["language"])
    await say(update, context, t.gettext("Read this to {name}, in their language:").format(
        name=d["name"]))
    await say(update, context, consent_text(theirs), parse_mode=ParseMode.HTML)
    await say(update, context, t.gettext("Did {name} agree?").format(name=d["name"]),
              reply_markup=InlineKeyboardMarkup([
                  [keyboards.button(P, "✅ " + t.gettext("Yes, they agreed"), "yes")],
                  [keyboards.button(P, "✖️ " + t.gettext("No"), "no")]]))


@requires(Action.INTAKE)
async def start(update: Update, context: BotContext) -> int:
    end_conversations(context, update.effective_user.id, keep="share")
    context.user_data["intake"] = {}
    context.user_data.pop("share", None)
    await ask_name(update, context)
    return NAME


@requires(Action.INTAKE)
async def name_typed(update: Update, context: BotContext) -> int:
    name = typed(update, intake.NAME_MAX)
    if not sharing.has_words(name):
        await ask_name(update, context)
        return NAME
    _d(context)["name"] = name
    await ask_language(update, context)
    return LANGUAGE


@requires(Action.INTAKE)
async def language_chosen(update: Update, context: BotContext) -> int:
    query = update.callback_query
    await query.answer()
    code = cb.language_arg(query.data, f"{P}:lang")
    if code is None:
        await ask_language(update, context)
        return LANGUAGE
    await remove_keyboard(update)
    _d(context)["language"] = code
    await ask_phone(update, context)
    return PHONE


@requires(Action.INTAKE)
async def phone_typed(update: Update, context: BotContext) -> int:
    raw = (update.message.text or "").strip()
    digits = [ch for ch in raw if ch.isdigit()]
    if not 6 <= len(digits) <= 15 or len(raw) > PHONE_MAX or any(
            not (ch.isdigit() or ch in "+ -()") for ch in raw):
        await say(update, context, context.t.gettext("That does not look like a phone number."))
        await ask_phone(update, context)
        return PHONE
    _d(context)["phone"] = raw
    await ask_consent(update, context)
    return CONSENT


@requires(Action.INTAKE)
async def phone_skipped(update: Update, context: BotContext) -> int:
    await acknowledge(update)
    _d(context)["phone"] = None
    await ask_consent(update, context)
    return CONSENT


@requires(Action.INTAKE)
async def consented(update: Update, context: BotContext) -> int:
    from bot.flows import share

    query = update.callback_query
    await query.answer()
    await remove_keyboard(update)
    d = _d(context)
    try:
        person = await intake.create_resident(
            context.req, name=d["name"], language=d["language"], phone=d.get("phone"))
    except access.AccessDenied:
        await refuse(update, context)
        return ConversationHandler.END
    context.user_data.pop("intake", None)
    share.start_draft(context, person.id)
    await share.ask_needs(update, context)
    return share.NEEDS


@requires(Action.INTAKE)
async def declined(update: Update, context: BotContext) -> int:
    await acknowledge(update)
    context.user_data.pop("intake", None)
    await say(update, context, context.t.gettext("All right. Nothing has been saved."))
    return ConversationHandler.END


async def send_claim_link(update: Update, context: BotContext, person_id: int) -> None:
    """After the questionnaire: the personal link (and QR) to hand to the resident."""
    code = await intake.claim_link_code(context.req, person_id)
    link = invite_link(context.bot.username, code)
    caption = "\n".join([
        context.t.gettext("Give this personal link to the resident (it works once, for 30 days). "
                          "With it, the answers become theirs in Telegram:"), link])
    await context.bot.send_photo(update.effective_chat.id, qr_png(link), caption=caption,
                                 filename="claim-qr.png")


async def stop(update: Update, context: BotContext) -> int:
    await acknowledge(update)
    context.user_data.pop("intake", None)
    await say(update, context, context.t.gettext("Cancelled. Nothing was saved."))
    return ConversationHandler.END


def entry_points() -> list:
    return [CommandHandler("intake", start)]


def states() -> dict[int, list]:
    def tap(key: str, callback) -> CallbackQueryHandler:
        return CallbackQueryHandler(callback, pattern=cb.pattern(f"{P}:{key}"))

    text = f.TEXT & ~f.COMMAND
    stop_handler = tap("stop", stop)
    return {
        NAME: [MessageHandler(text, name_typed), stop_handler, *reprompt(NAME, ask_name, P)],
        LANGUAGE: [tap("lang", language_chosen), stop_handler,
                   *reprompt(LANGUAGE, ask_language, P)],
        PHONE: [MessageHandler(text, phone_typed), tap("skip", phone_skipped), stop_handler,
                *reprompt(PHONE, ask_phone, P)],
        CONSENT: [tap("yes", consented), tap("no", declined), stop_handler,
                  *reprompt(CONSENT, ask_consent, P)],
    }
