"""Rounds (cohorts) of the programme: a trainer makes one (a name and its dates), invites for
kwartiermakers name one, and a trainer puts kwartiermakers who joined earlier (or move on to a
follow-up round) into one. Vouchers (``programme``), missed training days (``storage.events``)
and /table count per round; a kwartiermaker in no round counts as before, in one pool.

Every id that comes from a button is checked here again: the round exists (and, for an
invite, has not ended), the people are active kwartiermakers.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from bot import access
from bot.access import Role
from bot.services.request import Request
from bot.storage import audit, people
from bot.storage import rounds as store
from bot.storage.people import Person
from bot.storage.rounds import Round  # also for the flows, which do not import storage
from bot.storage.sqlite import Connection

NAME_MAX = 60
LONGEST = timedelta(days=3 * 366)  # a round runs at most about three years
ALL, NO_ROUND = None, 0  # the overview's scopes besides a round's id


class RoundRefused(Exception):
    """The round cannot be made: ``reason`` is ``order`` (it ends before it starts) or
    ``long`` (longer than ``LONGEST``)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class RoundLine:
    """A round as /round lists it."""

    round: Round
    kwartiermakers: int
    granted: int  # vouchers approved or paid in it


def _trainer(req: Request) -> None:
    if not access.is_trainer(req.role):
        raise access.AccessDenied("trainers only")


def today(req: Request) -> date:
    return req.now.astimezone(req.tz).date()


def _midnight(req: Request, day: date) -> datetime:
    """The start of a local day, in UTC (as every stored instant)."""
    return datetime.combine(day, time(0), tzinfo=req.tz).astimezone(req.now.tzinfo)


def ended(req: Request, found: Round) -> bool:
    return found.ends_on < today(req)


def current(req: Request, found: list[Round]) -> Round | None:
    """The round /table opens with: the one running today (the latest started, if several),
    else the one that started last."""
    running = [r for r in found if r.runs_on(today(req))]
    return max(running or found, key=lambda r: (r.starts_on, r.id), default=None)


# reading -------------------------------------------------------------------------------------
async def listing(req: Request) -> tuple[list[RoundLine], int]:
    """/round: each round with its kwartiermakers and vouchers granted, and how many
    kwartiermakers are in no round."""
    _trainer(req)
    async with req.db.read() as conn:
        found, sizes, granted = (await store.every(conn), await store.sizes(conn),
                                 await store.granted(conn))
    return ([RoundLine(r, sizes.get(r.id, 0), granted.get(r.id, 0)) for r in found],
            sizes.get(None, 0))


async def open_rounds(req: Request) -> list[Round]:
    """Rounds that have not ended: what an invite for kwartiermakers may name."""
    if not access.may_grant(req.role, Role.ORGANISER):
        return []
    async with req.db.read() as conn:
        return [r for r in await store.every(conn) if not ended(req, r)]


async def for_invite(conn: Connection, req: Request, round_id: int | None, role: str
                     ) -> int | None:
    """The round an invite may carry (inside the invite's transaction): only for
    kwartiermakers, only by someone who may invite them, only a round that has not ended."""
    if not round_id:
        return None
    found = await store.by_id(conn, round_id)
    if role != Role.ORGANISER or not access.may_grant(req.role, role) or found is None \
            or ended(req, found):
        raise access.AccessDenied("not a round this invite can name")
    return found.id


async def members(req: Request, round_id: int) -> tuple[Round, list[tuple[Person, Round | None]]]:
    """A round and every active kwartiermaker with the round they are in now (the tick-list)."""
    _trainer(req)
    async with req.db.read() as conn:
        found = await _round(conn, round_id)
        by_id = {r.id: r for r in await store.every(conn)}
        kwartiermakers = [p for p in await people.members(conn)
                          if p.role == Role.ORGANISER and p.active]
    return found, [(p, by_id.get(p.round_id)) for p in kwartiermakers]


async def _round(conn: Connection, round_id: int) -> Round:
    found = await store.by_id(conn, round_id) if round_id else None
    if found is None:
        raise access.AccessDenied("no such round")
    return found


# changing ------------------------------------------------------------------------------------
async def create(req: Request, *, name: str, starts_on: date, ends_on: date) -> Round:
    _trainer(req)
    name = " ".join(name.split())[:NAME_MAX]
    if not name:
        raise ValueError("a round needs a name")
    if ends_on < starts_on:
        raise RoundRefused("order")
    if ends_on - starts_on > LONGEST:
        raise RoundRefused("long")
    async with req.db.tx() as conn:
        round_id = await store.insert(
            conn, name=name, starts_on=starts_on, ends_on=ends_on,
            opens_at=_midnight(req, starts_on),
            closes_at=_midnight(req, ends_on + timedelta(days=1)), now=req.now)
        await audit.record(conn, now=req.now, actor_id=req.me.id, action="round.create",
                           subject=f"round:{round_id}")
        found = await store.by_id(conn, round_id)
    assert found is not None
    return found


async def set_members(req: Request, round_id: int, person_ids: list[int]) -> tuple[int, int]:
    """Puts the ticked kwartiermakers in the round (moving them from another) and takes the
    unticked ones who were in it out; returns (put in, taken out). Ids that are not active
    kwartiermakers are ignored."""
    _trainer(req)
    wanted = set(person_ids)
    put, taken = 0, 0
    async with req.db.tx() as conn:
        found = await _round(conn, round_id)
        for person in await people.members(conn):
            if person.role != Role.ORGANISER or not person.active:
                continue
            if person.id in wanted and person.round_id != found.id:
                put += await store.set_round(conn, person.id, found.id)
            elif person.id not in wanted and person.round_id == found.id:
                taken += await store.set_round(conn, person.id, None)
        if put or taken:
            await audit.record(conn, now=req.now, actor_id=req.me.id, action="round.members",
                               subject=f"round:{found.id}")
    return put, taken


async def join(conn: Connection, person_id: int, round_id: int | None) -> None:
    """A kwartiermaker joining with an invite that names a round (inside the join)."""
    if round_id and await store.by_id(conn, round_id) is not None:
        await store.set_round(conn, person_id, round_id)
