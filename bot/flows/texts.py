"""Texts used by more than one flow, built with the person's translator."""

from __future__ import annotations

from bot import access
from bot.access import Role
from bot.i18n import N_, Translator
from bot.keyboards import role_label
from bot.services.invites import InviteStatus
from bot.services.rounds import Round


def how_to_join(t: Translator) -> str:
    return t.gettext(
        "Hello! This is samenbot of SAMENredzaam: neighbours helping neighbours.\n\n"
        "To join, you need an invite link or a QR code. "
        "Ask the person who told you about this bot to send you their link."
    )


def invite_problem(t: Translator, status: InviteStatus) -> str:
    texts = {
        InviteStatus.INVALID: t.gettext(
            "This invite link does not work. Check that you copied all of it, "
            "or ask for a new one."),
        InviteStatus.EXPIRED: t.gettext(
            "This invite link has expired. Ask the person who sent it for a new one."),
        InviteStatus.USED_UP: t.gettext(
            "This invite link has already been used. Ask the person who sent it for a new one."),
        InviteStatus.REVOKED: t.gettext(
            "This invite link was withdrawn. Ask the person who sent it for a new one."),
    }
    return texts[status]


# Short labels for Telegram's command menu and /help; translated one at a time, when shown.
COMMAND_DESCRIPTIONS: dict[access.Action, str] = {
    access.Action.HELP: N_("What you can do here"),
    access.Action.INVITE: N_("Invite someone"),
    access.Action.LIST_INVITES: N_("Your open invites"),
    access.Action.LANGUAGE: N_("Choose your language"),
    access.Action.MYDATA: N_("Everything we keep about you"),
    access.Action.FORGET: N_("Erase all your data"),
    access.Action.AGENDA: N_("Your coming meetings"),
    access.Action.TALK: N_("Ask a trainer for a talk"),
    access.Action.TALKS: N_("Requests for a talk"),
    access.Action.EVENTS: N_("Plan a meeting"),
    access.Action.EVENTS_LIST: N_("Your meetings: move, cancel or skip a date"),
    access.Action.ATTENDANCE: N_("Who was there"),
    access.Action.BROADCAST: N_("Send a message to a group"),
    access.Action.SHARE: N_("Share what you need and can give"),
    access.Action.MINE: N_("What you shared"),
    access.Action.INTAKE: N_("Enter answers for a resident"),
    access.Action.CIRCLE: N_("Needs and offers in your circle"),
    access.Action.MATCHES: N_("Who could help whom"),
    access.Action.OVERVIEW: N_("Needs and offers in numbers"),
    access.Action.SERIES: N_("Set up a series of table sessions"),
    access.Action.SESSIONS: N_("Log a table session"),
    access.Action.CORRECT: N_("Correct a log of the last 7 days"),
    access.Action.SUPPORTER: N_("Let someone help write your logs"),
    access.Action.PAYMENTS: N_("Money for sessions with a report"),
    access.Action.VOUCHER: N_("Request a voucher"),
    access.Action.VOUCHERS: N_("Decide on vouchers"),
    access.Action.LOGBOOK: N_("Your private logbook"),
    access.Action.PROGRESS: N_("Your steps as a kwartiermaker"),
    access.Action.DECIDE: N_("Overview of the kwartiermakers"),
    access.Action.CERTIFY: N_("Record certificates and tests"),
    access.Action.FIND: N_("Find help nearby"),
    access.Action.REFER: N_("Hand a need over to a service"),
    access.Action.MAPKEEP: N_("Keep the social map up to date"),
    access.Action.MEMBERS: N_("Pause someone's access, or change their role"),
    access.Action.PROMPTS: N_("Record questions as voice messages"),
    access.Action.ROUNDS: N_("Rounds of the programme"),
}


def command_description(t: Translator, action: access.Action) -> str:
    """Short labels for Telegram's command menu."""
    return t.gettext(COMMAND_DESCRIPTIONS[action])


def help_text(t: Translator, role: str) -> str:
    intro = {
        Role.RESIDENT: t.gettext(
            "You take part as a resident. The person who invited you tells you when you "
            "meet. Everyone has two hands: one to give and one to receive."),
        Role.ORGANISER: t.gettext(
            "You are a kwartiermaker. Invite the people of your circle with /invite. "
            "Each gets a link and a QR code."),
        Role.TRAINER: t.gettext(
            "You are a trainer. Invite new kwartiermakers with /invite."),
        Role.ADMIN: t.gettext(
            "You are an admin. Invite trainers and kwartiermakers with /invite."),
    }[role]
    lines = [intro, "", t.gettext("What you can do:")]
    lines += [f"/{action.value} – {command_description(t, action)}"
              for action in access.commands_for(role) if action is not access.Action.RSVP]
    return "\n".join(lines)


def round_dates(t: Translator, found: Round) -> str:
    """A round's first and last day, in the reader's language."""
    return f"{t.format_date(found.starts_on, 'medium')} – {t.format_date(found.ends_on, 'medium')}"


def welcome(t: Translator, name: str, role: str) -> str:
    return t.gettext("Welcome, {name}! You are now part of SAMENredzaam as: {role}.").format(
        name=name, role=role_label(t, role)
    )
