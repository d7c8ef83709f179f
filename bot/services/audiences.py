"""Who a meeting or a broadcast is for, and who may address whom.

- ``everyone``, ``organisers``: as it says (trainers and admins);
- ``cohort``: the kwartiermakers the trainer invited;
- ``circle``: the residents of one kwartiermaker (a kwartiermaker: their own; a trainer picks
  one kwartiermaker);
- ``list``: people picked by hand (a trainer from kwartiermakers and trainers; a kwartiermaker
  from their own residents).
"""

from __future__ import annotations

from dataclasses import dataclass

from bot import access
from bot.access import Role
from bot.services.request import Request
from bot.storage import people as store
from bot.storage.people import Person
from bot.storage.sqlite import Connection

KINDS: dict[Role, tuple[str, ...]] = {
    Role.TRAINER: ("everyone", "organisers", "cohort", "circle", "list"),
    Role.ADMIN: ("everyone", "organisers", "circle", "list"),
    Role.ORGANISER: ("circle", "list"),
}
MAX_PICKED = 60


@dataclass(frozen=True)
class Audience:
    kind: str
    ref: int | None = None  # whose circle, when a trainer addresses one kwartiermaker's circle
    members: tuple[int, ...] = ()  # the picked person ids for "list"

    def as_dict(self) -> dict:
        return {"kind": self.kind, "ref": self.ref, "members": list(self.members)}

    @classmethod
    def from_dict(cls, data: dict) -> Audience:
        return cls(data["kind"], data.get("ref"), tuple(data.get("members") or ()))


def kinds_for(role: str | None) -> tuple[str, ...]:
    return KINDS.get(role or "", ())


def needs_owner(role: str | None, kind: str) -> bool:
    """A trainer addressing a circle must say whose."""
    return kind == "circle" and access.is_trainer(role)


async def candidates(req: Request) -> list[Person]:
    """Whom the person asking may pick by hand."""
    async with req.db.read() as conn:
        return await _candidates(conn, req.role, req.me)


async def organisers(req: Request) -> list[Person]:
    """The reachable kwartiermakers."""
    async with req.db.read() as conn:
        return await _organisers(conn)


# Inside another service's transaction --------------------------------------------------------
async def _candidates(conn: Connection, role: str | None, creator: Person
                      ) -> list[Person]:
    if access.is_organiser(role):
        return await store.audience(conn, "circle", creator.id)
    return [p for p in await store.audience(conn, "everyone", creator.id)
            if p.role in (Role.ORGANISER, Role.TRAINER) and p.id != creator.id]


async def _organisers(conn: Connection) -> list[Person]:
    return await store.audience(conn, "organisers", None)


async def _check(conn: Connection, role: str | None, creator: Person,
                 audience: Audience) -> None:
    """Raises AccessDenied unless this person may address this audience (ids are untrusted)."""
    if audience.kind not in kinds_for(role):
        raise access.AccessDenied("audience not allowed for this role")
    if audience.kind == "circle":
        if needs_owner(role, "circle"):
            if audience.ref not in {p.id for p in await _organisers(conn)}:
                raise access.AccessDenied("not a kwartiermaker")
        elif audience.ref not in (None, creator.id):
            raise access.AccessDenied("not your circle")
    if audience.kind == "list":
        allowed = {p.id for p in await _candidates(conn, role, creator)}
        if not audience.members or not set(audience.members) <= allowed:
            raise access.AccessDenied("picked someone outside your reach")


async def _members(conn: Connection, audience: Audience, creator_id: int | None
                   ) -> list[Person]:
    """The reachable people of an audience."""
    if audience.kind == "list":
        return await store.by_ids(conn, audience.members)
    owner = audience.ref if audience.kind == "circle" and audience.ref else creator_id
    return await store.audience(conn, audience.kind, owner)
