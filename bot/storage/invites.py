"""SQL for invites: create, look up, count a use atomically, revoke."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.access import Role
from bot.storage.sqlite import Connection, Row


@dataclass(frozen=True)
class Invite:
    id: int
    code: str
    role: Role
    created_by: int
    max_uses: int | None
    uses: int
    expires_at: str
    revoked_at: str | None
    created_at: str
    language: str | None = None  # the language the inviter picked for them
    round_id: int | None = None  # the round a kwartiermaker joining with it is put in


def _invite(row: Row | None) -> Invite | None:
    if row is None:
        return None
    data = dict(row)
    data["role"] = Role(data["role"])
    return Invite(**data)


async def insert(
    conn: Connection,
    *,
    code: str,
    role: Role,
    created_by: int,
    max_uses: int | None,
    expires_at: datetime,
    now: datetime,
    language: str | None = None,
    round_id: int | None = None,
) -> Invite:
    cur = await conn.execute(
        "INSERT INTO invite (code, role, created_by, max_uses, expires_at, created_at, language,"
        " round_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (code, role, created_by, max_uses, expires_at.isoformat(), now.isoformat(), language,
         round_id),
    )
    invite = await by_id(conn, cur.lastrowid)
    assert invite is not None
    return invite


async def by_id(conn: Connection, invite_id: int) -> Invite | None:
    cur = await conn.execute("SELECT * FROM invite WHERE id = ?", (invite_id,))
    return _invite(await cur.fetchone())


async def by_code(conn: Connection, code: str) -> Invite | None:
    cur = await conn.execute("SELECT * FROM invite WHERE code = ?", (code,))
    return _invite(await cur.fetchone())


async def active_by_creator(
    conn: Connection, created_by: int, now: datetime
) -> list[Invite]:
    rows = await conn.execute_fetchall(
        "SELECT * FROM invite WHERE created_by = ? AND revoked_at IS NULL AND expires_at > ?"
        " AND (max_uses IS NULL OR uses < max_uses) ORDER BY id",
        (created_by, now.isoformat()),
    )
    return [Invite(**dict(r)) for r in rows]


async def take_use(conn: Connection, invite_id: int, now: datetime) -> bool:
    """Counts one use if the invite is still valid; False when someone else got the last one."""
    cur = await conn.execute(
        "UPDATE invite SET uses = uses + 1 WHERE id = ? AND revoked_at IS NULL"
        " AND expires_at > ? AND (max_uses IS NULL OR uses < max_uses)",
        (invite_id, now.isoformat()),
    )
    return cur.rowcount == 1


async def revoke(conn: Connection, invite_id: int, now: datetime) -> bool:
    cur = await conn.execute(
        "UPDATE invite SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL",
        (now.isoformat(), invite_id),
    )
    return cur.rowcount == 1
