"""/mydata sends everything kept about the person; /forget erases it after confirmation."""

from __future__ import annotations

from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler

from bot import callbacks as cb
from bot import keyboards
from bot.access import Action
from bot.context import BotContext
from bot.delivery import journal
from bot.flows import engine, menu, mydata_text, ui
from bot.flows.common import acknowledge, remove_keyboard, requires, say
from bot.flows.steps import ACTIVE, DRAFTS
from bot.services import membership

CONFIRM_MINUTES = 15


def _minutes(context: BotContext) -> int:
    return int(context.now().timestamp() // 60)


def _own_state(context: BotContext) -> tuple[dict, dict]:
    """The step the person is at, and their unfinished answers that are about themselves.
    Drafts about others (an attendance list, a phone intake) stay out of the file."""
    data = dict(context.user_data or {})
    stored, active = data.pop(DRAFTS, None) or {}, data.pop(ACTIVE, None)
    own = {name: {k: v for k, v in draft.items() if not k.startswith("_")}
           for name, draft in stored.items()
           if (flow := engine.registered(name)) is not None and not flow.about_others}
    state = {}
    if active in own:
        step = engine.registered(active).current(own[active])
        state[active] = step.name if step is not None else None
    return state, {**data, **own}


@requires(Action.MYDATA)
async def mydata(update: Update, context: BotContext) -> None:
    state, unfinished = _own_state(context)
    document = await membership.export(context.req, conversation_state=state,
                                       user_data=unfinished)
    await say(update, context, mydata_text.summary(context.t, document,
                                              await ui.category_labels(context)))
    await context.bot.send_document(
        update.effective_chat.id, membership.as_json(document), filename="samenbot-mydata.json",
        caption=context.t.gettext("This file holds everything samenbot keeps about you."),
    )


@requires(Action.FORGET)
async def ask_forget(update: Update, context: BotContext) -> None:
    await say(update, context, context.t.gettext(
        "Do you want to erase all your data? Your answers, your invites and your settings are "
        "deleted and cannot be brought back. You can always join again with a new invite."),
        reply_markup=keyboards.forget_confirm(context.t, _minutes(context)))


async def forget(update: Update, context: BotContext) -> None:
    query = update.callback_query
    if context.person is None:  # a second tap after the erasure
        await query.answer(context.t.gettext("Nothing is stored about you."), show_alert=True)
        return
    issued = cb.int_arg(query.data, cb.FORGET_YES)
    if issued is None or not 0 <= _minutes(context) - issued <= CONFIRM_MINUTES:
        await query.answer()
        await say(update, context, context.t.gettext(
            "That confirmation is too old. Please confirm again."))
        await ask_forget(update, context)
        return
    await query.answer()
    user_id = update.effective_user.id
    t = context.t  # keep the language for the goodbye
    await membership.forget(context.req)
    journal.do_not_keep()  # the goodbye is sent, never stored with their chat id
    context.application.drop_user_data(user_id)
    context.application.drop_chat_data(update.effective_chat.id)
    context.person, context.role = None, None
    await remove_keyboard(update)
    await menu.remove_for(context.bot, user_id)
    await say(update, context, t.gettext(
        "Everything about you has been erased. Thank you for taking part. Goodbye!"))


@requires(Action.FORGET)
async def keep(update: Update, context: BotContext) -> None:
    await acknowledge(update)
    await say(update, context, context.t.gettext("Good, nothing has been erased."))


def handlers() -> list:
    return [
        CommandHandler("mydata", mydata),
        CommandHandler("forget", ask_forget),
        CallbackQueryHandler(forget, pattern=cb.pattern(cb.FORGET_YES)),
        CallbackQueryHandler(keep, pattern=cb.pattern(cb.FORGET_NO)),
    ]
