"""Joining and leaving: consent turns a visitor into a person; /forget erases them."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from bot import access
from bot.access import Role
from bot.keyboards import role_label
from bot.services import notices, rounds
from bot.services.invites import InviteStatus, creator_may_grant, status_of
from bot.services.request import Request
from bot.storage import audit, outbox, people
from bot.storage import invites as invite_store
from bot.storage.people import Person  # also for the flows, which do not import storage

# Bump when the consent text changes in meaning; stored with every person.
CONSENT_VERSION = "2026-11-1"


class JoinRefused(Exception):
    """The invite stopped being valid between opening the link and agreeing."""

    def __init__(self, status: InviteStatus) -> None:
        super().__init__(status.value)
        self.status = status


@dataclass(frozen=True)
class Visitor:
    """Someone about to join: their Telegram id, first name and the language they chose."""

    telegram_id: int
    display_name: str
    language: str


async def identify(req: Request, telegram_id: int) -> Person | None:
    """The member behind a Telegram id, or None; writing to us again makes them reachable."""
    async with req.db.read() as conn:
        person = await people.by_telegram_id(conn, telegram_id)
    if person is not None and person.unreachable_at is not None:
        async with req.db.tx() as conn:  # they wrote to us: they no longer block the bot
            await people.mark_reachable(conn, person.id)
    return person


async def join(req: Request, visitor: Visitor, *, invite_code: str | None,
               as_admin: bool) -> Person:
    """Creates the person after consent, counting the invite use in the same transaction."""
    now = req.now
    async with req.db.tx() as conn:
        existing = await people.by_telegram_id(conn, visitor.telegram_id)
        if existing is not None:
            return existing  # a double tap on "I agree"
        invite = None
        if not as_admin:
            invite = await invite_store.by_code(conn, invite_code or "")
            status = status_of(invite, now)
            if status is InviteStatus.OK and not await creator_may_grant(conn, req, invite):
                status = InviteStatus.REVOKED
            if invite is None or status is not InviteStatus.OK:
                raise JoinRefused(status)
            if not await invite_store.take_use(conn, invite.id, now):
                raise JoinRefused(InviteStatus.USED_UP)
        person = await people.insert(
            conn,
            telegram_id=visitor.telegram_id,
            display_name=visitor.display_name[:64] or "?",
            role=Role.ADMIN if as_admin else invite.role,
            language=visitor.language,
            consent_version=CONSENT_VERSION,
            now=now,
            invited_by=None if invite is None else invite.created_by,
            invite_id=None if invite is None else invite.id,
        )
        if invite is not None and invite.role == Role.ORGANISER and invite.round_id:
            await rounds.join(conn, person.id, invite.round_id)  # the round the invite named
            person = await people.by_id(conn, person.id)
        inviter = await people.by_id(conn, invite.created_by) if invite is not None else None
        if inviter is not None and inviter.active and inviter.telegram_id is not None:
            t = req.translations.for_language(inviter.language)
            await outbox.enqueue(  # whoever invited them hears they made it
                conn, person_id=inviter.id, chat_id=inviter.telegram_id, kind="notice",
                ref=f"invite:{invite.id}:joined", due_at=now, now=now, about=[person.id],
                payload=notices.invitee_joined(t, person.display_name,
                                               role_label(t, person.role)))
        await audit.record(conn, now=now, actor_id=person.id, action="person.join",
                           subject=None if invite is None else f"invite:{invite.id}")
    return person


async def set_language(req: Request, language: str) -> None:
    async with req.db.tx() as conn:
        await people.set_language(conn, req.me.id, language)


async def export(req: Request, *, conversation_state: dict[str, Any],
                 user_data: dict[str, Any]) -> dict[str, Any]:
    """Everything stored about the person (for /mydata): every row of theirs, and nothing
    about anyone else."""
    async with req.db.read() as conn:
        rows = await people.export_rows(conn, req.me.id)
    return {"exported_at": req.now.isoformat(), **rows,
            "conversation_state": conversation_state, "unfinished_answers": user_data}


def as_json(document: dict[str, Any]) -> bytes:
    return json.dumps(document, ensure_ascii=False, indent=2, default=str).encode("utf-8")


async def forget(req: Request) -> None:
    """Erases the person and everything of theirs; one audit line without content remains."""
    async with req.db.tx() as conn:
        await people.erase(conn, req.me)
        await audit.record(conn, now=req.now, actor_id=None, action="person.forget")
    req.db.after_commit(req.db.truncate_wal)  # no copy of the deleted rows stays in the WAL


async def members(req: Request) -> list[Person]:
    """The kwartiermakers and trainers the person asking may pause or change."""
    async with req.db.read() as conn:
        found = await people.members(conn)
    return [p for p in found if p.id != req.me.id and access.may_manage(req.role, p.role)]


async def _managed(conn, req: Request, person_id: int) -> Person:
    person = await people.by_id(conn, person_id)
    if person is None or person.id == req.me.id or not access.may_manage(req.role, person.role):
        raise access.AccessDenied("not someone you manage")
    return person


async def set_active(req: Request, person_id: int, active: bool) -> Person | None:
    """Pauses (or gives back) someone's access; returns them, or None if nothing changed.
    A paused person keeps their data and can still see and erase it."""
    async with req.db.tx() as conn:
        person = await _managed(conn, req, person_id)
        if not await people.set_active(conn, person.id, active):
            return None
        await audit.record(conn, now=req.now, actor_id=req.me.id,
                           action="person.resume" if active else "person.pause",
                           subject=f"person:{person.id}")
        return await people.by_id(conn, person.id)


async def change_role(req: Request, person_id: int, role: Role) -> Person | None:
    """An admin makes a kwartiermaker a trainer or back; returns them, or None if unchanged."""
    if not access.is_admin(req.role) or role not in (Role.ORGANISER, Role.TRAINER):
        raise access.AccessDenied("only an admin changes roles")
    async with req.db.tx() as conn:
        person = await _managed(conn, req, person_id)
        if not await people.set_role(conn, person.id, role):
            return None
        await audit.record(conn, now=req.now, actor_id=req.me.id, action=f"person.role.{role}",
                           subject=f"person:{person.id}")
        return await people.by_id(conn, person.id)
