"""Table-session series and their logs, and the money that follows a report.

A kwartiermaker (or the co-host) logs each session; a session with a report earns the fee,
up to the maximum per series. A log can be corrected for 7 days.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from bot import access
from bot.storage import audit, people
from bot.storage import sessions as store
from bot.storage.db import Database
from bot.storage.people import Person
from bot.storage.sessions import Series, Session

CORRECTION_DAYS = 7
MAX_ATTENDANCE_WITHOUT_ASKING = 200
TITLE_MAX = 80


@dataclass(frozen=True)
class Fees:
    per_session_cents: int
    max_per_series_cents: int


@dataclass(frozen=True)
class SeriesMoney:
    series: Series
    logged: int
    with_report: int
    earned_cents: int
    paid_cents: int

    @property
    def due_cents(self) -> int:
        return max(self.earned_cents - self.paid_cents, 0)


def earned(with_report: int, fees: Fees) -> int:
    return min(with_report * fees.per_session_cents, fees.max_per_series_cents)


def date_problem(day: date, today: date) -> str | None:
    if day > today + timedelta(days=1):
        return "future"
    if day < today - timedelta(days=365):
        return "too_old"
    return None


def attendance_problem(count: int) -> str | None:
    if count < 0:
        return "negative"
    if count > MAX_ATTENDANCE_WITHOUT_ASKING:
        return "large"
    return None


async def create_series(db: Database, organiser: Person, role: str | None, *, title: str,
                        themes: list[str], place: str, planned: int, cohost_id: int | None,
                        now: datetime) -> int:
    if role != "organiser":
        raise access.AccessDenied("only a kwartiermaker hosts a series")
    async with db.tx() as conn:
        if cohost_id is not None:
            cohost = await people.by_id(conn, cohost_id)
            if cohost is None or cohost.role != "organiser" or cohost.id == organiser.id:
                raise access.AccessDenied("a co-host is another kwartiermaker")
        series_id = await store.insert_series(
            conn, organiser_id=organiser.id, cohost_id=cohost_id, title=title[:TITLE_MAX],
            themes=themes, place=place[:TITLE_MAX], planned=planned, now=now)
        await audit.record(conn, now=now, actor_id=organiser.id, action="series.create",
                           subject=f"series:{series_id}")
    return series_id


async def my_series(db: Database, person: Person) -> list[Series]:
    async with db.read() as conn:
        return await store.series_of(conn, person.id)


async def _own_series(conn, person: Person, series_id: int) -> Series:
    series = await store.series_by_id(conn, series_id)
    if series is None or person.id not in (series.organiser_id, series.cohost_id):
        raise access.AccessDenied("not your series")
    return series


async def same_day(db: Database, person: Person, series_id: int, day: date) -> Session | None:
    async with db.read() as conn:
        await _own_series(conn, person, series_id)
        return next((s for s in await store.sessions_of(conn, series_id) if s.held_on == day),
                    None)


async def save_log(db: Database, person: Person, *, series_id: int, fields: dict,
                   now: datetime, session_id: int | None = None) -> int:
    """Saves a new log, or corrects one (within 7 days). ``report_at`` is set the first time a
    report (words, voice or photo) is there."""
    has_report = bool(fields.get("report_text") or fields.get("report_voice_id")
                      or fields.get("report_photo_id"))
    async with db.tx() as conn:
        await _own_series(conn, person, series_id)
        if session_id is None:
            fields = {**fields, "report_at": now.isoformat() if has_report else None}
            session_id = await store.insert_session(conn, series_id, fields, person.id, now)
            action = "session.log"
        else:
            session = await store.session_by_id(conn, session_id)
            if session is None or session.series_id != series_id:
                raise access.AccessDenied("not a session of this series")
            if datetime.fromisoformat(session.created_at) + timedelta(days=CORRECTION_DAYS) < now:
                raise TooLate()
            report_at = session.report_at or (now.isoformat() if has_report else None)
            await store.update_session(conn, session_id, {**fields, "report_at": report_at},
                                       person.id, now)
            action = "session.correct"
        await audit.record(conn, now=now, actor_id=person.id, action=action,
                           subject=f"session:{session_id}")
    return session_id


class TooLate(access.AccessDenied):
    """A log can be corrected for 7 days."""


async def correctable(db: Database, person: Person, now: datetime) -> list[tuple[Series, Session]]:
    found = []
    async with db.read() as conn:
        for series in await store.series_of(conn, person.id):
            for session in await store.sessions_of(conn, series.id):
                if datetime.fromisoformat(session.created_at) + timedelta(
                        days=CORRECTION_DAYS) >= now:
                    found.append((series, session))
    return found


async def session_for_correction(db: Database, person: Person, session_id: int,
                                 now: datetime) -> tuple[Series, Session]:
    for series, session in await correctable(db, person, now):
        if session.id == session_id:
            return series, session
    raise TooLate()


async def statement(db: Database, person: Person, fees: Fees) -> list[SeriesMoney]:
    async with db.read() as conn:
        return [await _money(conn, s, fees) for s in await store.series_of(conn, person.id)]


async def _money(conn, series: Series, fees: Fees) -> SeriesMoney:
    sessions = await store.sessions_of(conn, series.id)
    reported = sum(1 for s in sessions if s.has_report)
    return SeriesMoney(series, len(sessions), reported, earned(reported, fees),
                       await store.paid_cents(conn, series.id))


async def all_money(db: Database, role: str | None, fees: Fees
                    ) -> list[tuple[SeriesMoney, str]]:
    if role not in ("trainer", "admin"):
        raise access.AccessDenied("trainers only")
    async with db.read() as conn:
        result = []
        for series in await store.all_series(conn):
            organiser = await people.by_id(conn, series.organiser_id)
            result.append((await _money(conn, series, fees),
                           organiser.display_name if organiser else "?"))
    return result


async def mark_paid(db: Database, trainer: Person, role: str | None, series_id: int, fees: Fees,
                    now: datetime) -> int:
    """Pays what is due on a series now; returns the amount (0 if nothing was due)."""
    if role not in ("trainer", "admin"):
        raise access.AccessDenied("trainers only")
    async with db.tx() as conn:
        series = await store.series_by_id(conn, series_id)
        if series is None:
            raise access.AccessDenied("no such series")
        due = (await _money(conn, series, fees)).due_cents
        if due:
            await store.insert_payment(conn, series_id, due, trainer.id, now)
            await audit.record(conn, now=now, actor_id=trainer.id, action="payment.paid",
                               subject=f"series:{series_id}")
    return due
