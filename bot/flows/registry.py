"""Every flow and every view, registered in one order: flows' input first (only while a
flow is active), then entry points and views, then the catch-alls of ``help`` last."""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import Application, BaseHandler, CommandHandler

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
    found: list[BaseHandler] = []
    for flow in FLOWS:
        found += handlers(flow, app)
    found.append(CommandHandler("cancel", cancel))
    for view in VIEWS:
        found += view.handlers()
    last = help_view.handlers()  # /help, then the catch-alls for anything not handled
    commands = [h for h in [*found, *last] if isinstance(h, CommandHandler)]
    first = found.index(commands[0])
    rest = [h for h in found if not isinstance(h, CommandHandler)]
    # One handler for every command, where the first one stood: a command is read once and
    # looked up, instead of each of some forty CommandHandlers reading it in turn.
    for handler in [*rest[:first], CommandRouter(commands), *rest[first:],
                    *(h for h in last if not isinstance(h, CommandHandler))]:
        app.add_handler(handler)


class CommandRouter(BaseHandler[Update, BotContext, Any]):
    """The bot's CommandHandlers behind one lookup by command name (the first registered for a
    name wins, as in PTB's own order); the chosen handler still checks and handles the update
    itself (its filters, ``context.args``)."""

    def __init__(self, commands: list[CommandHandler]) -> None:
        super().__init__(_never_called)
        self.by_name: dict[str, CommandHandler] = {}
        for handler in commands:
            for name in handler.commands:
                self.by_name.setdefault(name, handler)

    def check_update(self, update: object) -> tuple[CommandHandler, Any] | None:
        message = update.effective_message if isinstance(update, Update) else None
        text = message.text if message is not None else None
        if not text or not text.startswith("/") or len(text) < 2:
            return None
        name = text[1:].split(maxsplit=1)[0].split("@", 1)[0].lower()
        handler = self.by_name.get(name)
        if handler is None:
            return None
        found = handler.check_update(update)
        return (handler, found) if found not in (None, False) else None

    async def handle_update(self, update: Update, application: Application,
                            check_result: tuple[CommandHandler, Any], context: BotContext) -> Any:
        handler, found = check_result
        return await handler.handle_update(update, application, found, context)


async def _never_called(update: Update, context: BotContext) -> None:
    raise AssertionError("CommandRouter hands each update to the handler of its command")
