"""SQL for categories, needs and offers (items), matches and claim links."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.access import Role
from bot.storage.sqlite import Connection


@dataclass(frozen=True)
class Category:
    """A row of the shared grid: a code and its emoji (names: ``services.categories``)."""

    code: str
    emoji: str


@dataclass(frozen=True)
class Item:
    id: int
    person_id: int
    kind: str
    category: str
    text: str
    voice_file_id: str | None
    voice_seconds: int | None
    status: str
    entered_by: int | None
    created_at: str
    updated_at: str


async def categories(conn: Connection) -> list[Category]:
    rows = await conn.execute_fetchall(
        "SELECT code, emoji FROM category WHERE active = 1 ORDER BY position")
    return [Category(r[0], r[1]) for r in rows]


async def insert(conn: Connection, *, person_id: int, kind: str, category: str,
                 text: str, voice_file_id: str | None, voice_seconds: int | None,
                 entered_by: int, now: datetime) -> int:
    cur = await conn.execute(
        "INSERT INTO item (person_id, kind, category, text, voice_file_id, voice_seconds,"
        " entered_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (person_id, kind, category, text, voice_file_id, voice_seconds, entered_by,
         now.isoformat(), now.isoformat()))
    return cur.lastrowid


async def by_id(conn: Connection, item_id: int) -> Item | None:
    cur = await conn.execute("SELECT * FROM item WHERE id = ?", (item_id,))
    row = await cur.fetchone()
    return None if row is None else Item(**dict(row))


async def of_person(conn: Connection, person_id: int, *, live_only: bool = True
                    ) -> list[Item]:
    where = " AND status IN ('open', 'matched', 'referred')" if live_only else ""
    rows = await conn.execute_fetchall(
        f"SELECT * FROM item WHERE person_id = ?{where} ORDER BY kind, id",
        (person_id,))
    return [Item(**dict(r)) for r in rows]


async def set_status(conn: Connection, item_id: int, status: str,
                     now: datetime) -> None:
    await conn.execute("UPDATE item SET status = ?, updated_at = ? WHERE id = ?",
                       (status, now.isoformat(), item_id))


async def move(conn: Connection, item_id: int, to: str, *, only_from: tuple[str, ...],
               now: datetime) -> bool:
    """Changes an item's status only from the statuses given (a follow-up answer must not
    reopen what its owner withdrew meanwhile); False when it was elsewhere."""
    marks = ", ".join("?" * len(only_from))
    cur = await conn.execute(
        f"UPDATE item SET status = ?, updated_at = ? WHERE id = ? AND status IN ({marks})",
        (to, now.isoformat(), item_id, *only_from))
    return cur.rowcount == 1


async def set_detail(conn: Connection, item_id: int, *, text: str,
                     voice_file_id: str | None, voice_seconds: int | None,
                     now: datetime) -> None:
    await conn.execute(
        "UPDATE item SET text = ?, voice_file_id = ?, voice_seconds = ?, updated_at = ?"
        " WHERE id = ?", (text, voice_file_id, voice_seconds, now.isoformat(), item_id))


async def of_circle(conn: Connection, organiser_id: int) -> list[tuple[Item, str, str]]:
    """Open items of the residents an organiser invited: (item, first name, language)."""
    rows = await conn.execute_fetchall(
        "SELECT i.*, p.display_name AS _name, p.language AS _language FROM item i"
        " JOIN person p ON p.id = i.person_id WHERE p.invited_by = ? AND p.role = ?"
        " AND i.status = 'open' ORDER BY i.category, i.kind, i.id",
        (organiser_id, Role.RESIDENT))
    result = []
    for r in rows:
        data = dict(r)
        name, language = data.pop("_name"), data.pop("_language")
        result.append((Item(**data), name, language))
    return result


async def in_circle(conn: Connection, organiser_id: int, item_id: int
                    ) -> tuple[Item, str] | None:
    """One open item of a resident the organiser invited, with the resident's first name."""
    rows = await conn.execute_fetchall(
        "SELECT i.*, p.display_name AS _name FROM item i JOIN person p ON p.id = i.person_id"
        " WHERE i.id = ? AND p.invited_by = ? AND p.role = ? AND i.status = 'open'",
        (item_id, organiser_id, Role.RESIDENT))
    if not rows:
        return None
    data = dict(rows[0])
    name = data.pop("_name")
    return Item(**data), name


async def set_category(conn: Connection, item_id: int, category: str, *, only_from: str,
                       now: datetime) -> bool:
    cur = await conn.execute(
        "UPDATE item SET category = ?, updated_at = ? WHERE id = ? AND category = ?",
        (category, now.isoformat(), item_id, only_from))
    return cur.rowcount == 1


async def new_in_circle(conn: Connection, organiser_id: int, since: str
                        ) -> list[tuple[str, str]]:
    rows = await conn.execute_fetchall(
        "SELECT i.kind, i.category FROM item i JOIN person p ON p.id = i.person_id"
        " WHERE p.invited_by = ? AND p.role = ? AND i.created_at > ?",
        (organiser_id, Role.RESIDENT, since))
    return [(r[0], r[1]) for r in rows]


async def counts(conn: Connection) -> list[tuple[str | None, str, str, int]]:
    """Open items per organiser (name), kind and category: what a trainer may see."""
    rows = await conn.execute_fetchall(
        "SELECT o.display_name, i.kind, i.category, count(*) FROM item i"
        " JOIN person p ON p.id = i.person_id LEFT JOIN person o ON o.id = p.invited_by"
        " WHERE i.status = 'open' GROUP BY o.id, i.kind, i.category"
        " ORDER BY o.display_name, i.kind, i.category")
    return [(r[0], r[1], r[2], r[3]) for r in rows]


async def open_need_categories(conn: Connection) -> set[str]:
    """The categories that have at least one open need."""
    rows = await conn.execute_fetchall(
        "SELECT DISTINCT category FROM item WHERE kind = 'need' AND status = 'open'")
    return {r[0] for r in rows}


# digests ---------------------------------------------------------------------------------------
async def digest_since(conn: Connection, person_id: int, default: str) -> str:
    cur = await conn.execute("SELECT last_at FROM digest_state WHERE person_id = ?",
                             (person_id,))
    row = await cur.fetchone()
    return row[0] if row else default


async def set_digest(conn: Connection, person_id: int, at: datetime) -> None:
    await conn.execute(
        "INSERT INTO digest_state (person_id, last_at) VALUES (?, ?)"
        " ON CONFLICT (person_id) DO UPDATE SET last_at = excluded.last_at",
        (person_id, at.isoformat()))
