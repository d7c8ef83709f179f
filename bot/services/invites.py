"""Invites: random codes that grant one role, may expire, be single- or multi-use, be revoked."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from bot import access
from bot.storage import audit
from bot.storage import invites as invite_store
from bot.storage.db import Database
from bot.storage.invites import Invite
from bot.storage.people import Person

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


async def check(db: Database, code: str, now: datetime) -> InviteCheck:
    if not CODE_RE.match(code):
        return InviteCheck(InviteStatus.INVALID)
    async with db.read() as conn:
        invite = await invite_store.by_code(conn, code)
    return InviteCheck(status_of(invite, now), invite)


async def create(
    db: Database,
    inviter: Person,
    inviter_role: str | None,
    *,
    role: str,
    max_uses: int | None,
    valid_days: int,
    now: datetime,
) -> Invite:
    if not access.may_grant(inviter_role, role):
        raise access.AccessDenied(f"{inviter_role} may not invite {role}")
    if max_uses not in (*USES_CHOICES, None) or valid_days not in DAYS_CHOICES:
        raise ValueError("uses or validity outside the offered choices")
    async with db.tx() as conn:
        invite = await invite_store.insert(
            conn, code=new_code(), role=role, created_by=inviter.id, max_uses=max_uses,
            expires_at=now + timedelta(days=valid_days), now=now,
        )
        await audit.record(conn, now=now, actor_id=inviter.id, action="invite.create",
                           subject=f"invite:{invite.id}")
    return invite


async def active(db: Database, person: Person, now: datetime) -> list[Invite]:
    async with db.read() as conn:
        return await invite_store.active_by_creator(conn, person.id, now)


async def revoke(
    db: Database, person: Person, role: str | None, invite_id: int, now: datetime
) -> bool:
    """Revokes an invite the person made (an admin may revoke any); False if already revoked."""
    async with db.tx() as conn:
        invite = await invite_store.by_id(conn, invite_id)
        if invite is None or not access.owns_invite(person, role, invite):
            raise access.AccessDenied("not your invite")
        done = await invite_store.revoke(conn, invite_id, now)
        if done:
            await audit.record(conn, now=now, actor_id=person.id, action="invite.revoke",
                               subject=f"invite:{invite_id}")
    return done
