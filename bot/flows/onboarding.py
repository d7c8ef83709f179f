"""/start with an invite: pick a language, read the consent text, agree or decline.

Until the person agrees, only their Telegram id and chosen language exist, and only in
this conversation's state; declining or abandoning leaves nothing in the person tables.
"""

from __future__ import annotations

from telegram import Update
from telegram.constants import ParseMode
from telegram.ext import CallbackQueryHandler, CommandHandler, ConversationHandler

from bot import callbacks as cb
from bot import keyboards
from bot.context import BotContext
from bot.flows import menu
from bot.flows.common import conversation, end_conversations, remove_keyboard, reprompt, say
from bot.flows.texts import help_text, how_to_join, invite_problem, welcome
from bot.services import invites, membership
from bot.services.invites import InviteStatus

LANGUAGE, CONSENT = range(2)
NAME = "onboarding"


async def start(update: Update, context: BotContext) -> int:
    """Entry point for every /start: members get a welcome back, visitors the next step."""
    end_conversations(context, update.effective_user.id, keep=NAME)
    context.user_data.pop("onboarding", None)
    if context.person is not None:
        await say(update, context, context.t.gettext(
            "You are already registered. /help shows what you can do."))
        return ConversationHandler.END
    code = context.args[0] if context.args else None
    settings = context.services.settings
    if code is None:
        if update.effective_user.id in settings.admin_ids:
            context.user_data["onboarding"] = {"admin": True}
            await ask_language(update, context)
            return LANGUAGE
        await say(update, context, how_to_join(context.t))
        return ConversationHandler.END
    result = await invites.check(context.services.db, code, context.now())
    if result.status is not InviteStatus.OK:
        await say(update, context, invite_problem(context.t, result.status))
        return ConversationHandler.END
    context.user_data["onboarding"] = {"code": code}
    await ask_language(update, context)
    return LANGUAGE


async def ask_language(update: Update, context: BotContext) -> None:
    await say(update, context, "🌐 " + context.t.gettext("Choose your language:"),
              reply_markup=keyboards.languages(cb.ONBOARD_LANG))


async def choose_language(update: Update, context: BotContext) -> int:
    query = update.callback_query
    language = cb.language_arg(query.data, cb.ONBOARD_LANG)
    if language is None:
        await query.answer()
        await ask_language(update, context)
        return LANGUAGE
    await query.answer()
    context.user_data["onboarding"]["language"] = language
    context.t = context.services.translations.for_language(language)
    await remove_keyboard(update)
    await ask_consent(update, context)
    return CONSENT


async def ask_consent(update: Update, context: BotContext) -> None:
    t = context.t
    text = "\n\n".join([
        "<b>" + t.gettext("Before we start") + "</b>",
        t.gettext("What we keep: your first name, your Telegram number, your language, and "
                  "later only the answers you choose to give."),
        t.gettext("Who sees it: the person who invited you and the trainers of the programme. "
                  "Other residents never see your answers unless you say yes."),
        t.gettext("Delete: send /forget at any time and everything is erased. "
                  "/mydata shows you everything we keep."),
        t.gettext("Do you agree?"),
    ])
    await say(update, context, text, parse_mode=ParseMode.HTML,
              reply_markup=keyboards.consent(t))


async def agree(update: Update, context: BotContext) -> int:
    query = update.callback_query
    await query.answer()
    draft = context.user_data.get("onboarding") or {}
    user = update.effective_user
    try:
        person = await membership.join(
            context.services.db,
            telegram_id=user.id,
            display_name=user.first_name,
            language=draft.get("language", context.t.code),
            invite_code=draft.get("code"),
            as_admin=bool(draft.get("admin")) and user.id in context.services.settings.admin_ids,
            now=context.now(),
        )
    except membership.JoinRefused as refused:
        context.user_data.pop("onboarding", None)
        await remove_keyboard(update)
        await say(update, context, invite_problem(context.t, refused.status))
        return ConversationHandler.END
    context.user_data.pop("onboarding", None)
    context.person, context.role = person, person.role
    await remove_keyboard(update)
    await say(update, context, welcome(context.t, person.display_name, person.role)
              + "\n\n" + help_text(context.t, person.role))
    await menu.publish_for(context.bot, context.services, person)
    return ConversationHandler.END


async def decline(update: Update, context: BotContext) -> int:
    query = update.callback_query
    await query.answer()
    context.user_data.clear()
    await remove_keyboard(update)
    await say(update, context, context.t.gettext(
        "All right. Nothing has been saved. If you change your mind, open the invite link again."))
    return ConversationHandler.END


async def back_to_language(update: Update, context: BotContext) -> int:
    await update.callback_query.answer()
    await remove_keyboard(update)
    await ask_language(update, context)
    return LANGUAGE


def handler() -> ConversationHandler:
    return conversation(
        entry_points=[CommandHandler("start", start)],
        states={
            LANGUAGE: [
                CallbackQueryHandler(choose_language, pattern=cb.pattern(cb.ONBOARD_LANG)),
                *reprompt(LANGUAGE, ask_language, "ob"),
            ],
            CONSENT: [
                CallbackQueryHandler(agree, pattern=cb.pattern(cb.ONBOARD_YES)),
                CallbackQueryHandler(decline, pattern=cb.pattern(cb.ONBOARD_NO)),
                CallbackQueryHandler(back_to_language, pattern=cb.pattern(cb.ONBOARD_BACK)),
                *reprompt(CONSENT, ask_consent, "ob"),
            ],
        },
        fallbacks=[],
        name=NAME,
    )
