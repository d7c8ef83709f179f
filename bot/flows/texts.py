"""Texts used by more than one flow, built with the person's translator."""

from __future__ import annotations

from bot import access
from bot.access import Role
from bot.i18n import Translator
from bot.keyboards import role_label
from bot.services.invites import InviteStatus


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


def command_description(t: Translator, action: access.Action) -> str:
    """Short labels for Telegram's command menu."""
    texts = {
        access.Action.HELP: t.gettext("What you can do here"),
        access.Action.INVITE: t.gettext("Invite someone"),
        access.Action.LIST_INVITES: t.gettext("Your open invites"),
        access.Action.LANGUAGE: t.gettext("Choose your language"),
        access.Action.MYDATA: t.gettext("Everything we keep about you"),
        access.Action.FORGET: t.gettext("Erase all your data"),
        access.Action.AGENDA: t.gettext("Your coming meetings"),
        access.Action.EVENTS: t.gettext("Plan or change a meeting"),
        access.Action.ATTENDANCE: t.gettext("Who was there"),
        access.Action.BROADCAST: t.gettext("Send a message to a group"),
        access.Action.SHARE: t.gettext("Share what you need and can give"),
        access.Action.MINE: t.gettext("What you shared"),
        access.Action.INTAKE: t.gettext("Enter answers for a resident"),
        access.Action.CIRCLE: t.gettext("Needs and offers in your circle"),
        access.Action.MATCHES: t.gettext("Who could help whom"),
        access.Action.OVERVIEW: t.gettext("Needs and offers in numbers"),
        access.Action.SESSIONS: t.gettext("Log a table session"),
        access.Action.PAYMENTS: t.gettext("Money for sessions with a report"),
        access.Action.VOUCHER: t.gettext("Request a voucher"),
        access.Action.LOGBOOK: t.gettext("Your private logbook"),
        access.Action.DECIDE: t.gettext("Overview of the kwartiermakers"),
        access.Action.FIND: t.gettext("Find help nearby"),
        access.Action.REFER: t.gettext("Hand a need over to a service"),
        access.Action.MAPKEEP: t.gettext("Keep the social map up to date"),
        access.Action.MEMBERS: t.gettext("Pause someone's access, or change their role"),
        access.Action.PROMPTS: t.gettext("Record questions as voice messages"),
    }
    return texts[action]


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


def welcome(t: Translator, name: str, role: str) -> str:
    return t.gettext("Welcome, {name}! You are now part of SAMENredzaam as: {role}.").format(
        name=name, role=role_label(t, role)
    )
