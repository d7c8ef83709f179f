"""Invites: random codes that grant one role, may expire, be single- or multi-use, be revoked."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from bot import access
from bot.access import Role
from bot.languages import LANGUAGES
from bot.services import rounds
from bot.services.request import Request
from bot.storage import audit, people
from bot.storage import invites as invite_store
from bot.storage.invites import Invite  # also for the flows, which do not import storage

CODE_RE = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
USES_CHOICES = (1, 30)
DAYS_CHOICES = (1, 7, 30)


class InviteStatus(StrEnum):
    OK = "ok"
    INVALID = "invalid"
    EXPIRED = "expired"
    USED_UP = "used_up"
    REVOKED = "revoked"


@dataclass(frozen=True)
class InviteCheck:
    status: InviteStatus
    invite: Invite | None = None
    inviter: str | None = None  # the first name of who made it, said to the invitee


# Personal claim links (phone intake) share the /start payload with invites; an invite code
# never starts with this prefix, so the two can never be mistaken for each other.
CLAIM_PREFIX = "c_"


def new_code() -> str:
    """22 URL-safe random characters: 128 bits, nothing personal, well under Telegram's 64."""
    while True:
        code = secrets.token_urlsafe(16)
        if not code.startswith(CLAIM_PREFIX):
            return code


def status_of(invite: Invite | None, now: datetime) -> InviteStatus:
    if invite is None:
        return InviteStatus.INVALID
    if invite.revoked_at is not None:
        return InviteStatus.REVOKED
    if datetime.fromisoformat(invite.expires_at) <= now:
        return InviteStatus.EXPIRED
    if invite.max_uses is not None and invite.uses >= invite.max_uses:
        return InviteStatus.USED_UP
    return InviteStatus.OK


async def creator_may_grant(conn, req: Request, invite) -> bool:
    """An invite works only while whoever made it may still hand out its role (an admin
    removed from SAMEN_ADMIN_IDS, a paused trainer: their invites stop working)."""
    creator = await people.by_id(conn, invite.created_by)
    if creator is None or not creator.active:
        return False
    return access.may_grant(access.effective_role(creator, req.settings.admin_ids), invite.role)


async def check(req: Request, code: str) -> InviteCheck:
    if not CODE_RE.match(code):
        return InviteCheck(InviteStatus.INVALID)
    async with req.db.read() as conn:
        invite = await invite_store.by_code(conn, code)
        status = status_of(invite, req.now)
        if status is InviteStatus.OK and not await creator_may_grant(conn, req, invite):
            status = InviteStatus.REVOKED
        creator = await people.by_id(conn, invite.created_by) if invite is not None else None
    return InviteCheck(status, invite, creator.display_name if creator else None)


async def create(req: Request, *, role: str, max_uses: int | None, valid_days: int,
                 language: str | None = None, round_id: int | None = None) -> Invite:
    """A new invite; ``round_id`` (from a button) is checked again: only a round that has not
    ended, only on an invite for kwartiermakers."""
    inviter, now = req.me, req.now
    if not access.may_grant(req.role, role):
        raise access.AccessDenied(f"{req.role} may not invite {role}")
    if max_uses not in (*USES_CHOICES, None) or valid_days not in DAYS_CHOICES:
        raise ValueError("uses or validity outside the offered choices")
    if language is not None and language not in LANGUAGES:
        raise ValueError("not a language we offer")
    async with req.db.tx() as conn:
        round_id = await rounds.for_invite(conn, req, round_id, role)
        invite = await invite_store.insert(
            conn, code=new_code(), role=Role(role), created_by=inviter.id, max_uses=max_uses,
            expires_at=now + timedelta(days=valid_days), now=now, language=language,
            round_id=round_id,
        )
        await audit.record(conn, now=now, actor_id=inviter.id, action="invite.create",
                           subject=f"invite:{invite.id}")
    return invite


async def active(req: Request) -> list[Invite]:
    async with req.db.read() as conn:
        return await invite_store.active_by_creator(conn, req.me.id, req.now)


async def revoke(req: Request, invite_id: int) -> bool:
    """Revokes an invite the person made (an admin may revoke any); False if already revoked."""
    person, now = req.me, req.now
    async with req.db.tx() as conn:
        invite = await invite_store.by_id(conn, invite_id)
        if invite is None or not access.owns_invite(person, req.role, invite):
            raise access.AccessDenied("not your invite")
        done = await invite_store.revoke(conn, invite_id, now)
        if done:
            await audit.record(conn, now=now, actor_id=person.id, action="invite.revoke",
                               subject=f"invite:{invite_id}")
    return done
