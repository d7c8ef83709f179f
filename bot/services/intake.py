"""Phone intake: a kwartiermaker enters a resident who has no Telegram (or no time), with
consent given by voice; later the resident claims the record with a personal, single-use link.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot import access
from bot.access import Role
from bot.services import sharing
from bot.services.invites import CLAIM_PREFIX
from bot.services.membership import CONSENT_VERSION
from bot.services.request import Request
from bot.services.sharing import DraftItem
from bot.storage import audit, people
from bot.storage import matches as store
from bot.storage.people import Person

NAME_MAX = 40
PHONE_MAX = 20
CLAIM_DAYS = 30


class ClaimRefused(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason  # invalid, used, expired, already_member


@dataclass(frozen=True)
class ClaimInfo:
    code: str
    person: Person
    organiser_name: str | None


@dataclass(frozen=True)
class Resident:
    """Who a phone intake is about, as the kwartiermaker typed it."""

    name: str
    language: str
    phone: str | None = None


_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")


def normal_phone(raw: str) -> str | None:
    """The number as typed (Arabic-Indic digits made ASCII), or None if it is not one."""
    text = raw.strip().translate(_DIGITS)
    digits = sum(ch in "0123456789" for ch in text)
    if not 6 <= digits <= 15 or len(text) > PHONE_MAX or any(
            ch not in "0123456789+ -()" for ch in text):
        return None
    return text


async def enter(req: Request, resident: Resident, items: list[DraftItem]) -> str:
    """Saves a phone intake in one go: the resident (with the consent the kwartiermaker
    recorded), their needs and offers, and a personal claim link; returns its payload.
    Nothing about the resident exists before this moment."""
    organiser, now = req.me, req.now
    if not access.is_organiser(req.role):
        raise access.AccessDenied("only a kwartiermaker does an intake")
    async with req.db.tx() as conn:
        person = await people.insert(
            conn, telegram_id=None, display_name=resident.name[:NAME_MAX], role=Role.RESIDENT,
            language=resident.language, consent_version=CONSENT_VERSION, now=now,
            invited_by=organiser.id, phone=resident.phone, consent_by=organiser.id)
        await sharing.insert_items(conn, req, person.id, items)
        code = secrets.token_urlsafe(16)
        await store.insert_claim(conn, code=code, person_id=person.id, created_by=organiser.id,
                                 expires_at=now + timedelta(days=CLAIM_DAYS))
        await audit.record(conn, now=now, actor_id=organiser.id, action="person.intake",
                           subject=f"person:{person.id}")
    return CLAIM_PREFIX + code


async def check_claim(req: Request, payload: str, telegram_id: int) -> ClaimInfo:
    code = payload.removeprefix(CLAIM_PREFIX)
    async with req.db.read() as conn:
        if await people.by_telegram_id(conn, telegram_id) is not None:
            raise ClaimRefused("already_member")
        row = await store.claim_by_code(conn, code)
        if row is None:
            raise ClaimRefused("invalid")
        _, person_id, created_by, expires_at, used_at = row
        if used_at is not None:
            raise ClaimRefused("used")
        if datetime.fromisoformat(expires_at) <= req.now:
            raise ClaimRefused("expired")
        person = await people.by_id(conn, person_id)
        organiser = await people.by_id(conn, created_by) if created_by else None
    if person is None or person.telegram_id is not None:
        raise ClaimRefused("used")
    return ClaimInfo(code, person, organiser.display_name if organiser else None)


async def claim(req: Request, payload: str, telegram_id: int, language: str) -> Person:
    """Links the record to this Telegram account, once; the person gave consent themselves."""
    now = req.now
    code = payload.removeprefix(CLAIM_PREFIX)
    async with req.db.tx() as conn:
        if await people.by_telegram_id(conn, telegram_id) is not None:
            raise ClaimRefused("already_member")
        row = await store.claim_by_code(conn, code)
        if row is None:
            raise ClaimRefused("invalid")
        if not await store.use_claim(conn, code, now):
            raise ClaimRefused("used")
        await people.link_telegram(conn, row[1], telegram_id, CONSENT_VERSION, now)
        await people.set_language(conn, row[1], language)
        person = await people.by_id(conn, row[1])
        await audit.record(conn, now=now, actor_id=person.id, action="person.claim",
                           subject=f"person:{person.id}")
    return person
