"""SQL for the social map: entries and their translations, replaced in one transaction."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from datetime import datetime

from bot.storage.sqlite import Connection


@dataclass(frozen=True)
class Entry:
    id: str
    organization_id: str
    organization_name: str
    name: str
    description: str
    line: int
    categories: tuple[str, ...]
    languages: tuple[str, ...]
    location_id: str | None
    location_name: str
    address: str
    city: str
    postal_code: str
    latitude: float | None
    longitude: float | None
    phone: str
    url: str
    email: str
    eligibility: str
    cost: str
    hours: dict[str, list[list[str]]]  # "mo" … "su" → [["09:00", "17:00"], …]
    active: bool
    last_verified: str | None
    translations: dict[str, dict[str, str]] = field(default_factory=dict)


_FIELDS = ("id", "organization_id", "organization_name", "name", "description", "line",
           "categories", "languages", "location_id", "location_name", "address", "city",
           "postal_code", "latitude", "longitude", "phone", "url", "email", "eligibility",
           "cost", "hours", "active", "last_verified")


async def all_entries(conn: Connection) -> list[Entry]:
    translations: dict[str, dict[str, dict[str, str]]] = {}
    for row in await conn.execute_fetchall("SELECT * FROM sm_translation"):
        translations.setdefault(row["entry_id"], {})[row["language"]] = {
            "name": row["name"], "description": row["description"]}
    entries = []
    for row in await conn.execute_fetchall("SELECT * FROM sm_entry ORDER BY id"):
        data = {k: row[k] for k in _FIELDS}
        data["categories"] = tuple(json.loads(data["categories"]))
        data["languages"] = tuple(json.loads(data["languages"]))
        data["hours"] = json.loads(data["hours"])
        data["active"] = bool(data["active"])
        entries.append(Entry(**data, translations=translations.get(row["id"], {})))
    return entries


async def upsert(conn: Connection, entry: Entry, now: datetime) -> None:
    data = asdict(entry)
    translations = data.pop("translations")
    data["categories"] = json.dumps(list(entry.categories))
    data["languages"] = json.dumps(list(entry.languages))
    data["hours"] = json.dumps(entry.hours)
    data["active"] = int(entry.active)
    columns = [*_FIELDS, "updated_at"]
    values = [data[k] for k in _FIELDS] + [now.isoformat()]
    updates = ", ".join(f"{c} = excluded.{c}" for c in columns if c != "id")
    await conn.execute(
        f"INSERT INTO sm_entry ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
        f" ON CONFLICT (id) DO UPDATE SET {updates}", values)
    await conn.execute("DELETE FROM sm_translation WHERE entry_id = ?", (entry.id,))
    for language, text in translations.items():
        await conn.execute("INSERT INTO sm_translation (entry_id, language, name, description)"
                           " VALUES (?, ?, ?, ?)", (entry.id, language, text.get("name", ""),
                                                   text.get("description", "")))


async def version(conn: Connection) -> tuple:
    """Changes whenever an entry is added or updated (the in-memory index checks it)."""
    cur = await conn.execute("SELECT count(*), max(updated_at) FROM sm_entry")
    return tuple(await cur.fetchone())


async def by_id(conn: Connection, entry_id: str) -> Entry | None:
    return next((e for e in await all_entries(conn) if e.id == entry_id), None)


async def set_field(conn: Connection, entry_id: str, column: str, value: object,
                    actor_id: int, now: datetime) -> None:
    if column not in ("name", "description", "phone", "url", "email", "address", "city",
                      "postal_code", "eligibility", "cost", "active", "last_verified"):
        raise ValueError(column)
    await conn.execute(f"UPDATE sm_entry SET {column} = ?, updated_at = ? WHERE id = ?",
                       (value, now.isoformat(), entry_id))
    await history(conn, entry_id, actor_id, column, now)


async def history(conn: Connection, entry_id: str, actor_id: int | None, change: str,
                  now: datetime) -> None:
    await conn.execute("INSERT INTO sm_history (entry_id, at, actor_id, change)"
                       " VALUES (?, ?, ?, ?)", (entry_id, now.isoformat(), actor_id, change))


async def unverified_since(conn: Connection, before: str) -> list[tuple[str, str]]:
    rows = await conn.execute_fetchall(
        "SELECT id, name FROM sm_entry WHERE active = 1 AND (last_verified IS NULL"
        " OR last_verified < ?) ORDER BY name", (before,))
    return [(r[0], r[1]) for r in rows]


# referrals ----------------------------------------------------------------------------------------
async def insert_referral(conn: Connection, *, organiser_id: int, need_id: int | None,
                          session_id: int | None, category: str, entry_id: str, note: str,
                          follow_up_at: datetime, now: datetime) -> int:
    cur = await conn.execute(
        "INSERT INTO referral (organiser_id, need_id, session_id, category, entry_id, note,"
        " follow_up_at, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (organiser_id, need_id, session_id, category, entry_id, note, follow_up_at.isoformat(),
         now.isoformat(), now.isoformat()))
    return cur.lastrowid


async def referral_by_id(conn: Connection, referral_id: int) -> dict | None:
    cur = await conn.execute("SELECT * FROM referral WHERE id = ?", (referral_id,))
    row = await cur.fetchone()
    return None if row is None else dict(row)


async def due_referrals(conn: Connection, now: datetime) -> list[dict]:
    rows = await conn.execute_fetchall(
        "SELECT * FROM referral WHERE follow_up_at IS NOT NULL AND follow_up_at <= ?",
        (now.isoformat(),))
    return [dict(r) for r in rows]


async def set_referral(conn: Connection, referral_id: int, *, outcome: str | None,
                       follow_up_at: datetime | None, now: datetime) -> None:
    await conn.execute("UPDATE referral SET outcome = ?, follow_up_at = ?, updated_at = ?"
                       " WHERE id = ?", (outcome, follow_up_at.isoformat() if follow_up_at
                                         else None, now.isoformat(), referral_id))


async def referral_counts(conn: Connection) -> list[tuple[int, str, int]]:
    """(line, outcome or 'open', count) over all referrals."""
    rows = await conn.execute_fetchall(
        "SELECT e.line, coalesce(r.outcome, 'open'), count(*) FROM referral r"
        " JOIN sm_entry e ON e.id = r.entry_id GROUP BY e.line, coalesce(r.outcome, 'open')"
        " ORDER BY e.line")
    return [(r[0], r[1], r[2]) for r in rows]
