"""What every handler shares: loading the person, answering, the access guard and refusals."""

from __future__ import annotations

import functools
import logging
from collections.abc import Awaitable, Callable, Mapping
from typing import Any, TypeVar

from telegram import Update
from telegram.error import BadRequest

from bot import access
from bot.context import BotContext
from bot.flows.steps import draft_of
from bot.languages import resolve
from bot.services import membership

log = logging.getLogger(__name__)
T = TypeVar("T")

Handler = Callable[[Update, BotContext], Awaitable[Any]]


async def load_person(update: Update, context: BotContext) -> None:
    """Runs first for every update: who is asking, in which role, in which language."""
    context.now()  # reads the clock: the moment of this whole update
    if update.effective_user is None:
        return
    await identify(update, context)


async def identify(update: Update, context: BotContext) -> None:
    """Sets the person, their role and their translator on the context (also for the error
    handler, whose context is a fresh one): their stored language, else the one picked while
    joining, else their phone's."""
    user, services = update.effective_user, context.services
    person = await membership.identify(context.req, user.id)
    context.person = person
    context.role = access.effective_role(person, services.settings.admin_ids)
    if person is not None:
        language = person.language
    else:
        onboarding = draft_of(context.user_data, "onboarding")
        language = onboarding.get("language") or onboarding.get("hint") or resolve(
            user.language_code, services.settings.default_language)
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


async def acknowledge(update: Update) -> None:
    """Answers the tapped button and takes the buttons off its message (the usual first step
    of a button handler that moves the conversation on)."""
    await update.callback_query.answer()
    await remove_keyboard(update)


def refusal(context: BotContext) -> str:
    """What someone hears who may not do this: a visitor how to join, a member their role."""
    t = context.t
    if context.person is None:
        return t.gettext("You are not registered yet. Open the invite link you got, or ask "
                         "for one.")
    if not context.person.active:
        return t.gettext("Your access is paused. Ask your trainer if you think this is a "
                         "mistake. /mydata and /forget still work.")
    return t.gettext("This is not available for your role. /help shows what you can do.")


async def refuse(update: Update, context: BotContext) -> None:
    text = refusal(context)
    if update.callback_query is not None:
        await update.callback_query.answer(text, show_alert=True)
    else:
        await say(update, context, text)


def requires(action: access.Action) -> Callable[[Handler], Handler]:
    """Wraps a command or callback handler of a view with the role check."""

    def decorate(handler: Handler) -> Handler:
        @functools.wraps(handler)
        async def guarded(update: Update, context: BotContext) -> Any:
            if not context.may(action):
                log.info("refused %s for role %s", action, context.role)
                await refuse(update, context)
                return None
            return await handler(update, context)

        return guarded

    return decorate


async def act(update: Update, context: BotContext, work: Awaitable[T],
              said: Callable[[T], str | None], *, keep_buttons: bool = False,
              refusals: Mapping[type[Exception], str] | None = None) -> T | None:
    """A button that changes something. If the service refuses, the person is told (as an
    alert on the button); otherwise the button is answered once, its buttons are taken off
    (unless ``keep_buttons``) and what happened is said."""
    refusals = refusals or {}
    try:
        result = await work
    except access.AccessDenied:
        await refuse(update, context)
        return None
    except tuple(refusals) as exc:
        await update.callback_query.answer(refusals[type(exc)], show_alert=True)
        return None
    await update.callback_query.answer()
    if not keep_buttons:
        await remove_keyboard(update)
    text = said(result)
    if text:
        await say(update, context, text)
    return result
