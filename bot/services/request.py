"""The one argument every service takes first: who asks, when, and with what."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, tzinfo

from bot import access
from bot.access import Role
from bot.config import Settings
from bot.i18n import Translations
from bot.storage.db import Database
from bot.storage.people import Person


@dataclass(frozen=True)
class Request:
    """Who asks, when, and with what: the one argument every service takes first."""

    db: Database
    translations: Translations
    settings: Settings
    now: datetime
    person: Person | None = None
    role: Role | None = None  # the effective role (see access.effective_role)

    @property
    def tz(self) -> tzinfo:
        return self.settings.tz

    @property
    def me(self) -> Person:
        """The person asking; raises AccessDenied when nobody is known (a visitor, a job)."""
        if self.person is None:
            raise access.AccessDenied("nobody is known")
        return self.person

    def at(self, now: datetime) -> Request:
        """The same request at another moment (jobs, tests)."""
        return replace(self, now=now)

    def acting_as(self, person: Person | None, role: Role | None) -> Request:
        """The same request for someone else (a new member right after joining, tests)."""
        return replace(self, person=person, role=role)
