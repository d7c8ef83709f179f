"""/start with an invite: pick a language, read the consent text, agree or decline.

Until the person agrees, only their Telegram id and chosen language exist, and only in
this conversation's state; declining or abandoning leaves nothing in the person tables.
"""

from __future__ import annotations

from telegram import InlineKeyboardMarkup, Update
from telegram.constants import ParseMode
from telegram.ext import CallbackQueryHandler, CommandHandler, ConversationHandler

from bot import access, keyboards
from bot import callbacks as cb
from bot.access import Role
from bot.context import BotContext
from bot.flows import menu
from bot.flows.common import (
    acknowledge,
    conversation,
    end_conversations,
    remove_keyboard,
    reprompt,
    say,
)
from bot.flows.texts import help_text, how_to_join, invite_problem, welcome
from bot.i18n import Translator
from bot.services import intake, invites, membership
from bot.services.invites import InviteStatus

LANGUAGE, CONSENT, CLAIM = range(3)
NAME = "onboarding"


async def start(update: Update, context: BotContext) -> int:
    """Entry point for every /start: members get a welcome back, visitors the next step."""
    end_conversations(context, update.effective_user.id, keep=NAME)
    context.user_data.pop("onboarding", None)
    code = context.args[0] if context.args else None
    if context.person is not None:
        if code and code.startswith(intake.CLAIM_PREFIX):
            await say(update, context, claim_problem(context.t, "already_member"))
        else:
            await say(update, context, context.t.gettext(
                "You are already registered. /help shows what you can do."))
        return ConversationHandler.END
    settings = context.services.settings
    if code is None:
        if update.effective_user.id in settings.admin_ids:
            context.user_data["onboarding"] = {Role.ADMIN: True}  # persisted as the value
            await ask_language(update, context)
            return LANGUAGE
        await say(update, context, how_to_join(context.t))
        return ConversationHandler.END
    if code.startswith(intake.CLAIM_PREFIX):
        return await _start_claim(update, context, code)
    result = await invites.check(context.req, code)
    if result.status is not InviteStatus.OK:
        await say(update, context, invite_problem(context.t, result.status))
        return ConversationHandler.END
    context.user_data["onboarding"] = {"code": code}
    await ask_language(update, context)
    return LANGUAGE


def claim_problem(t: Translator, reason: str) -> str:
    return {
        "invalid": t.gettext("This personal link does not work. Ask your kwartiermaker for a "
                             "new one."),
        "used": t.gettext("This personal link was already used. Ask your kwartiermaker if "
                          "something is wrong."),
        "expired": t.gettext("This personal link has expired. Ask your kwartiermaker for a "
                             "new one."),
        "already_member": t.gettext("You are already registered with this Telegram account, so "
                                    "this personal link is not for you. /help shows what you "
                                    "can do."),
    }[reason]


async def _start_claim(update: Update, context: BotContext, code: str) -> int:
    try:
        info = await intake.check_claim(context.req, code, update.effective_user.id)
    except intake.ClaimRefused as refused:
        await say(update, context, claim_problem(context.t, refused.reason))
        return ConversationHandler.END
    context.user_data["onboarding"] = {"claim": code, "language": info.person.language}
    context.t = context.services.translations.for_language(info.person.language)
    await ask_claim(update, context, info.person.display_name, info.organiser_name)
    return CLAIM


async def ask_claim(update: Update, context: BotContext, name: str | None = None,
                    organiser: str | None = None) -> None:
    t = context.t
    if name is None:
        info = await intake.check_claim(context.req, context.user_data["onboarding"]["claim"],
                                        update.effective_user.id)
        name, organiser = info.person.display_name, info.organiser_name
    await say(update, context, t.gettext(
        "Your kwartiermaker {organiser} wrote down your answers for {name}. Is that you?").format(
        organiser=organiser or "?", name=name), reply_markup=InlineKeyboardMarkup([
            [keyboards.button("ob", "✅ " + t.gettext("Yes, that is me"), "me")],
            [keyboards.button("ob", "✖️ " + t.gettext("No"), "notme")]]))


async def claim_me(update: Update, context: BotContext) -> int:
    await acknowledge(update)
    await ask_language(update, context)
    return LANGUAGE


async def claim_not_me(update: Update, context: BotContext) -> int:
    await acknowledge(update)
    context.user_data.clear()
    await say(update, context, context.t.gettext(
        "All right, nothing happened. Tell your kwartiermaker so they can check the link."))
    return ConversationHandler.END


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


def consent_text(t: Translator) -> str:
    """The plain-language consent text (HTML), also read out during a phone intake."""
    return "\n\n".join([
        "<b>" + t.gettext("Before we start") + "</b>",
        t.gettext("What we keep: your first name, your Telegram number, your language, and "
                  "later only the answers you choose to give."),
        t.gettext("Who sees it: the person who invited you and the trainers of the programme. "
                  "Other residents never see your answers unless you say yes."),
        t.gettext("Delete: send /forget at any time and everything is erased. "
                  "/mydata shows you everything we keep."),
        t.gettext("Do you agree?"),
    ])


async def ask_consent(update: Update, context: BotContext) -> None:
    await say(update, context, consent_text(context.t), parse_mode=ParseMode.HTML,
              reply_markup=keyboards.consent(context.t))


async def agree(update: Update, context: BotContext) -> int:
    query = update.callback_query
    await query.answer()
    draft = context.user_data.get("onboarding") or {}
    user = update.effective_user
    if draft.get("claim"):
        return await _finish_claim(update, context, draft)
    try:
        person = await membership.join(
            context.req,
            membership.Visitor(user.id, user.first_name, draft.get("language", context.t.code)),
            invite_code=draft.get("code"),
            as_admin=bool(draft.get(Role.ADMIN)) and user.id in context.services.settings.admin_ids,
        )
    except membership.JoinRefused as refused:
        context.user_data.pop("onboarding", None)
        await remove_keyboard(update)
        await say(update, context, invite_problem(context.t, refused.status))
        return ConversationHandler.END
    context.user_data.pop("onboarding", None)
    context.person, context.role = person, person.role
    await remove_keyboard(update)
    share_now = None
    if access.is_resident(person.role):
        share_now = InlineKeyboardMarkup([[keyboards.button(
            "sh", "🤲 " + context.t.gettext("Share what you need and can give"), "start")]])
    await say(update, context, welcome(context.t, person.display_name, person.role)
              + "\n\n" + help_text(context.t, person.role), reply_markup=share_now)
    await menu.publish_for(context.bot, context.services, person)
    return ConversationHandler.END


async def _finish_claim(update: Update, context: BotContext, draft: dict) -> int:
    try:
        person = await intake.claim(context.req, draft["claim"], update.effective_user.id,
                                    draft.get("language", context.t.code))
    except intake.ClaimRefused as refused:
        context.user_data.pop("onboarding", None)
        await remove_keyboard(update)
        await say(update, context, claim_problem(context.t, refused.reason))
        return ConversationHandler.END
    context.user_data.pop("onboarding", None)
    context.person, context.role = person, person.role
    await remove_keyboard(update)
    await say(update, context, welcome(context.t, person.display_name, person.role) + "\n\n"
              + context.t.gettext("The answers your kwartiermaker wrote down are now yours: "
                                  "/mine shows them.") + "\n\n" + help_text(context.t,
                                                                           person.role))
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
    await acknowledge(update)
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
            CLAIM: [
                CallbackQueryHandler(claim_me, pattern=cb.pattern("ob:me")),
                CallbackQueryHandler(claim_not_me, pattern=cb.pattern("ob:notme")),
                *reprompt(CLAIM, ask_claim, "ob"),
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
