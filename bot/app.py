"""The one wiring point: settings + database + translations → a ready Application."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, time, timedelta
from functools import partial

from telegram import Update
from telegram.ext import Application, ApplicationBuilder, ContextTypes, TypeHandler
from telegram.request import BaseRequest, HTTPXRequest

from bot.config import Settings
from bot.context import BotContext, Services, utc_now
from bot.delivery import attachments, journal, replies
from bot.delivery.journal import JournalingRequest
from bot.delivery.pacing import PacedRequest, SendBudget
from bot.delivery.worker import DeliveryWorker
from bot.flows import broadcast, engine, menu, registry
from bot.flows.common import identify, load_person, say
from bot.flows.private import private_only
from bot.i18n import Translations
from bot.services import backups, charts, exports, introductions, notices, retention
from bot.services import events as event_service
from bot.services import programme as programme_service
from bot.services import referrals as referral_service
from bot.storage import inbox
from bot.storage.db import Database
from bot.storage.migrations import migrate
from bot.storage.persistence import SqlitePersistence

log = logging.getLogger(__name__)


class SamenApplication(Application):
    """Handles each update in one transaction: its domain rows, the person's step and draft,
    the inbox mark and its replies are stored together; the replies are sent after the commit.
    A kill -9 therefore loses no step, stores nothing twice and never shows something that was
    not stored."""

    async def process_update(self, update: object) -> None:
        services: Services = self.bot_data["services"]
        chat = update.effective_chat if isinstance(update, Update) else None
        with journal.collecting() as calls:
            try:
                async with services.db.unit() as conn:
                    await super().process_update(update)
                    if isinstance(update, Update):
                        await self._persist(update)
                        await inbox.done(conn, update.update_id)
                    stored = await replies.keep(conn, calls, services.clock())
                    # Sent once committed: at the end of this unit, or of the batch it is in.
                    services.db.after_commit(partial(
                        _submit, services, chat.id if chat is not None else 0, stored))
            except BaseException:
                self.persistence.forget_written()
                raise

    async def settle(self) -> None:
        """Waits until the replies of every update handled so far were sent (tests, console)."""
        await self.bot_data["services"].lanes.settle()

    async def _persist(self, update: Update) -> None:
        """The user_data (the active flow and drafts) and chat_data of whoever wrote."""
        persistence = self.persistence
        if update.effective_user is not None:
            await persistence.write_user(update.effective_user.id,
                                         self.user_data.get(update.effective_user.id))
        if update.effective_chat is not None:
            await persistence.write_chat(update.effective_chat.id,
                                         self.chat_data.get(update.effective_chat.id))


async def _submit(services: Services, chat_id: int, stored: replies.Stored) -> None:
    services.lanes.submit(chat_id, stored)


async def on_error(update: object, context: BotContext) -> None:
    """A handler failed: the person hears so in their own language (the answers they gave so
    far are kept); the button they tapped is answered."""
    log.error("error while handling an update", exc_info=context.error)
    if not isinstance(update, Update) or update.effective_chat is None:
        return
    try:
        if update.effective_user is not None:
            await identify(update, context)
        if update.callback_query is not None:
            await update.callback_query.answer()
        await say(update, context, context.t.gettext(
            "Sorry, something went wrong on our side. What you entered so far is kept. "
            "Please try again, or send /help."))
    except Exception:  # the error path must never raise
        log.exception("could not tell the person about the error")


async def create_application(
    settings: Settings,
    *,
    request: BaseRequest | None = None,
    clock: Callable[[], datetime] = utc_now,
) -> Application:
    """Opens and migrates the database, then builds the Application (not yet initialised)."""
    db = Database(settings.database_path)
    await db.open()
    await migrate(db, settings.migrations_dir, before=partial(_backup_first, settings, clock))
    services = Services(settings=settings, db=db,
                        translations=Translations(settings.locales_dir, settings.tz), clock=clock)

    builder = (
        ApplicationBuilder()
        .application_class(SamenApplication)
        .token(settings.token)
        .context_types(ContextTypes(context=BotContext))
        .persistence(SqlitePersistence(db))
    )
    if settings.api_base_url:
        builder = builder.base_url(settings.api_base_url)
    if settings.api_base_file_url:
        builder = builder.base_file_url(settings.api_base_file_url)
    budget = SendBudget(settings.send_rate)
    # Connections: replies (8 at once), the outbox worker (8 slots), long polling (1), spare.
    sender = JournalingRequest(PacedRequest(request or HTTPXRequest(connection_pool_size=24),
                                            budget))
    builder = builder.request(sender)
    if request is not None:
        builder = builder.get_updates_request(request)
    app = builder.build()
    app.bot_data["services"] = services
    services.sender = sender
    services.lanes = replies.Lanes(db, sender, lambda: app.bot.base_url, clock, budget=budget)
    services.delivery = DeliveryWorker(db, app.bot, clock, budget, request=sender,
                                       lanes=services.lanes)

    attachments.register("chart", charts.draw)
    attachments.register("xlsx", exports.xlsx_of)
    app.add_handler(TypeHandler(Update, load_person), group=-10)
    app.add_handler(TypeHandler(Update, private_only), group=-5)
    registry.register(app)
    app.add_error_handler(on_error)
    return app


async def start_application(app: Application, *, deliver: bool = True) -> None:
    """Initialises the Application (loading persisted state), publishes the visitor menu and,
    unless ``deliver`` is False (tests drain the outbox themselves), starts the outbox worker."""
    await app.initialize()
    services: Services = app.bot_data["services"]
    await menu.publish_defaults(app.bot, services)
    await event_service.plan(services.request())
    await forget_the_old(app)
    if deliver:
        await services.delivery.start()
        jobs = app.job_queue
        # No misfire grace limit: a job held up by a stalled loop runs late, never not at all.
        late_ok = {"misfire_grace_time": None, "coalesce": True}
        jobs.run_repeating(_reminder_tick, interval=REMINDER_TICK_SECONDS, first=1,
                           name="reminders", job_kwargs=late_ok)
        jobs.run_repeating(_broadcast_tick, interval=BROADCAST_STATUS_SECONDS, first=2,
                           name="broadcast-status", job_kwargs=late_ok)
        jobs.run_daily(_digest_tick, time=time(18, 0, tzinfo=services.settings.tz),
                       name="digest", job_kwargs=late_ok)
        jobs.run_monthly(_unverified_tick, when=time(10, 0, tzinfo=services.settings.tz),
                         day=1, name="socialmap-unverified", job_kwargs=late_ok)
        jobs.run_repeating(_plan_tick, interval=24 * 3600, first=3600, name="plan",
                           job_kwargs=late_ok)
        jobs.run_repeating(_retention_tick, interval=24 * 3600, first=24 * 3600,
                           name="retention", job_kwargs=late_ok)
        jobs.run_daily(_backup_tick, time=time(3, 30, tzinfo=services.settings.tz),
                       name="backup", job_kwargs=late_ok)
    else:
        await services.delivery.recover()


REMINDER_TICK_SECONDS = 30
BROADCAST_STATUS_SECONDS = 2


async def send_due_reminders(services: Services) -> int:
    """Queues due reminders and introduction follow-ups, then wakes the outbox worker (the
    job's body, callable in tests)."""
    req = services.request()
    queued = await event_service.send_due(req)
    queued += await introductions.send_follow_ups(req)
    queued += await referral_service.send_follow_ups(req)
    if queued and services.delivery is not None:
        services.delivery.wake.set()
    return queued


async def _reminder_tick(context: BotContext) -> None:
    await send_due_reminders(context.application.bot_data["services"])


async def _broadcast_tick(context: BotContext) -> None:
    await broadcast.refresh_statuses(context.application)


async def _digest_tick(context: BotContext) -> None:
    """Daily, at 18:00: the kwartiermakers' digests and the trainers' quiet-series notices."""
    services: Services = context.application.bot_data["services"]
    req = services.request()
    sent = await introductions.send_digests(req)
    sent += await programme_service.notice_quiet_series(req, notices.quiet_series)
    if sent:
        services.delivery.wake.set()


async def _unverified_tick(context: BotContext) -> None:
    services: Services = context.application.bot_data["services"]
    if await referral_service.tell_unverified(services.request()):
        services.delivery.wake.set()


async def _plan_tick(context: BotContext) -> None:
    services: Services = context.application.bot_data["services"]
    await event_service.plan(services.request())


async def forget_the_old(app: Application) -> tuple[int, int]:
    """Blanks the words of old sent messages and drops drafts nobody touched for
    ``draft_days`` (an intake abandoned halfway keeps no name or phone for ever); returns
    (messages, people whose drafts went)."""
    services: Services = app.bot_data["services"]
    req = services.request()
    messages = await retention.forget_old_messages(req)
    before = req.now - timedelta(days=services.settings.draft_days)
    people = 0
    for user_id, data in list(app.user_data.items()):
        if engine.expired(data, before):
            await app.persistence.write_user(user_id, data)
            people += 1
    if messages or people:
        await services.db.truncate_wal()  # no copy of the forgotten words stays in the WAL
    return messages, people


async def _backup_first(settings: Settings, clock: Callable[[], datetime],
                        pending: list) -> None:
    """A database that holds data is copied before a migration changes it."""
    await backups.make(settings, f"before-migration-{pending[0].number:04d}", clock())


async def _backup_tick(context: BotContext) -> None:
    services: Services = context.application.bot_data["services"]
    try:
        await backups.make(services.settings, "daily", services.clock())
    except OSError as exc:  # a full disk must not stop the bot; status shows the last backup
        log.error("daily backup failed: %s", exc)


async def _retention_tick(context: BotContext) -> None:
    await forget_the_old(context.application)


async def close_application(app: Application) -> None:
    """Stops the outbox worker, writes the last state and closes the database."""
    services: Services = app.bot_data["services"]
    await services.lanes.stop()  # replies still waiting for their turn stay stored
    await services.delivery.stop()
    if app.running:
        await app.stop()
    await app.shutdown()
    await services.db.close()
