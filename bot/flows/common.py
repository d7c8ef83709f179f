"""What every flow shares: loading the person, the access guard, re-asking after bad input."""

from __future__ import annotations

import functools
import logging
import warnings
from collections.abc import Awaitable, Callable
from typing import Any

from telegram import Update
from telegram.error import BadRequest
from telegram.ext import (
    BaseHandler,
    CallbackQueryHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)
from telegram.warnings import PTBUserWarning

from bot import access
from bot.context import BotContext
from bot.languages import resolve
from bot.services import membership

log = logging.getLogger(__name__)

Handler = Callable[[Update, BotContext], Awaitable[Any]]


async def load_person(update: Update, context: BotContext) -> None:
    """Runs first for every update: who is asking, in which role, in which language."""
    context.now()  # reads the clock: the moment of this whole update
    user = update.effective_user
    if user is None:
        return
    services = context.services
    person = await membership.identify(context.req, user.id)
    context.person = person
    context.role = access.effective_role(person, services.settings.admin_ids)
    if person is not None:
        language = person.language
    else:
        onboarding = (context.user_data or {}).get("onboarding") or {}
        language = onboarding.get("language") or resolve(
            user.language_code, services.settings.default_language
        )
    context.t = services.translations.for_language(language)


async def say(update: Update, context: BotContext, text: str, **kwargs: Any) -> None:
    """Answers in the chat the update came from (a reply, sent at once)."""
    chat = update.effective_chat
    if chat is not None:
        await context.bot.send_message(chat.id, text, **kwargs)


async def remove_keyboard(update: Update) -> None:
    """Takes the buttons off the message that was tapped, so it cannot be tapped again.

    Telegram refuses the edit when the message is gone or already has no buttons; either
    way the goal is reached, so that refusal is not an error.
    """
    query = update.callback_query
    if query is None or query.message is None:
        return
    try:
        await query.edit_message_reply_markup(None)
    except BadRequest as exc:
        log.debug("keyboard not removed: %s", exc)


def typed(update: Update, limit: int | None = None) -> str:
    """The text of the message with its spaces collapsed, cut to ``limit`` characters."""
    text = " ".join((update.message.text or "").split())
    return text if limit is None else text[:limit]


async def acknowledge(update: Update) -> None:
    """Answers the tapped button and takes the buttons off its message (the usual first step
    of a button handler that moves the conversation on)."""
    await update.callback_query.answer()
    await remove_keyboard(update)


def refusal(context: BotContext) -> str:
    """What someone hears who may not do this: a visitor how to join, a member their role."""
    t = context.t
    if context.person is None:
        return t.gettext("You are not registered yet. Open the invite link you got from your "
                         "kwartiermaker or trainer, or ask them for one.")
    return t.gettext("This is not available for your role. /help shows what you can do.")


async def refuse(update: Update, context: BotContext) -> None:
    text = refusal(context)
    if update.callback_query is not None:
        await update.callback_query.answer(text, show_alert=True)
    else:
        await say(update, context, text)


def requires(action: access.Action) -> Callable[[Handler], Handler]:
    """Wraps a command or callback handler with the role check; refusals end any conversation."""

    def decorate(handler: Handler) -> Handler:
        @functools.wraps(handler)
        async def guarded(update: Update, context: BotContext) -> Any:
            if not context.may(action):
                log.info("refused %s for role %s", action, context.role)
                await refuse(update, context)
                return ConversationHandler.END
            return await handler(update, context)

        return guarded

    return decorate


def reprompt(state: int, ask: Handler, prefix: str) -> list[BaseHandler]:
    """Handlers for input that does not fit the current step: say so, then ask again.

    Text, voice, photos or a button from an old message never crash the flow and never
    throw away what the person entered before; the draft stays in user_data. Only buttons
    of this flow (``prefix``) count as stale here; other flows' buttons pass through.
    """

    async def stale_button(update: Update, context: BotContext) -> int:
        await update.callback_query.answer(
            context.t.gettext("That button is no longer active. Here is the current question."),
        )
        await ask(update, context)
        return state

    async def not_a_button(update: Update, context: BotContext) -> int:
        await say(update, context, context.t.gettext("Please tap one of the buttons below."))
        await ask(update, context)
        return state

    return [
        CallbackQueryHandler(stale_button, pattern=rf"^{prefix}:"),
        MessageHandler(~filters.COMMAND, not_a_button),
    ]


def conversation(**kwargs: Any) -> ConversationHandler:
    """A persistent ConversationHandler keyed per chat and user.

    PTB warns that with per_message=False buttons are not tracked per message; that is what
    we want (one flow per person, stale buttons answered by ``reprompt``), so the warning is
    silenced here and only here.
    """
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*per_message=False.*",
                                category=PTBUserWarning)
        return ConversationHandler(persistent=True, allow_reentry=True, per_message=False,
                                   **kwargs)


def end_conversations(context: BotContext, user_id: int, *, keep: str | None = None) -> None:
    """Ends every conversation this user is in (but ``keep``), in memory and so in storage.

    PTB offers no public call for this; popping from the handler's TrackingDict is what
    ConversationHandler itself does on END, and the next persistence write deletes the row.
    """
    for handler in conversation_handlers(context):
        if handler.name != keep:
            conversations = handler._conversations
            for key in [k for k in conversations if user_id in k]:
                conversations.pop(key)


def conversation_handlers(context: BotContext) -> list[ConversationHandler]:
    return [h for handlers in context.application.handlers.values() for h in handlers
            if isinstance(h, ConversationHandler)]


def conversation_states(context: BotContext, user_id: int) -> dict[str, object]:
    """The step each conversation of this user is at (for /mydata)."""
    return {h.name: state for h in conversation_handlers(context)
            for key, state in h._conversations.items()
            if user_id in key}
