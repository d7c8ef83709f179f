"""Joining and leaving: consent turns a visitor into a person; /forget erases them."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from bot.services.invites import InviteStatus, status_of
from bot.storage import audit, people
from bot.storage import invites as invite_store
from bot.storage.db import Database
from bot.storage.people import Person

# Bump when the consent text changes in meaning; stored with every person.
CONSENT_VERSION = "2026-11-1"


class JoinRefused(Exception):
    """The invite stopped being valid between opening the link and agreeing."""

    def __init__(self, status: InviteStatus) -> None:
        super().__init__(status.value)
        self.status = status


async def join(
    db: Database,
    *,
    telegram_id: int,
    display_name: str,
    language: str,
    invite_code: str | None,
    as_admin: bool,
    now: datetime,
) -> Person:
    """Creates the person after consent, counting the invite use in the same transaction."""
    async with db.tx() as conn:
        existing = await people.by_telegram_id(conn, telegram_id)
        if existing is not None:
            return existing  # a double tap on "I agree"
        invite = None
        if not as_admin:
            invite = await invite_store.by_code(conn, invite_code or "")
            status = status_of(invite, now)
            if invite is None or status is not InviteStatus.OK:
                raise JoinRefused(status)
            if not await invite_store.take_use(conn, invite.id, now):
                raise JoinRefused(InviteStatus.USED_UP)
        person = await people.insert(
            conn,
            telegram_id=telegram_id,
            display_name=display_name[:64] or "?",
            role="admin" if as_admin else invite.role,
            language=language,
            consent_version=CONSENT_VERSION,
            now=now,
            invited_by=None if invite is None else invite.created_by,
            invite_id=None if invite is None else invite.id,
        )
        await audit.record(conn, now=now, actor_id=person.id, action="person.join",
                           subject=None if invite is None else f"invite:{invite.id}")
    return person


async def set_language(db: Database, person: Person, language: str, now: datetime) -> None:
    async with db.tx() as conn:
        await people.set_language(conn, person.id, language)


async def export(
    db: Database, person: Person, *, conversation_state: dict[str, Any],
    user_data: dict[str, Any], now: datetime,
) -> bytes:
    """The /mydata file: every stored row about the person, pretty-printed JSON."""
    async with db.read() as conn:
        rows = await people.export_rows(conn, person.id)
    document = {
        "exported_at": now.isoformat(),
        **rows,
        "conversation_state": conversation_state,
        "unfinished_answers": user_data,
    }
    return json.dumps(document, ensure_ascii=False, indent=2, default=str).encode("utf-8")


async def forget(db: Database, person: Person, now: datetime) -> None:
    """Erases the person and everything of theirs; one audit line without content remains."""
    async with db.tx() as conn:
        await people.erase(conn, person.id)
        await audit.record(conn, now=now, actor_id=None, action="person.forget")
