"""BotHarness: the real Application on a fresh SQLite file, driven by simulated users."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from telegram.ext import Application

from bot import access
from bot.app import close_application, create_application, start_application
from bot.config import Settings
from bot.services.request import Request
from bot.simulator import FakeBotApi, SimulatedUser
from bot.storage.people import Person

ADMIN_ID = 100
ROOT = Path(__file__).resolve().parents[2]


@dataclass
class Clock:
    now: datetime = field(default_factory=lambda: datetime(2026, 11, 29, 10, 0, tzinfo=UTC))

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kwargs: float) -> None:
        self.now += timedelta(**kwargs)


async def _no_wait(seconds: float) -> None:
    """Stands in for asyncio.sleep in the worker: the fake clock decides when rows are due."""


class BotHarness:
    """Start, restart (as after kill -9: no shutdown) and speak as any user."""

    def __init__(self, data_dir: Path) -> None:
        self.settings = Settings(token="123456:TEST", data_dir=data_dir,
                                 admin_ids=frozenset({ADMIN_ID}),
                                 locales_dir=ROOT / "locales", migrations_dir=ROOT / "migrations")
        self.api = FakeBotApi()
        self.clock = Clock()
        self.app: Application | None = None
        self._stale: list[Application] = []

    async def start(self) -> None:
        self.app = await create_application(self.settings, request=self.api, clock=self.clock)
        await start_application(self.app, deliver=False)
        # Tests drain the outbox themselves on a fake clock; pacing is measured by
        # benchmarks/broadcast.py and the per-chat spacing has a test of its own.
        delivery = self.app.bot_data["services"].delivery
        delivery.per_chat_interval = 0.0
        delivery.budget.rate = 10_000
        delivery.sleep = _no_wait
        self.app.bot_data["services"].lanes.pace.interval = 0.0  # replies: no per-chat pace

    async def crash_and_restart(self) -> None:
        """Drops the running app without any shutdown, as a kill -9 would, then starts anew."""
        old = self.app
        self._stale.append(old)
        await self.start()

    async def restart(self) -> None:
        await close_application(self.app)
        await self.start()

    def oversized_messages(self) -> list[str]:
        """Texts over Telegram's 4096 characters, or captions over 1024, sent in this test."""
        return [m.text[:80] for chat in self.api.messages.values() for m in chat
                if len(m.text) > (4096 if m.kind == "text" else 1024)]

    async def close(self) -> None:
        for app in self._stale:
            await app.bot_data["services"].db.close()
        if self.app is not None:
            await close_application(self.app)

    def with_settings(self, **changes: object) -> None:
        self.settings = replace(self.settings, **changes)

    def user(self, user_id: int, name: str = "Sam", language_code: str | None = "nl"
             ) -> SimulatedUser:
        return _BoundUser(self, user_id, name, language_code)

    async def tick(self) -> int:
        """What the reminder job does every 30 s: queue due reminders; then deliver."""
        from bot.app import send_due_reminders
        from bot.flows.broadcast import refresh_statuses

        queued = await send_due_reminders(self.app.bot_data["services"])
        await self.deliver()
        await refresh_statuses(self.app)
        return queued

    async def deliver(self) -> None:
        """Drains the outbox now, as the worker would."""
        await self.app.bot_data["services"].delivery.drain()

    @property
    def db(self):
        return self.app.bot_data["services"].db

    def request(self, person: Person | None = None) -> Request:
        """A service request at the fake clock's moment, as ``person`` in their effective role
        (nobody by default: what the jobs and the CLI use)."""
        return self.app.bot_data["services"].request(
            person, access.effective_role(person, self.settings.admin_ids))

    async def rows(self, sql: str, *params: object) -> list[tuple]:
        async with self.db.read() as conn:
            return [tuple(r) for r in await conn.execute_fetchall(sql, params)]


class _BoundUser(SimulatedUser):
    """Follows the harness across restarts, like a real person keeps their phone."""

    def __init__(self, harness: BotHarness, user_id: int, name: str, lang: str | None) -> None:
        self.harness = harness
        super().__init__(harness.app, harness.api, user_id, name, lang)

    @property
    def app(self) -> Application:
        return self.harness.app

    @app.setter
    def app(self, value: Application) -> None:
        pass
