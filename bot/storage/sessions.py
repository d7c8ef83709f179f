"""SQL for table-session series, logged sessions and payments."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime

from bot.storage.sqlite import Connection


@dataclass(frozen=True)
class Series:
    id: int
    organiser_id: int
    cohost_id: int | None
    title: str
    themes: tuple[str, ...]
    place: str
    planned: int
    quiet_noticed_at: str | None
    created_at: str
    cohost_share: int = 0  # percent of the fee for the co-host: 0, 50 or 100


@dataclass(frozen=True)
class Session:
    id: int
    series_id: int
    held_on: date
    attendance: int
    needs: dict[str, int]
    offers: dict[str, int]
    matches_in_room: int
    remaining: str
    report_text: str
    report_voice_id: str | None
    report_voice_seconds: int | None
    report_photo_id: str | None
    report_at: str | None
    logged_by: int | None
    created_at: str
    updated_at: str

    @property
    def has_report(self) -> bool:
        return self.report_at is not None


def _series(row) -> Series:
    data = dict(row)
    data["themes"] = tuple(json.loads(data["themes"]))
    return Series(**data)


def _session(row) -> Session:
    data = dict(row)
    data["held_on"] = date.fromisoformat(data["held_on"])
    data["needs"] = json.loads(data["needs"])
    data["offers"] = json.loads(data["offers"])
    return Session(**data)


async def insert_series(conn: Connection, *, organiser_id: int, cohost_id: int | None,
                        title: str, themes: list[str], place: str, planned: int,
                        now: datetime, cohost_share: int = 0) -> int:
    cur = await conn.execute(
        "INSERT INTO series (organiser_id, cohost_id, title, themes, place, planned, created_at,"
        " cohost_share) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (organiser_id, cohost_id, title, json.dumps(themes), place, planned, now.isoformat(),
         cohost_share))
    return cur.lastrowid


async def supported_series(conn: Connection, person_id: int) -> list[Series]:
    """Series whose logs this person may write for its hosts (as their supporter)."""
    rows = await conn.execute_fetchall(
        "SELECT s.* FROM series s JOIN series_supporter h ON h.series_id = s.id"
        " WHERE h.person_id = ? ORDER BY s.id", (person_id,))
    return [_series(r) for r in rows]


async def supporters(conn: Connection, series_id: int) -> list[int]:
    rows = await conn.execute_fetchall(
        "SELECT person_id FROM series_supporter WHERE series_id = ? ORDER BY added_at",
        (series_id,))
    return [r[0] for r in rows]


async def set_supporter(conn: Connection, series_id: int, person_id: int, on: bool,
                        now: datetime) -> bool:
    """Adds or removes a supporter; False when nothing changed."""
    if on:
        cur = await conn.execute(
            "INSERT OR IGNORE INTO series_supporter (series_id, person_id, added_at)"
            " VALUES (?, ?, ?)", (series_id, person_id, now.isoformat()))
    else:
        cur = await conn.execute(
            "DELETE FROM series_supporter WHERE series_id = ? AND person_id = ?",
            (series_id, person_id))
    return cur.rowcount > 0


async def series_of(conn: Connection, person_id: int) -> list[Series]:
    """Series a kwartiermaker hosts or co-hosts."""
    rows = await conn.execute_fetchall(
        "SELECT * FROM series WHERE organiser_id = :p OR cohost_id = :p ORDER BY id",
        {"p": person_id})
    return [_series(r) for r in rows]


async def series_by_id(conn: Connection, series_id: int) -> Series | None:
    cur = await conn.execute("SELECT * FROM series WHERE id = ?", (series_id,))
    row = await cur.fetchone()
    return None if row is None else _series(row)


async def all_series(conn: Connection) -> list[Series]:
    return [_series(r) for r in await conn.execute_fetchall("SELECT * FROM series ORDER BY id")]


async def sessions_of(conn: Connection, series_id: int) -> list[Session]:
    rows = await conn.execute_fetchall(
        "SELECT * FROM table_session WHERE series_id = ? ORDER BY held_on, id", (series_id,))
    return [_session(r) for r in rows]


async def session_by_id(conn: Connection, session_id: int) -> Session | None:
    cur = await conn.execute("SELECT * FROM table_session WHERE id = ?", (session_id,))
    row = await cur.fetchone()
    return None if row is None else _session(row)


_COLUMNS = ("held_on", "attendance", "needs", "offers", "matches_in_room", "remaining",
            "report_text", "report_voice_id", "report_voice_seconds", "report_photo_id",
            "report_at")


def _values(fields: dict) -> list:
    values = []
    for column in _COLUMNS:
        value = fields.get(column)
        if column in ("needs", "offers"):
            value = json.dumps(value or {})
        elif column == "held_on":
            value = value.isoformat()
        elif column in ("remaining", "report_text"):
            value = value or ""
        elif column == "matches_in_room":
            value = value or 0
        values.append(value)
    return values


async def insert_session(conn: Connection, series_id: int, fields: dict,
                         logged_by: int, now: datetime) -> int:
    cur = await conn.execute(
        f"INSERT INTO table_session (series_id, {', '.join(_COLUMNS)}, logged_by, created_at,"
        f" updated_at) VALUES ({', '.join('?' * (len(_COLUMNS) + 4))})",
        [series_id, *_values(fields), logged_by, now.isoformat(), now.isoformat()])
    return cur.lastrowid


async def update_session(conn: Connection, session_id: int, fields: dict,
                         logged_by: int, now: datetime) -> None:
    sets = ", ".join(f"{c} = ?" for c in _COLUMNS)
    await conn.execute(
        f"UPDATE table_session SET {sets}, logged_by = ?, updated_at = ? WHERE id = ?",
        [*_values(fields), logged_by, now.isoformat(), session_id])


async def paid_cents(conn: Connection, series_id: int) -> dict[str, int]:
    """What was paid on a series, per part ('host', 'cohost')."""
    rows = await conn.execute_fetchall(
        "SELECT part, sum(amount_cents) FROM payment WHERE series_id = ? GROUP BY part",
        (series_id,))
    return {r[0]: int(r[1]) for r in rows}


async def insert_payment(conn: Connection, series_id: int, amount_cents: int,
                         paid_by: int, now: datetime, part: str = "host") -> None:
    await conn.execute("INSERT INTO payment (series_id, amount_cents, paid_by, paid_at, part)"
                       " VALUES (?, ?, ?, ?, ?)",
                       (series_id, amount_cents, paid_by, now.isoformat(), part))


# vouchers and logbook --------------------------------------------------------------------------
@dataclass(frozen=True)
class Voucher:
    id: int
    organiser_id: int
    series_id: int | None
    amount_cents: int
    purpose: str
    status: str
    reason: str | None
    decided_by: int | None
    decided_at: str | None
    paid_at: str | None
    created_at: str
    round_id: int | None = None  # the round its requester was in (None: no round)


async def insert_voucher(conn: Connection, *, organiser_id: int, series_id: int | None,
                         amount_cents: int, purpose: str, now: datetime,
                         round_id: int | None = None) -> int:
    cur = await conn.execute(
        "INSERT INTO voucher (organiser_id, series_id, amount_cents, purpose, created_at,"
        " round_id) VALUES (?, ?, ?, ?, ?, ?)",
        (organiser_id, series_id, amount_cents, purpose, now.isoformat(), round_id))
    return cur.lastrowid


async def voucher_by_id(conn: Connection, voucher_id: int) -> Voucher | None:
    cur = await conn.execute("SELECT * FROM voucher WHERE id = ?", (voucher_id,))
    row = await cur.fetchone()
    return None if row is None else Voucher(**dict(row))


async def vouchers(conn: Connection, organiser_id: int | None = None) -> list[Voucher]:
    if organiser_id is None:
        rows = await conn.execute_fetchall("SELECT * FROM voucher ORDER BY id")
    else:
        rows = await conn.execute_fetchall(
            "SELECT * FROM voucher WHERE organiser_id = ? ORDER BY id", (organiser_id,))
    return [Voucher(**dict(r)) for r in rows]


async def granted_count(conn: Connection, round_id: int | None = None) -> int:
    """Vouchers approved or paid in a round (``None``: those without a round, one pool)."""
    cur = await conn.execute("SELECT count(*) FROM voucher WHERE status IN ('approved', 'paid')"
                             " AND round_id IS ?", (round_id,))
    return int((await cur.fetchone())[0])


async def has_voucher(conn: Connection, organiser_id: int, round_id: int | None) -> bool:
    """A voucher of this kwartiermaker in this round that still counts (not rejected)."""
    cur = await conn.execute(
        "SELECT 1 FROM voucher WHERE organiser_id = ? AND round_id IS ? AND status != 'rejected'"
        " LIMIT 1", (organiser_id, round_id))
    return await cur.fetchone() is not None


async def set_voucher(conn: Connection, voucher_id: int, *, status: str,
                      from_status: str, by: int, now: datetime, reason: str | None = None
                      ) -> bool:
    """Moves a voucher on, only from the status it had when the trainer looked."""
    column = "paid_at" if status == "paid" else "decided_at"
    cur = await conn.execute(
        f"UPDATE voucher SET status = ?, reason = coalesce(?, reason),"
        f" decided_by = ?, {column} = ? WHERE id = ? AND status = ?",
        (status, reason, by, now.isoformat(), voucher_id, from_status))
    return cur.rowcount == 1


async def add_logbook(conn: Connection, person_id: int, text: str,
                      voice_id: str | None, voice_seconds: int | None, now: datetime) -> None:
    await conn.execute("INSERT INTO logbook (person_id, text, voice_id, voice_seconds,"
                       " created_at) VALUES (?, ?, ?, ?, ?)",
                       (person_id, text, voice_id, voice_seconds, now.isoformat()))


async def logbook(conn: Connection, person_id: int) -> list[dict]:
    rows = await conn.execute_fetchall(
        "SELECT text, voice_id, voice_seconds, created_at FROM logbook WHERE person_id = ?"
        " ORDER BY id", (person_id,))
    return [dict(r) for r in rows]


async def set_quiet_noticed(conn: Connection, series_id: int, now: datetime) -> None:
    await conn.execute("UPDATE series SET quiet_noticed_at = ? WHERE id = ?",
                       (now.isoformat(), series_id))
