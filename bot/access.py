"""Roles and ownership: the one place that says who may do what.

Every command and every callback handler asks ``allowed`` (through ``flows.common.requires``);
services re-check ownership with ``may_grant`` and ``owns_invite``. Callback data carries ids,
never rights.
"""

from __future__ import annotations

from enum import StrEnum

from bot.storage.invites import Invite
from bot.storage.people import Person

ROLES = ("resident", "organiser", "trainer", "admin")


class Action(StrEnum):
    HELP = "help"
    LANGUAGE = "language"
    MYDATA = "mydata"
    FORGET = "forget"
    INVITE = "invite"
    LIST_INVITES = "invites"
    AGENDA = "agenda"
    RSVP = "rsvp"
    EVENTS = "event"
    ATTENDANCE = "attendance"
    BROADCAST = "broadcast"
    SHARE = "share"
    MINE = "mine"
    INTAKE = "intake"
    CIRCLE = "circle"
    MATCHES = "matches"
    OVERVIEW = "overview"
    SESSIONS = "log"
    PAYMENTS = "payments"
    VOUCHER = "voucher"
    LOGBOOK = "logbook"
    DECIDE = "table"
    FIND = "find"
    REFER = "refer"
    MAPKEEP = "mapkeep"


_EVERYONE = frozenset(ROLES)
_INVITERS = frozenset({"organiser", "trainer", "admin"})

PERMISSIONS: dict[Action, frozenset[str]] = {
    Action.HELP: _EVERYONE,
    Action.LANGUAGE: _EVERYONE,
    Action.MYDATA: _EVERYONE,
    Action.FORGET: _EVERYONE,
    Action.INVITE: _INVITERS,
    Action.LIST_INVITES: _INVITERS,
    Action.AGENDA: _EVERYONE,
    Action.RSVP: _EVERYONE,
    Action.EVENTS: _INVITERS,
    Action.ATTENDANCE: _INVITERS,
    Action.BROADCAST: frozenset({"trainer", "admin"}),
    Action.SHARE: frozenset({"resident"}),
    Action.MINE: frozenset({"resident"}),
    Action.INTAKE: frozenset({"organiser"}),
    Action.CIRCLE: frozenset({"organiser"}),
    Action.MATCHES: frozenset({"organiser"}),
    Action.OVERVIEW: frozenset({"trainer", "admin"}),
    Action.SESSIONS: frozenset({"organiser"}),
    Action.PAYMENTS: _INVITERS,
    Action.VOUCHER: frozenset({"organiser"}),
    Action.LOGBOOK: frozenset({"organiser"}),
    Action.DECIDE: frozenset({"trainer", "admin"}),
    Action.FIND: _EVERYONE,
    Action.REFER: frozenset({"organiser"}),
    Action.MAPKEEP: frozenset({"trainer", "admin"}),
}

# Which roles a role may hand out through an invite.
GRANTS: dict[str, tuple[str, ...]] = {
    "admin": ("trainer", "organiser"),
    "trainer": ("organiser",),
    "organiser": ("resident",),
    "resident": (),
}


class AccessDenied(Exception):
    """The person may not do this; flows answer with a translated refusal."""


def effective_role(person: Person | None, admin_ids: frozenset[int]) -> str | None:
    """The stored role, except that 'admin' holds only while the id is in SAMEN_ADMIN_IDS."""
    if person is None:
        return None
    if person.role == "admin" and person.telegram_id not in admin_ids:
        return "resident"
    return person.role


def allowed(role: str | None, action: Action) -> bool:
    return role is not None and role in PERMISSIONS[action]


def may_grant(role: str | None, target_role: str) -> bool:
    return role is not None and target_role in GRANTS.get(role, ())


def owns_invite(person: Person, role: str | None, invite: Invite) -> bool:
    return invite.created_by == person.id or role == "admin"


def commands_for(role: str | None) -> list[Action]:
    """The commands shown in Telegram's menu for a role, in menu order."""
    order = [Action.HELP, Action.FIND, Action.SHARE, Action.MINE, Action.AGENDA,
             Action.CIRCLE, Action.MATCHES, Action.REFER, Action.INTAKE, Action.SESSIONS,
             Action.PAYMENTS, Action.VOUCHER, Action.LOGBOOK, Action.DECIDE, Action.EVENTS,
             Action.ATTENDANCE, Action.BROADCAST, Action.OVERVIEW, Action.MAPKEEP,
             Action.INVITE, Action.LIST_INVITES, Action.LANGUAGE, Action.MYDATA,
             Action.FORGET]
    return [a for a in order if allowed(role, a)]  # RSVP is a button, not a command
