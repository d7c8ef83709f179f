"""The typed context every handler receives: services, the person asking, their translator."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from telegram.ext import Application, CallbackContext, ExtBot
from telegram.request import BaseRequest

from bot import access, bidi
from bot.access import Role
from bot.config import Settings
from bot.i18n import Translations, Translator
from bot.services.request import Request
from bot.storage.db import Database
from bot.storage.people import Person

if TYPE_CHECKING:
    from bot.delivery.replies import Lanes
    from bot.delivery.worker import DeliveryWorker


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class Services:
    settings: Settings
    db: Database
    translations: Translations
    clock: Callable[[], datetime] = utc_now
    delivery: DeliveryWorker | None = None
    sender: BaseRequest | None = None  # the request object replies are sent with
    lanes: Lanes | None = None  # sends each update's replies after its commit

    def request(self, person: Person | None = None, role: Role | None = None) -> Request:
        """A request at the clock's current moment (jobs, the CLI, tests)."""
        return Request(db=self.db, translations=self.translations, settings=self.settings,
                       now=self.clock(), person=person, role=role)


class BotContext(CallbackContext[ExtBot, dict, dict, dict]):
    """Set up per update by ``flows.common.load_person`` before any flow runs."""

    def __init__(self, application: Application, chat_id: int | None = None,
                 user_id: int | None = None) -> None:
        super().__init__(application, chat_id=chat_id, user_id=user_id)
        self.person: Person | None = None
        self.role: Role | None = None
        self._t: Translator | None = None
        self._now: datetime | None = None

    @property
    def services(self) -> Services:
        return self.application.bot_data["services"]

    @property
    def t(self) -> Translator:
        if self._t is None:
            self.t = self.services.translations.for_language(
                self.services.settings.default_language
            )
        return self._t

    @t.setter
    def t(self, value: Translator) -> None:
        self._t = value
        bidi.set_reader(value.language.rtl)  # replies from now on are laid out for them

    def now(self) -> datetime:
        """The moment this update is handled: read from the clock once (``load_person`` does
        it first), then the same for every handler and service call of the update."""
        if self._now is None:
            self._now = self.services.clock()
        return self._now

    @property
    def req(self) -> Request:
        """The request of the person asking, in their current role, at ``now()``. Built anew
        on every use, so it follows a change of ``person`` or ``role`` (joining, /language)."""
        return Request(db=self.services.db, translations=self.services.translations,
                       settings=self.services.settings, now=self.now(), person=self.person,
                       role=self.role)

    def may(self, action: access.Action) -> bool:
        paused = self.person is not None and not self.person.active
        return access.allowed(self.role, action, paused=paused)

    @property
    def draft(self) -> dict[str, Any]:
        """The unfinished answers of the current flow; persisted with user_data."""
        assert self.user_data is not None
        return self.user_data.setdefault("draft", {})
