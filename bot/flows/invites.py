"""/invite: make a link plus QR code for a role; /invites: see and withdraw open invites."""

from __future__ import annotations

import io
from datetime import datetime

import segno
from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler, ConversationHandler

from bot import access, keyboards
from bot import callbacks as cb
from bot.access import Action
from bot.context import BotContext
from bot.flows.common import (
    conversation,
    end_conversations,
    refuse,
    remove_keyboard,
    reprompt,
    requires,
    say,
)
from bot.i18n import Translator
from bot.services import invites
from bot.services.invites import Invite

ROLE, USES, DAYS = range(3)
NAME = "invite"


def invite_link(bot_username: str, code: str) -> str:
    return f"https://t.me/{bot_username}?start={code}"


def qr_png(link: str) -> bytes:
    buf = io.BytesIO()
    segno.make(link, error="m").save(buf, kind="png", scale=8, border=4)
    return buf.getvalue()


def _draft(context: BotContext) -> dict:
    return context.user_data.setdefault("invite", {})


@requires(Action.INVITE)
async def start(update: Update, context: BotContext) -> int:
    end_conversations(context, update.effective_user.id, keep=NAME)
    context.user_data["invite"] = {}
    roles = access.GRANTS[context.role]
    if len(roles) == 1:
        _draft(context)["role"] = roles[0]
        await ask_uses(update, context)
        return USES
    await ask_role(update, context)
    return ROLE


async def ask_role(update: Update, context: BotContext) -> None:
    await say(update, context, context.t.gettext("Whom do you want to invite?"),
              reply_markup=keyboards.invite_roles(context.t, access.GRANTS[context.role]))


async def ask_uses(update: Update, context: BotContext) -> None:
    await say(update, context, context.t.gettext("For how many people is this link?"),
              reply_markup=keyboards.invite_uses(context.t))


async def ask_days(update: Update, context: BotContext) -> None:
    await say(update, context, context.t.gettext("How long may the link be used?"),
              reply_markup=keyboards.invite_days(context.t))


@requires(Action.INVITE)
async def role_chosen(update: Update, context: BotContext) -> int:
    query = update.callback_query
    role = cb.arg(query.data, cb.INVITE_ROLE)
    if role is None or not access.may_grant(context.role, role):
        await refuse(update, context)
        await ask_role(update, context)
        return ROLE
    await query.answer()
    await remove_keyboard(update)
    _draft(context)["role"] = role
    await ask_uses(update, context)
    return USES


@requires(Action.INVITE)
async def uses_chosen(update: Update, context: BotContext) -> int:
    query = update.callback_query
    await query.answer()
    uses = cb.int_arg(query.data, cb.INVITE_USES, invites.USES_CHOICES)
    if uses is None:
        await ask_uses(update, context)
        return USES
    await remove_keyboard(update)
    _draft(context)["uses"] = uses
    await ask_days(update, context)
    return DAYS


@requires(Action.INVITE)
async def days_chosen(update: Update, context: BotContext) -> int:
    query = update.callback_query
    await query.answer()
    days = cb.int_arg(query.data, cb.INVITE_DAYS, invites.DAYS_CHOICES)
    draft = _draft(context)
    if days is None or "role" not in draft or "uses" not in draft:
        await ask_days(update, context)
        return DAYS
    try:
        invite = await invites.create(
            context.req, role=draft["role"], max_uses=draft["uses"], valid_days=days,
        )
    except access.AccessDenied:
        await refuse(update, context)
        context.user_data.pop("invite", None)
        return ConversationHandler.END
    await remove_keyboard(update)
    context.user_data.pop("invite", None)
    link = invite_link(context.bot.username, invite.code)
    t = context.t
    caption = "\n".join([
        t.gettext("Invite for: {role}").format(role=keyboards.role_label(t, invite.role)),
        _validity(t, invite, context),
        "",
        t.gettext("Send this link, or let them scan the code with their phone camera:"),
        link,
    ])
    await context.bot.send_photo(update.effective_chat.id, qr_png(link), caption=caption,
                                 filename="invite-qr.png")
    return ConversationHandler.END


@requires(Action.INVITE)
async def cancel(update: Update, context: BotContext) -> int:
    query = update.callback_query
    await query.answer()
    await remove_keyboard(update)
    context.user_data.pop("invite", None)
    await say(update, context, context.t.gettext("Cancelled. Nothing was made."))
    return ConversationHandler.END


def _validity(t: Translator, invite: Invite, context: BotContext) -> str:
    until = t.format_datetime(datetime.fromisoformat(invite.expires_at))
    if invite.max_uses is None:
        uses = t.gettext("no limit on the number of people")
    else:
        uses = t.ngettext("{used} of {total} place used", "{used} of {total} places used",
                          invite.max_uses).format(used=invite.uses, total=invite.max_uses)
    return t.gettext("Valid until {until} · {uses}").format(until=until, uses=uses)


@requires(Action.LIST_INVITES)
async def list_open(update: Update, context: BotContext) -> None:
    t = context.t
    open_invites = await invites.active(context.req)
    if not open_invites:
        await say(update, context, t.gettext("You have no open invites. /invite makes one."))
        return
    lines = [t.gettext("Your open invites:")]
    for number, invite in enumerate(open_invites, start=1):
        lines.append(f"{number}. {keyboards.role_label(t, invite.role)} · "
                     f"{_validity(t, invite, context)}")
        lines.append(f"   {invite_link(context.bot.username, invite.code)}")
    await say(update, context, "\n".join(lines),
              reply_markup=keyboards.revoke_buttons(t, open_invites))


@requires(Action.LIST_INVITES)
async def revoke(update: Update, context: BotContext) -> None:
    query = update.callback_query
    invite_id = cb.int_arg(query.data, cb.INVITE_REVOKE)
    try:
        if invite_id is None:
            raise access.AccessDenied("malformed")
        done = await invites.revoke(context.req, invite_id)
    except access.AccessDenied:
        await query.answer(context.t.gettext("You cannot withdraw this invite."), show_alert=True)
        return
    await query.answer()
    t = context.t
    await say(update, context, t.gettext("The invite is withdrawn: the link no longer works.")
              if done else t.gettext("This invite was already withdrawn."))


def handlers() -> list:
    cancel_handler = CallbackQueryHandler(cancel, pattern=cb.pattern(cb.INVITE_CANCEL))
    flow = conversation(
        entry_points=[CommandHandler("invite", start)],
        states={
            ROLE: [CallbackQueryHandler(role_chosen, pattern=cb.pattern(cb.INVITE_ROLE)),
                   cancel_handler, *reprompt(ROLE, ask_role, "inv")],
            USES: [CallbackQueryHandler(uses_chosen, pattern=cb.pattern(cb.INVITE_USES)),
                   cancel_handler, *reprompt(USES, ask_uses, "inv")],
            DAYS: [CallbackQueryHandler(days_chosen, pattern=cb.pattern(cb.INVITE_DAYS)),
                   cancel_handler, *reprompt(DAYS, ask_days, "inv")],
        },
        fallbacks=[],
        name=NAME,
    )
    return [flow, CommandHandler("invites", list_open),
            CallbackQueryHandler(revoke, pattern=cb.pattern(cb.INVITE_REVOKE))]
