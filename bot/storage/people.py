"""SQL for people: the person row, their circle, and erasing everything that is theirs."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.access import Role
from bot.storage import consultations, groups, outbox, rounds
from bot.storage.sqlite import Connection, Row


@dataclass(frozen=True)
class Person:
    id: int
    telegram_id: int | None
    display_name: str
    role: Role
    language: str
    consent_version: str
    consent_at: str
    invited_by: int | None
    invite_id: int | None
    active: bool
    created_at: str
    unreachable_at: str | None = None  # set when Telegram says they blocked the bot
    phone: str | None = None
    consent_by: int | None = None  # the kwartiermaker who recorded a verbal consent
    round_id: int | None = None  # a kwartiermaker's round of the programme


def from_row(row: Row | None) -> Person | None:
    if row is None:
        return None
    data = dict(row)
    data["active"] = bool(data["active"])
    data["role"] = Role(data["role"])
    return Person(**data)


async def by_telegram_id(conn: Connection, telegram_id: int) -> Person | None:
    cur = await conn.execute("SELECT * FROM person WHERE telegram_id = ?", (telegram_id,))
    return from_row(await cur.fetchone())


async def by_id(conn: Connection, person_id: int) -> Person | None:
    cur = await conn.execute("SELECT * FROM person WHERE id = ?", (person_id,))
    return from_row(await cur.fetchone())


async def insert(
    conn: Connection,
    *,
    telegram_id: int | None,
    display_name: str,
    role: Role,
    language: str,
    consent_version: str,
    now: datetime,
    invited_by: int | None,
    invite_id: int | None = None,
    phone: str | None = None,
    consent_by: int | None = None,
) -> Person:
    """A new person row; ``telegram_id`` is None for a phone intake (``consent_by`` is then
    the kwartiermaker who recorded the verbal consent)."""
    cur = await conn.execute(
        "INSERT INTO person (telegram_id, display_name, role, language, consent_version,"
        " consent_at, invited_by, invite_id, created_at, phone, consent_by)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (telegram_id, display_name, role, language, consent_version, now.isoformat(),
         invited_by, invite_id, now.isoformat(), phone, consent_by),
    )
    person = await by_id(conn, cur.lastrowid)
    assert person is not None
    return person


async def set_active(conn: Connection, person_id: int, active: bool) -> bool:
    cur = await conn.execute("UPDATE person SET active = ? WHERE id = ? AND active != ?",
                             (int(active), person_id, int(active)))
    return cur.rowcount == 1


async def set_role(conn: Connection, person_id: int, role: str) -> bool:
    cur = await conn.execute("UPDATE person SET role = ? WHERE id = ? AND role != ?",
                             (role, person_id, role))
    return cur.rowcount == 1


async def members(conn: Connection) -> list[Person]:
    """Kwartiermakers and trainers, active or paused, by name."""
    rows = await conn.execute_fetchall(
        "SELECT * FROM person WHERE role IN (?, ?) ORDER BY display_name, id",
        (Role.ORGANISER, Role.TRAINER))
    return [from_row(r) for r in rows]


async def set_language(conn: Connection, person_id: int, language: str) -> None:
    await conn.execute("UPDATE person SET language = ? WHERE id = ?", (language, person_id))


async def link_telegram(conn: Connection, person_id: int, telegram_id: int,
                        consent_version: str, now: datetime) -> None:
    """A resident entered by phone claims their record: now they gave consent themselves."""
    await conn.execute(
        "UPDATE person SET telegram_id = ?, consent_version = ?, consent_at = ?,"
        " consent_by = NULL WHERE id = ? AND telegram_id IS NULL",
        (telegram_id, consent_version, now.isoformat(), person_id))


async def mark_reachable(conn: Connection, person_id: int) -> None:
    await conn.execute("UPDATE person SET unreachable_at = NULL WHERE id = ?", (person_id,))


async def by_ids(conn: Connection, ids: tuple[int, ...]) -> list[Person]:
    """Reachable people among these ids (for hand-picked audiences)."""
    if not ids:
        return []
    marks = ",".join("?" * len(ids))
    rows = await conn.execute_fetchall(
        f"SELECT * FROM person WHERE id IN ({marks}) AND active = 1"
        " AND unreachable_at IS NULL AND telegram_id IS NOT NULL ORDER BY id", tuple(ids))
    return [p for p in (from_row(r) for r in rows) if p is not None]


async def audience(conn: Connection, audience: str, creator_id: int | None
                   ) -> list[Person]:
    """The people an event or broadcast reaches, reachable ones only."""
    where = {
        "everyone": "1 = 1",
        "organisers": "role = :organiser_role",
        "cohort": "role = :organiser_role AND invited_by = :creator",
        "circle": "role = :resident_role AND invited_by = :creator",
    }[audience]
    rows = await conn.execute_fetchall(
        f"SELECT * FROM person WHERE {where} AND active = 1 AND unreachable_at IS NULL"
        " AND telegram_id IS NOT NULL ORDER BY id",
        {"creator": creator_id, "organiser_role": Role.ORGANISER,
         "resident_role": Role.RESIDENT})
    return [p for p in (from_row(r) for r in rows) if p is not None]


async def trainers(conn: Connection) -> list[Person]:
    """Reachable trainers; when there are none, reachable admins (a request never goes
    nowhere). Admin rights are checked by the caller against the settings."""
    for role in (Role.TRAINER, Role.ADMIN):
        rows = await conn.execute_fetchall(
            "SELECT * FROM person WHERE role = ? AND active = 1 AND unreachable_at IS NULL"
            " AND telegram_id IS NOT NULL ORDER BY id", (role,))
        found = [p for p in map(from_row, rows) if p is not None]
        if found:
            return found
    return []


async def reminded_of(conn: Connection, event_id: int,
                      occurrence_start: str | None = None) -> list[Person]:
    """Everyone a reminder of this event (or of one date of it) or its announcement was queued
    for: whoever heard of it hears of a change."""
    ref = f"event:{event_id}:{occurrence_start}" if occurrence_start else f"event:{event_id}:%"
    rows = await conn.execute_fetchall(
        "SELECT DISTINCT p.* FROM outbox o JOIN person p ON p.id = o.person_id"
        " WHERE (o.kind = 'reminder' AND o.ref LIKE ?)"
        " OR (o.kind = 'announcement' AND o.ref = ?)", (ref, f"event:{event_id}:new"))
    return [p for p in (from_row(r) for r in rows) if p is not None]


async def circle_size(conn: Connection, person_id: int) -> int:
    cur = await conn.execute("SELECT count(*) FROM person WHERE invited_by = ?", (person_id,))
    row = await cur.fetchone()
    return int(row[0])


async def export_rows(conn: Connection, person_id: int) -> dict[str, Any]:
    """Everything stored about one person, and nothing about anyone else."""
    person = await by_id(conn, person_id)
    invites = await conn.execute_fetchall(
        "SELECT code, role, max_uses, uses, expires_at, revoked_at, created_at"
        " FROM invite WHERE created_by = ? ORDER BY id",
        (person_id,),
    )
    audit = await conn.execute_fetchall(
        "SELECT at, action, subject FROM audit_log WHERE actor_id = ? ORDER BY id", (person_id,)
    )
    items = await conn.execute_fetchall(
        "SELECT id, kind, category, text, voice_file_id, voice_seconds, status, created_at,"
        " updated_at FROM item WHERE person_id = ? ORDER BY id", (person_id,))
    matches = await conn.execute_fetchall(
        "SELECT m.status, CASE WHEN n.person_id = :me THEN 'need' ELSE 'offer' END AS side,"
        " CASE WHEN n.person_id = :me THEN m.need_answer ELSE m.offer_answer END AS answer,"
        " n.category, m.created_at FROM match m JOIN item n ON n.id = m.need_id"
        " JOIN item o ON o.id = m.offer_id WHERE n.person_id = :me OR o.person_id = :me"
        " ORDER BY m.id", {"me": person_id})
    answers = await conn.execute_fetchall(
        "SELECT e.title, r.occurrence_start, r.answer, r.reason FROM rsvp r"
        " JOIN event e ON e.id = r.event_id WHERE r.person_id = ? ORDER BY r.answered_at",
        (person_id,))
    attendance = await conn.execute_fetchall(
        "SELECT e.title, a.occurrence_start, a.present FROM attendance a"
        " JOIN event e ON e.id = a.event_id WHERE a.person_id = ? ORDER BY a.occurrence_start",
        (person_id,))
    logbook = await conn.execute_fetchall(
        "SELECT text, voice_id, voice_seconds, created_at FROM logbook WHERE person_id = ?"
        " ORDER BY id", (person_id,))
    vouchers = await conn.execute_fetchall(
        "SELECT amount_cents, purpose, status, reason, created_at FROM voucher"
        " WHERE organiser_id = ? ORDER BY id", (person_id,))
    series = await conn.execute_fetchall(
        "SELECT title, themes, place, planned, created_at FROM series WHERE organiser_id = ?"
        " ORDER BY id", (person_id,))
    hosted = "SELECT id FROM series WHERE organiser_id = :me OR cohost_id = :me"
    sessions = await conn.execute_fetchall(
        "SELECT s.title AS series, t.held_on, t.attendance, t.needs, t.offers,"
        " t.matches_in_room, t.remaining, t.report_text, t.report_voice_id,"
        " t.report_voice_seconds, t.report_photo_id, t.report_at, t.created_at"
        f" FROM table_session t JOIN series s ON s.id = t.series_id WHERE t.series_id IN"
        f" ({hosted}) ORDER BY t.held_on", {"me": person_id})
    payments = await conn.execute_fetchall(
        f"SELECT s.title AS series, p.amount_cents, p.paid_at FROM payment p JOIN series s"
        f" ON s.id = p.series_id WHERE p.series_id IN ({hosted}) ORDER BY p.id",
        {"me": person_id})
    referrals = await conn.execute_fetchall(
        "SELECT category, entry_id, note, outcome, created_at FROM referral"
        " WHERE organiser_id = ? ORDER BY id", (person_id,))
    stages = await conn.execute_fetchall(
        "SELECT stage, decided_at, note FROM stage_event WHERE person_id = ?"
        " ORDER BY decided_at, id", (person_id,))
    events = await conn.execute_fetchall(
        "SELECT kind, title, place, starts_at, ends_at, weekly, audience, cancelled_at"
        " FROM event WHERE created_by = ? AND id NOT IN (SELECT event_id FROM consultation"
        " WHERE event_id IS NOT NULL) ORDER BY id", (person_id,))  # a talk is its asker's
    sent = await conn.execute_fetchall(
        "SELECT audience, total, created_at FROM broadcast WHERE created_by = ? ORDER BY id",
        (person_id,))
    recorded = await conn.execute_fetchall(
        "SELECT step, language, voice_file_id, seconds, recorded_at FROM prompt"
        " WHERE recorded_by = ? ORDER BY step, language", (person_id,))
    return {
        "recorded_questions": [dict(r) for r in recorded],
        "table_sessions": [dict(r) for r in sessions],
        "payments": [dict(r) for r in payments],
        "referrals": [dict(r) for r in referrals],
        "stage_history": [dict(r) for r in stages],
        "events_planned": [dict(r) for r in events],
        "talks_requested": await consultations.export(conn, person_id),
        "broadcasts_sent": [dict(r) for r in sent],
        "logbook": [dict(r) for r in logbook],
        "vouchers": [dict(r) for r in vouchers],
        "series": [dict(r) for r in series],
        "person": None if person is None else {
            k: v for k, v in person.__dict__.items() if k not in ("id", "invite_id", "round_id")
        },
        "round": await rounds.export_row(conn, person.round_id) if person else None,
        "invites_created": [dict(r) for r in invites],
        "people_invited": await circle_size(conn, person_id),
        "needs_and_offers": [dict(r) for r in items],
        "introductions": [dict(r) for r in matches],
        "group_activities": await groups.export_rows(conn, person_id),
        "meeting_answers": [dict(r) for r in answers],
        "attendance": [dict(r) for r in attendance],
        "actions": [dict(r) for r in audit],
    }


async def erase(conn: Connection, person: Person) -> None:
    """Deletes the person; foreign keys cascade to what is theirs or unlink it. Copies
    elsewhere go too: messages to others that name or quote them, the chat id of their
    broadcasts' status, replies waiting for their chat, their updates in the inbox, and
    conversation rows keyed by them."""
    await consultations.erase(conn, person)
    await outbox.blank_about(conn, person.id, broadcasts_of=person.id)
    await conn.execute("UPDATE broadcast SET status_chat_id = NULL, status_message_id = NULL"
                       " WHERE created_by = ?", (person.id,))
    if person.telegram_id is not None:
        tid = person.telegram_id
        await conn.execute("DELETE FROM reply WHERE chat_id = ?", (tid,))
        await conn.execute(
            "DELETE FROM inbox WHERE json_extract(payload, '$.message.from.id') = ?"
            " OR json_extract(payload, '$.callback_query.from.id') = ?", (tid, tid))
        await conn.execute("DELETE FROM ptb_user_data WHERE user_id = ?", (tid,))
        await conn.execute("DELETE FROM ptb_chat_data WHERE chat_id = ?", (tid,))
        await conn.execute("DELETE FROM ptb_conversation WHERE key LIKE ?", (f"%{tid}%",))
    await conn.execute("UPDATE audit_log SET actor_id = NULL WHERE actor_id = ?", (person.id,))
    await conn.execute("DELETE FROM person WHERE id = ?", (person.id,))
    await conn.execute("INSERT OR IGNORE INTO forgotten (hash, at) VALUES (?, datetime('now'))",
                       (forgotten_hash(person.id, person.created_at),))


def forgotten_hash(person_id: int, created_at: str) -> str:
    """Recognises an erased person's row in an older backup without naming them."""
    return hashlib.sha256(f"{person_id}|{created_at}".encode()).hexdigest()


async def forgotten(conn: Connection) -> list[str]:
    return [r[0] for r in await conn.execute_fetchall("SELECT hash FROM forgotten")]


async def remember_forgotten(conn: Connection, hashes: list[str]) -> None:
    await conn.executemany("INSERT OR IGNORE INTO forgotten (hash, at) VALUES (?, datetime('now'))",
                           [(h,) for h in hashes])


async def erased_later(conn: Connection, hashes: set[str]) -> list[Person]:
    """People in this (restored) database who were erased after it was made."""
    rows = await conn.execute_fetchall("SELECT * FROM person")
    return [p for p in map(from_row, rows)
            if p is not None and forgotten_hash(p.id, p.created_at) in hashes]
