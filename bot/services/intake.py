"""Phone intake: a kwartiermaker enters a resident who has no Telegram (or no time), with
consent given by voice; later the resident claims the record with a personal, single-use link.
"""

from __future__ import annotations

import hashlib
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
from bot.storage import claims as store
from bot.storage.people import Person

NAME_MAX = 40
PHONE_MAX = 20
CLAIM_DAYS = 30


class ClaimRefused(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason  # invalid, used, expired, already_member, wrong_pin, stopped


@dataclass(frozen=True)
class ClaimInfo:
    code: str
    person: Person
    organiser_name: str | None


@dataclass(frozen=True)
class ClaimLink:
    """What the kwartiermaker hands over: the link's payload, and the code they read out."""

    payload: str
    pin: str
    name: str = ""  # the resident's name as they like it (for the printed card)
    language: str = "nl"  # the language recorded at the intake


PIN_TRIES = 5


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


def _pin_hash(code: str, pin: str) -> str:
    return hashlib.sha256(f"{code}:{pin}".encode()).hexdigest()


async def _new_link(conn, req: Request, person: Person) -> ClaimLink:
    code, pin = secrets.token_urlsafe(16), f"{secrets.randbelow(10_000):04d}"
    await store.insert(conn, code=code, person_id=person.id, created_by=req.me.id,
                       expires_at=req.now + timedelta(days=CLAIM_DAYS),
                       pin_hash=_pin_hash(code, pin))
    return ClaimLink(CLAIM_PREFIX + code, pin, person.display_name, person.language)


async def enter(req: Request, resident: Resident, items: list[DraftItem]) -> ClaimLink:
    """Saves a phone intake in one go: the resident (with the consent the kwartiermaker
    recorded), their needs and offers, and a personal claim link with its code. Nothing about
    the resident exists before this moment."""
    organiser, now = req.me, req.now
    if not access.is_organiser(req.role):
        raise access.AccessDenied("only a kwartiermaker does an intake")
    async with req.db.tx() as conn:
        person = await people.insert(
            conn, telegram_id=None, display_name=resident.name[:NAME_MAX], role=Role.RESIDENT,
            language=resident.language, consent_version=CONSENT_VERSION, now=now,
            invited_by=organiser.id, phone=resident.phone, consent_by=organiser.id)
        await sharing.insert_items(conn, req, person.id, items)
        link = await _new_link(conn, req, person)
        await audit.record(conn, now=now, actor_id=organiser.id, action="person.intake",
                           subject=f"person:{person.id}")
    return link


async def _open_claim(conn, req: Request, payload: str, telegram_id: int) -> store.Claim:
    if await people.by_telegram_id(conn, telegram_id) is not None:
        raise ClaimRefused("already_member")
    found = await store.by_code(conn, payload.removeprefix(CLAIM_PREFIX))
    if found is None:
        raise ClaimRefused("invalid")
    if found.revoked_at is not None:
        raise ClaimRefused("stopped")
    if found.used_at is not None:
        raise ClaimRefused("used")
    if datetime.fromisoformat(found.expires_at) <= req.now:
        raise ClaimRefused("expired")
    return found


async def check_claim(req: Request, payload: str, telegram_id: int) -> None:
    """Whether the link can still be used; it tells nothing about the person."""
    async with req.db.read() as conn:
        await _open_claim(conn, req, payload, telegram_id)


async def verify(req: Request, payload: str, pin: str, telegram_id: int) -> ClaimInfo:
    """The code the kwartiermaker read out opens the link; only then is anything about the
    person shown. Five wrong codes stop the link."""
    async with req.db.tx() as conn:
        found = await _open_claim(conn, req, payload, telegram_id)
        wrong = found.pin_hash != _pin_hash(found.code, pin.strip())
        if wrong:  # counted (and committed) before the refusal is raised
            tries = await store.wrong_try(conn, found.code, PIN_TRIES, req.now)
        person = await people.by_id(conn, found.person_id)
        organiser = await people.by_id(conn, found.created_by) if found.created_by else None
    if wrong:
        raise ClaimRefused("stopped" if tries >= PIN_TRIES else "wrong_pin")
    if person is None or person.telegram_id is not None:
        raise ClaimRefused("used")
    return ClaimInfo(found.code, person, organiser.display_name if organiser else None)


async def claim(req: Request, payload: str, pin: str, telegram_id: int) -> Person:
    """Links the record to this Telegram account, once, in the language recorded at the intake;
    the consent was given at the intake and is not asked again."""
    info = await verify(req, payload, pin, telegram_id)
    now = req.now
    async with req.db.tx() as conn:
        if not await store.use(conn, info.code, now):
            raise ClaimRefused("used")
        await people.link_telegram(conn, info.person.id, telegram_id, CONSENT_VERSION, now)
        person = await people.by_id(conn, info.person.id)
        await audit.record(conn, now=now, actor_id=person.id, action="person.claim",
                           subject=f"person:{person.id}")
    return person


# what the kwartiermaker can do with the residents they entered ---------------------------------
@dataclass(frozen=True)
class Entered:
    person_id: int
    name: str
    entered_at: str
    link: str  # open, used, expired, stopped, none


async def entered(req: Request) -> list[Entered]:
    if not access.is_organiser(req.role):
        raise access.AccessDenied("kwartiermakers only")
    found = []
    async with req.db.read() as conn:
        for person_id, name, at in await store.entered_by(conn, req.me.id):
            link = await store.latest_of(conn, person_id)
            found.append(Entered(person_id, name, at, _link_state(link, req)))
    return found


def _link_state(link: store.Claim | None, req: Request) -> str:
    if link is None:
        return "none"
    if link.revoked_at:
        return "stopped"
    if link.used_at:
        return "used"
    return "expired" if datetime.fromisoformat(link.expires_at) <= req.now else "open"


async def _mine(conn, req: Request, person_id: int) -> Person:
    person = await people.by_id(conn, person_id)
    if person is None or person.consent_by != req.me.id or person.telegram_id is not None:
        raise access.AccessDenied("not a resident you entered")
    return person


async def new_link(req: Request, person_id: int) -> ClaimLink:
    """Stops the resident's old link and makes a new one, with a new code."""
    async with req.db.tx() as conn:
        person = await _mine(conn, req, person_id)
        await store.revoke_all(conn, person_id, req.now)
        link = await _new_link(conn, req, person)
        await audit.record(conn, now=req.now, actor_id=req.me.id, action="claim.reissue",
                           subject=f"person:{person_id}")
    return link


async def stop_link(req: Request, person_id: int) -> bool:
    async with req.db.tx() as conn:
        await _mine(conn, req, person_id)
        done = await store.revoke_all(conn, person_id, req.now) > 0
        if done:
            await audit.record(conn, now=req.now, actor_id=req.me.id, action="claim.stop",
                               subject=f"person:{person_id}")
    return done


async def erase_entered(req: Request, person_id: int) -> None:
    """The kwartiermaker erases a resident they entered (the resident asked, by phone)."""
    async with req.db.tx() as conn:
        person = await _mine(conn, req, person_id)
        await people.erase(conn, person)
        await audit.record(conn, now=req.now, actor_id=req.me.id, action="person.forget")
    req.db.after_commit(req.db.truncate_wal)
