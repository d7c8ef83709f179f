"""Every flow and every view, registered in one order: flows' input first (only while a
flow is active), then entry points and views, then the catch-alls of ``help`` last."""

from __future__ import annotations

from telegram import Update
from telegram.ext import Application, CommandHandler

from bot.context import BotContext
from bot.flows import (
    agenda,
    attendance,
    broadcast,
    circle,
    consult,
    engine,
    events,
    find,
    groups,
    intake,
    invites,
    language,
    logbook,
    mapkeep,
    members,
    mine,
    onboarding,
    overview,
    payments,
    privacy,
    progress,
    prompts,
    refer,
    rounds,
    series,
    session_log,
    share,
    supporter,
    vouchers,
)
from bot.flows import help as help_view
from bot.flows.common import say
from bot.flows.engine import handlers
from bot.flows.steps import Flow, Turn
from bot.i18n import N_

FLOWS: tuple[Flow, ...] = (
    onboarding.ONBOARDING, share.SHARE, intake.INTAKE, mine.EDIT, series.SERIES,
    session_log.LOG, vouchers.VOUCHER, vouchers.REJECT, logbook.LOGBOOK, find.FIND,
    refer.REFER, mapkeep.MAPKEEP, invites.INVITE, events.PLAN, events.MOVE,
    attendance.ATTENDANCE, broadcast.BROADCAST, prompts.PROMPTS, progress.OVERRIDE,
    consult.TALK, consult.PROPOSE, supporter.SUPPORTER, groups.GROUP,
    rounds.NEW, rounds.MEMBERS,
)
VIEWS = (mine, circle, session_log, payments, vouchers, progress, overview, find, refer, invites,
         events, agenda, language, privacy, broadcast, members, intake, consult,
         groups, rounds)


def by_name(name: str | None) -> Flow | None:
    return next((f for f in FLOWS if f.name == name), None)


async def cancel(update: Update, context: BotContext) -> None:
    """/cancel ends whatever conversation is going, the way most bots let people out."""
    flow = by_name(context.user_data.get(engine.ACTIVE))
    if flow is None:
        await say(update, context, context.t.gettext(NOTHING_TO_CANCEL))
        return
    await engine.cancel(Turn(update, context, flow))


NOTHING_TO_CANCEL = N_("There is nothing to cancel. Type /help to see what I can do.")


def register(app: Application) -> None:
    names = [f.name for f in FLOWS]
    assert len(names) == len(set(names)), names
    for flow in FLOWS:
        for handler in handlers(flow, app):
            app.add_handler(handler)
    app.add_handler(CommandHandler("cancel", cancel))
    for view in VIEWS:
        for handler in view.handlers():
            app.add_handler(handler)
    for handler in help_view.handlers():
        app.add_handler(handler)
