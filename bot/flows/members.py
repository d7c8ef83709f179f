"""/members: a trainer pauses a kwartiermaker's access (or gives it back); an admin also
trainers, and makes a kwartiermaker a trainer or back. Every change is an audit line; a paused
person keeps their data, can still see and erase it, and their invites stop working."""

from __future__ import annotations

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import CommandHandler

from bot import access, keyboards
from bot.access import Action, Role
from bot.context import BotContext
from bot.flows import menu, ui
from bot.flows.common import act, requires, say
from bot.services import membership

P = "mb"


@requires(Action.MEMBERS)
async def members(update: Update, context: BotContext) -> None:
    t = context.t
    found = await membership.members(context.req)
    if not found:
        await say(update, context, t.gettext("Nobody whose access you manage yet."))
        return
    rows = [[ui.button(P, ("⏸ " if p.active else "▶️ ") + p.display_name + " · "
                       + keyboards.role_label(t, p.role), "off" if p.active else "on", p.id)]
            for p in found[:40]]
    if access.is_admin(context.role):
        rows += [[ui.button(P, "🔁 " + t.gettext("Make {name} a {role}").format(
            name=p.display_name, role=keyboards.role_label(
                t, Role.TRAINER if p.role == Role.ORGANISER else Role.ORGANISER))[:60],
            "role", p.id)] for p in found[:40] if p.active]
    await say(update, context, t.gettext(
        "⏸ pauses someone's access, ▶️ gives it back. Nothing of theirs is deleted."),
        reply_markup=InlineKeyboardMarkup(rows))


def _switch(active: bool):
    @requires(Action.MEMBERS)
    async def handler(update: Update, context: BotContext) -> None:
        t = context.t
        key = "on" if active else "off"
        person = await act(update, context, membership.set_active(
            context.req, ui.int_arg(update.callback_query.data, f"{P}:{key}"), active),
            lambda p: t.gettext("That was already done.") if p is None else (
                t.gettext("{name} can use the bot again.") if active
                else t.gettext("{name}'s access is paused.")).format(name=p.display_name))
        if person is not None:
            await menu.publish_for(context.bot, context.services, person)
    return handler


@requires(Action.MEMBERS)
async def change_role(update: Update, context: BotContext) -> None:
    t = context.t
    person_id = ui.int_arg(update.callback_query.data, f"{P}:role")
    current = next((p for p in await membership.members(context.req) if p.id == person_id), None)
    role = Role.TRAINER if current is not None and current.role == Role.ORGANISER \
        else Role.ORGANISER
    person = await act(update, context, membership.change_role(context.req, person_id, role),
                       lambda p: t.gettext("That was already done.") if p is None else
                       t.gettext("{name} is now: {role}.").format(
                           name=p.display_name, role=keyboards.role_label(t, p.role)))
    if person is not None:
        await menu.publish_for(context.bot, context.services, person)


def handlers() -> list:
    return [CommandHandler("members", members), ui.tap(P, "off", _switch(False)),
            ui.tap(P, "on", _switch(True)), ui.tap(P, "role", change_role)]
