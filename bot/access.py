"""Roles and ownership: the one place that says who may do what.

Every command and every callback handler asks ``allowed`` (through ``flows.common.requires``);
services re-check ownership with ``may_grant`` and ``owns_invite``. Callback data carries ids,
never rights.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # types only: storage imports Role from here
    from bot.storage.invites import Invite
    from bot.storage.people import Person


class Role(StrEnum):
    """The four roles; stored in ``person.role`` and ``invite.role`` as their values."""

    RESIDENT = "resident"
    ORGANISER = "organiser"  # a kwartiermaker
    TRAINER = "trainer"
    ADMIN = "admin"


ROLES = tuple(Role)


class Action(StrEnum):
    HELP = "help"
    LANGUAGE = "language"
    MYDATA = "mydata"
    FORGET = "forget"
    INVITE = "invite"
    LIST_INVITES = "invites"
    AGENDA = "agenda"
    TALK = "talk"  # ask a trainer for an individual talk
    TALKS = "talks"  # trainers: requests for a talk, propose a time
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
    SUPPORTER = "supporter"
    SERIES = "series"
    CORRECT = "correct"
    EVENTS_LIST = "events"
    VOUCHERS = "vouchers"
    CERTIFY = "certify"
    PAYMENTS = "payments"
    VOUCHER = "voucher"
    LOGBOOK = "logbook"
    PROGRESS = "progress"
    DECIDE = "table"
    FIND = "find"
    REFER = "refer"
    MAPKEEP = "mapkeep"
    MEMBERS = "members"
    PROMPTS = "prompts"
    ROUNDS = "round"  # trainers: the rounds (cohorts) of the programme


_EVERYONE = frozenset(ROLES)
_INVITERS = frozenset({Role.ORGANISER, Role.TRAINER, Role.ADMIN})
_TRAINERS = frozenset({Role.TRAINER, Role.ADMIN})
_RESIDENTS = frozenset({Role.RESIDENT})
_ORGANISERS = frozenset({Role.ORGANISER})

PERMISSIONS: dict[Action, frozenset[Role]] = {
    Action.HELP: _EVERYONE,
    Action.LANGUAGE: _EVERYONE,
    Action.MYDATA: _EVERYONE,
    Action.FORGET: _EVERYONE,
    Action.INVITE: _INVITERS,
    Action.LIST_INVITES: _INVITERS,
    Action.AGENDA: _EVERYONE,
    Action.TALK: frozenset({Role.RESIDENT, Role.ORGANISER}),
    Action.TALKS: _TRAINERS,
    Action.RSVP: _EVERYONE,
    Action.EVENTS: _INVITERS,
    Action.ATTENDANCE: _INVITERS,
    Action.BROADCAST: _TRAINERS,
    Action.SHARE: _RESIDENTS,
    Action.MINE: _RESIDENTS,
    Action.INTAKE: _ORGANISERS,
    Action.CIRCLE: _ORGANISERS,
    Action.MATCHES: _ORGANISERS,
    Action.OVERVIEW: _TRAINERS,
    Action.SESSIONS: _ORGANISERS | {Role.TRAINER},  # a trainer logs as a supporter
    Action.SUPPORTER: _ORGANISERS,
    Action.SERIES: _ORGANISERS,
    Action.CORRECT: _ORGANISERS | {Role.TRAINER},  # as /log: a supporter corrects theirs
    Action.EVENTS_LIST: _INVITERS,
    Action.VOUCHERS: _TRAINERS,
    Action.CERTIFY: _TRAINERS,
    Action.PAYMENTS: _INVITERS,
    Action.VOUCHER: _ORGANISERS,
    Action.LOGBOOK: _ORGANISERS,
    Action.PROGRESS: _ORGANISERS,
    Action.DECIDE: _TRAINERS,
    Action.FIND: _EVERYONE,
    Action.REFER: _ORGANISERS,
    Action.MAPKEEP: _TRAINERS,
    Action.MEMBERS: _TRAINERS,
    Action.PROMPTS: _TRAINERS,
    Action.ROUNDS: _TRAINERS,
}

# Which roles a role may hand out through an invite.
GRANTS: dict[Role, tuple[Role, ...]] = {
    Role.ADMIN: (Role.TRAINER, Role.ORGANISER),
    Role.TRAINER: (Role.ORGANISER,),
    Role.ORGANISER: (Role.RESIDENT,),
    Role.RESIDENT: (),
}


class AccessDenied(Exception):
    """The person may not do this; flows answer with a translated refusal."""


def effective_role(person: Person | None, admin_ids: frozenset[int]) -> Role | None:
    """The stored role, except that admin holds only while the id is in SAMEN_ADMIN_IDS."""
    if person is None:
        return None
    if person.role == Role.ADMIN and person.telegram_id not in admin_ids:
        return Role.RESIDENT
    return Role(person.role)


def is_resident(role: str | None) -> bool:
    return role == Role.RESIDENT


def is_organiser(role: str | None) -> bool:
    """A kwartiermaker (trainers and admins are not)."""
    return role == Role.ORGANISER


def is_trainer(role: str | None) -> bool:
    """A trainer or an admin: both run the programme."""
    return role in _TRAINERS


def is_admin(role: str | None) -> bool:
    return role == Role.ADMIN


# What someone whose access was paused may still do: read the help, see and erase their data.
WHILE_PAUSED = frozenset({Action.HELP, Action.LANGUAGE, Action.MYDATA, Action.FORGET})


def allowed(role: str | None, action: Action, *, paused: bool = False) -> bool:
    if paused and action not in WHILE_PAUSED:
        return False
    return role is not None and role in PERMISSIONS[action]


def may_manage(role: str | None, target_role: str) -> bool:
    """Who may pause or change whom: a trainer the kwartiermakers, an admin also trainers."""
    if is_admin(role):
        return target_role in (Role.ORGANISER, Role.TRAINER)
    return is_trainer(role) and target_role == Role.ORGANISER


def may_grant(role: str | None, target_role: str) -> bool:
    return role is not None and target_role in GRANTS.get(role, ())


def owns_invite(person: Person, role: str | None, invite: Invite) -> bool:
    return invite.created_by == person.id or is_admin(role)


def commands_for(role: str | None) -> list[Action]:
    """The commands shown in Telegram's menu for a role, in menu order."""
    order = [Action.HELP, Action.FIND, Action.SHARE, Action.MINE, Action.AGENDA,
             Action.TALK, Action.TALKS,
             Action.CIRCLE, Action.MATCHES, Action.REFER, Action.INTAKE, Action.SERIES,
             Action.SESSIONS, Action.CORRECT, Action.SUPPORTER,
             Action.PAYMENTS, Action.VOUCHER, Action.VOUCHERS, Action.LOGBOOK, Action.PROGRESS,
             Action.DECIDE, Action.CERTIFY, Action.ROUNDS,
             Action.EVENTS, Action.EVENTS_LIST,
             Action.ATTENDANCE, Action.BROADCAST, Action.OVERVIEW, Action.MAPKEEP,
             Action.PROMPTS,
             Action.INVITE, Action.LIST_INVITES, Action.MEMBERS, Action.LANGUAGE, Action.MYDATA,
             Action.FORGET]
    return [a for a in order if allowed(role, a)]  # RSVP is a button, not a command
