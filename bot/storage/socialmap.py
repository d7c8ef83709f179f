"""SQL for the social map: entries and their translations, replaced in one transaction."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from datetime import datetime

import aiosqlite


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


async def all_entries(conn: aiosqlite.Connection) -> list[Entry]:
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


async def upsert(conn: aiosqlite.Connection, entry: Entry, now: datetime) -> None:
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


async def version(conn: aiosqlite.Connection) -> tuple:
    """Changes whenever an entry is added or updated (the in-memory index checks it)."""
    cur = await conn.execute("SELECT count(*), max(updated_at) FROM sm_entry")
    return tuple(await cur.fetchone())
