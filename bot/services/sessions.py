"""Table-session series and their logs, and the money that follows a report.

A kwartiermaker (or the co-host) logs each session; a session with a report earns the fee,
up to the maximum per series. A log can be corrected for 7 days.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from bot import access
from bot.access import Role
from bot.config import Settings
from bot.services.request import Request
from bot.storage import audit, people
from bot.storage import sessions as store
from bot.storage.people import Person
from bot.storage.sessions import Series, Session

CORRECTION_DAYS = 7
MAX_ATTENDANCE_WITHOUT_ASKING = 200
TITLE_MAX = 80


@dataclass(frozen=True)
class Fees:
    per_session_cents: int
    max_per_series_cents: int


def fees(settings: Settings) -> Fees:
    """The fees of the settings (in euro there), in cents."""
    return Fees(settings.fee_per_session * 100, settings.fee_max_per_series * 100)


@dataclass(frozen=True)
class SeriesDraft:
    """A new series as the kwartiermaker described it."""

    title: str
    themes: list[str]
    place: str
    planned: int
    cohost_id: int | None = None


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


async def create_series(req: Request, draft: SeriesDraft) -> int:
    organiser, now = req.me, req.now
    if not access.is_organiser(req.role):
        raise access.AccessDenied("only a kwartiermaker hosts a series")
    async with req.db.tx() as conn:
        if draft.cohost_id is not None:
            cohost = await people.by_id(conn, draft.cohost_id)
            if cohost is None or cohost.role != Role.ORGANISER or cohost.id == organiser.id:
                raise access.AccessDenied("a co-host is another kwartiermaker")
        series_id = await store.insert_series(
            conn, organiser_id=organiser.id, cohost_id=draft.cohost_id,
            title=draft.title[:TITLE_MAX], themes=draft.themes, place=draft.place[:TITLE_MAX],
            planned=draft.planned, now=now)
        await audit.record(conn, now=now, actor_id=organiser.id, action="series.create",
                           subject=f"series:{series_id}")
    return series_id


async def my_series(req: Request) -> list[Series]:
    async with req.db.read() as conn:
        return await store.series_of(conn, req.me.id)


async def _own_series(conn, person: Person, series_id: int) -> Series:
    series = await store.series_by_id(conn, series_id)
    if series is None or person.id not in (series.organiser_id, series.cohost_id):
        raise access.AccessDenied("not your series")
    return series


async def same_day(req: Request, series_id: int, day: date) -> Session | None:
    async with req.db.read() as conn:
        await _own_series(conn, req.me, series_id)
        return next((s for s in await store.sessions_of(conn, series_id) if s.held_on == day),
                    None)


async def save_log(req: Request, *, series_id: int, fields: dict,
                   session_id: int | None = None) -> int:
    """Saves a new log, or corrects one (within 7 days). ``report_at`` is set the first time a
    report (words, voice or photo) is there."""
    person, now = req.me, req.now
    has_report = bool(fields.get("report_text") or fields.get("report_voice_id")
                      or fields.get("report_photo_id"))
    async with req.db.tx() as conn:
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


async def correctable(req: Request) -> list[tuple[Series, Session]]:
    found = []
    async with req.db.read() as conn:
        for series in await store.series_of(conn, req.me.id):
            for session in await store.sessions_of(conn, series.id):
                if datetime.fromisoformat(session.created_at) + timedelta(
                        days=CORRECTION_DAYS) >= req.now:
                    found.append((series, session))
    return found


async def session_for_correction(req: Request, session_id: int) -> tuple[Series, Session]:
    for series, session in await correctable(req):
        if session.id == session_id:
            return series, session
    raise TooLate()


async def statement(req: Request) -> list[SeriesMoney]:
    rates = fees(req.settings)
    async with req.db.read() as conn:
        return [await _money(conn, s, rates) for s in await store.series_of(conn, req.me.id)]


async def _money(conn, series: Series, rates: Fees) -> SeriesMoney:
    sessions = await store.sessions_of(conn, series.id)
    reported = sum(1 for s in sessions if s.has_report)
    return SeriesMoney(series, len(sessions), reported, earned(reported, rates),
                       await store.paid_cents(conn, series.id))


async def all_money(req: Request) -> list[tuple[SeriesMoney, str]]:
    if not access.is_trainer(req.role):
        raise access.AccessDenied("trainers only")
    rates = fees(req.settings)
    async with req.db.read() as conn:
        result = []
        for series in await store.all_series(conn):
            organiser = await people.by_id(conn, series.organiser_id)
            result.append((await _money(conn, series, rates),
                           organiser.display_name if organiser else "?"))
    return result


async def reports(req: Request, series_id: int, most: int = 10) -> tuple[Series, list[Session]]:
    """The newest sessions of a series that have a report (words, voice or photo), for a
    trainer to read, hear or see before paying."""
    if not access.is_trainer(req.role):
        raise access.AccessDenied("trainers only")
    async with req.db.read() as conn:
        series = await store.series_by_id(conn, series_id)
        if series is None:
            raise access.AccessDenied("no such series")
        found = [s for s in await store.sessions_of(conn, series_id) if s.has_report]
    return series, found[-most:]


async def mark_paid(req: Request, series_id: int) -> int:
    """Pays what is due on a series now; returns the amount (0 if nothing was due)."""
    trainer, now = req.me, req.now
    if not access.is_trainer(req.role):
        raise access.AccessDenied("trainers only")
    async with req.db.tx() as conn:
        series = await store.series_by_id(conn, series_id)
        if series is None:
            raise access.AccessDenied("no such series")
        due = (await _money(conn, series, fees(req.settings))).due_cents
        if due:
            await store.insert_payment(conn, series_id, due, trainer.id, now)
            await audit.record(conn, now=now, actor_id=trainer.id, action="payment.paid",
                               subject=f"series:{series_id}")
    return due
