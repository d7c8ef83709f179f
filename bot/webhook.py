"""Webhook mode: Telegram posts each update to ``SAMEN_WEBHOOK_URL`` (through any reverse
proxy that terminates HTTPS). An update is stored in the inbox before Telegram hears 200, so
a crash after that loses nothing and one before it makes Telegram send it again. ``/healthz``
answers 200 or 503 with the figures of ``samenbot status``.

Served by tornado, the HTTP server python-telegram-bot's own webhook mode uses; PTB's server
is not used because it acknowledges an update before anything is stored.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
import re
from dataclasses import asdict
from datetime import UTC, datetime
from urllib.parse import urlsplit

import tornado.web
from telegram.ext import Application

from bot.context import Services
from bot.receiving import ALLOWED, Receiver
from bot.services import health

log = logging.getLogger(__name__)
MAX_BODY = 1_000_000  # an update is a few kilobytes; anything bigger is not from Telegram


class UpdateHandler(tornado.web.RequestHandler):
    def initialize(self, receiver: Receiver, secret: str) -> None:
        self.receiver = receiver
        self.secret = secret

    async def post(self) -> None:
        given = self.request.headers.get("X-Telegram-Bot-Api-Secret-Token", "")
        if not hmac.compare_digest(given.encode(), self.secret.encode()):
            self.set_status(403)
            return
        try:
            update = json.loads(self.request.body)
            valid = isinstance(update, dict) and isinstance(update.get("update_id"), int)
        except ValueError:
            valid = False
        if not valid:
            self.set_status(400)
            return
        await self.receiver.store([update])
        self.receiver.receiving_ok_at = datetime.now(UTC)
        self.set_status(200)

    def log_exception(self, *args: object) -> None:  # never log a request (it holds words)
        log.warning("webhook request failed")


class HealthHandler(tornado.web.RequestHandler):
    def initialize(self, services: Services) -> None:
        self.services = services

    async def get(self) -> None:
        report = await health.status(self.services.settings, datetime.now(UTC))
        self.set_status(200 if report.healthy else 503)
        self.set_header("Content-Type", "application/json")
        self.finish(json.dumps(asdict(report)))


def web_app(app: Application, receiver: Receiver) -> tornado.web.Application:
    services: Services = app.bot_data["services"]
    settings = services.settings
    path = urlsplit(settings.webhook_url or "").path or "/"
    return tornado.web.Application([
        (re.escape(path), UpdateHandler, {"receiver": receiver,
                                          "secret": settings.secret_token}),
        (r"/healthz", HealthHandler, {"services": services}),
    ], log_function=lambda handler: None)


async def serve(app: Application, receiver: Receiver, stop: asyncio.Event) -> None:
    """Listens, tells Telegram where to post, and handles what arrives until ``stop``.
    One connection at a time (``max_connections=1``): updates then arrive in order."""
    settings = app.bot_data["services"].settings
    server = web_app(app, receiver).listen(settings.webhook_port, settings.webhook_listen,
                                           max_body_size=MAX_BODY, xheaders=True)
    try:
        await app.bot.set_webhook(settings.webhook_url, secret_token=settings.secret_token,
                                  allowed_updates=ALLOWED, max_connections=1)
        log.info("webhook set; listening on %s:%d", settings.webhook_listen,
                 settings.webhook_port)
        await receiver.work_until(stop)
    finally:
        server.stop()
