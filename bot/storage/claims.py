"""SQL for claim links: the personal link (and code) that lets a resident entered by phone take
their record over in Telegram."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.storage.sqlite import Connection


@dataclass(frozen=True)
class Claim:
    code: str
    person_id: int
    created_by: int | None
    expires_at: str
    used_at: str | None
    pin_hash: str | None
    tries: int
    revoked_at: str | None


async def insert(conn: Connection, *, code: str, person_id: int, created_by: int,
                 expires_at: datetime, pin_hash: str) -> None:
    await conn.execute("INSERT INTO claim (code, person_id, created_by, expires_at, pin_hash)"
                       " VALUES (?, ?, ?, ?, ?)",
                       (code, person_id, created_by, expires_at.isoformat(), pin_hash))


async def by_code(conn: Connection, code: str) -> Claim | None:
    rows = await conn.execute_fetchall(
        "SELECT code, person_id, created_by, expires_at, used_at, pin_hash, tries, revoked_at"
        " FROM claim WHERE code = ?", (code,))
    return Claim(*rows[0]) if rows else None


async def latest_of(conn: Connection, person_id: int) -> Claim | None:
    rows = await conn.execute_fetchall(
        "SELECT code, person_id, created_by, expires_at, used_at, pin_hash, tries, revoked_at"
        " FROM claim WHERE person_id = ? ORDER BY rowid DESC LIMIT 1", (person_id,))
    return Claim(*rows[0]) if rows else None


async def wrong_try(conn: Connection, code: str, limit: int, now: datetime) -> int:
    """Counts a wrong code; at ``limit`` the link stops. Returns the tries so far."""
    await conn.execute("UPDATE claim SET tries = tries + 1 WHERE code = ?", (code,))
    await conn.execute("UPDATE claim SET revoked_at = ? WHERE code = ? AND tries >= ?"
                       " AND revoked_at IS NULL", (now.isoformat(), code, limit))
    rows = await conn.execute_fetchall("SELECT tries FROM claim WHERE code = ?", (code,))
    return rows[0][0] if rows else limit


async def use(conn: Connection, code: str, now: datetime) -> bool:
    cur = await conn.execute(
        "UPDATE claim SET used_at = ? WHERE code = ? AND used_at IS NULL AND revoked_at IS NULL"
        " AND expires_at > ?", (now.isoformat(), code, now.isoformat()))
    return cur.rowcount == 1


async def revoke_all(conn: Connection, person_id: int, now: datetime) -> int:
    cur = await conn.execute("UPDATE claim SET revoked_at = ? WHERE person_id = ?"
                             " AND revoked_at IS NULL AND used_at IS NULL",
                             (now.isoformat(), person_id))
    return cur.rowcount


async def entered_by(conn: Connection, organiser_id: int) -> list[tuple[int, str, str]]:
    """Residents this kwartiermaker entered by phone who have not taken their record over
    yet: (person id, name, entered at)."""
    rows = await conn.execute_fetchall(
        "SELECT id, display_name, created_at FROM person WHERE consent_by = ?"
        " AND telegram_id IS NULL ORDER BY created_at DESC", (organiser_id,))
    return [(r[0], r[1], r[2]) for r in rows]
