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
from bot.services import notices, supporters
from bot.services.request import Request
from bot.storage import audit, outbox, people
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
    cohost_share: int = 0  # percent of the fee for the co-host: 0, 50 or 100


COHOST_SHARES = (0, 50, 100)


@dataclass(frozen=True)
class Part:
    """One host's part of a series' fee: the kwartiermaker's or the co-host's."""

    part: str  # host (the kwartiermaker), cohost
    person_id: int
    earned_cents: int
    paid_cents: int

    @property
    def due_cents(self) -> int:
        return max(self.earned_cents - self.paid_cents, 0)


@dataclass(frozen=True)
class SeriesMoney:
    series: Series
    logged: int
    with_report: int
    earned_cents: int
    parts: tuple[Part, ...]

    @property
    def paid_cents(self) -> int:
        return sum(p.paid_cents for p in self.parts)

    @property
    def due_cents(self) -> int:
        return sum(p.due_cents for p in self.parts)

    def part_of(self, person_id: int) -> Part | None:
        return next((p for p in self.parts if p.person_id == person_id), None)


def split(earned_cents: int, cohost_share: int) -> tuple[int, int]:
    """The kwartiermaker's and the co-host's part of a fee; an odd cent stays with the
    kwartiermaker."""
    cohost = earned_cents * cohost_share // 100
    return earned_cents - cohost, cohost


def parts(series: Series, earned_cents: int, paid: dict[str, int]) -> tuple[Part, ...]:
    """Who is paid what for a series. A co-host who left the programme (erased) has no part
    any more; the kwartiermaker's part stays what it was."""
    mine, theirs = split(earned_cents, series.cohost_share if series.cohost_id else 0)
    found = [Part("host", series.organiser_id, mine, paid.get("host", 0))]
    if series.cohost_id is not None and theirs:
        found.append(Part("cohost", series.cohost_id, theirs, paid.get("cohost", 0)))
    return tuple(found)


def earned(with_report: int, fees: Fees) -> int:
    return min(with_report * fees.per_session_cents, fees.max_per_series_cents)


def date_problem(day: date, today: date) -> str | None:
    """A session is logged after it was held: not tomorrow, not more than a year ago."""
    if day > today:
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
        share = draft.cohost_share if draft.cohost_id is not None else 0
        if share not in COHOST_SHARES:
            raise ValueError("a co-host gets none, half or all of the fee")
        series_id = await store.insert_series(
            conn, organiser_id=organiser.id, cohost_id=draft.cohost_id,
            title=draft.title[:TITLE_MAX], themes=draft.themes, place=draft.place[:TITLE_MAX],
            planned=draft.planned, now=now, cohost_share=share)
        if draft.cohost_id is not None and cohost.telegram_id is not None:  # told they are one
            series = await store.series_by_id(conn, series_id)
            await outbox.enqueue(
                conn, person_id=cohost.id, chat_id=cohost.telegram_id, kind="notice",
                ref=f"series:{series_id}:cohost", due_at=now, now=now, about=[organiser.id],
                payload=notices.cohost_told(req.translations.for_language(cohost.language),
                                            organiser.display_name, series.title,
                                            fee_to(series, organiser.id)))
        await audit.record(conn, now=now, actor_id=organiser.id, action="series.create",
                           subject=f"series:{series_id}")
    return series_id


async def my_series(req: Request) -> list[Series]:
    async with req.db.read() as conn:
        return await store.series_of(conn, req.me.id)


async def loggable_series(req: Request) -> list[Series]:
    """The series this person may log: their own, and those they support."""
    async with req.db.read() as conn:
        own = await store.series_of(conn, req.me.id)
        return own + [s for s in await store.supported_series(conn, req.me.id) if s not in own]


async def _own_series(conn, person: Person, series_id: int) -> Series:
    """A series the person hosts, or supports: both may write its logs."""
    series = await store.series_by_id(conn, series_id)
    if series is None:
        raise access.AccessDenied("no such series")
    if person.id not in (series.organiser_id, series.cohost_id) and \
            person.id not in await store.supporters(conn, series_id):
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
        series = await _own_series(conn, person, series_id)
        if session_id is None:
            fields = {**fields, "report_at": now.isoformat() if has_report else None}
            session_id = await store.insert_session(conn, series_id, fields, person.id, now)
            action = "session.log"
            if person.id not in (series.organiser_id, series.cohost_id):
                await supporters.tell_hosts(conn, req, series, fields["held_on"])
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
    """Logs of the last 7 days the person may correct: all of their own series, and the
    ones they wrote as a supporter."""
    found = []
    async with req.db.read() as conn:
        own = await store.series_of(conn, req.me.id)
        supported = [s for s in await store.supported_series(conn, req.me.id) if s not in own]
        for series in own + supported:
            for session in await store.sessions_of(conn, series.id):
                if series in supported and session.logged_by != req.me.id:
                    continue
                if datetime.fromisoformat(session.created_at) + timedelta(
                        days=CORRECTION_DAYS) >= req.now:
                    found.append((series, session))
    return found


async def session_for_correction(req: Request, session_id: int) -> tuple[Series, Session]:
    for series, session in await correctable(req):
        if session.id == session_id:
            return series, session
    raise TooLate()


@dataclass(frozen=True)
class Statement:
    """A host's view of one series: the whole of it, their own part, and the other host."""

    money: SeriesMoney
    mine: Part | None  # None: the co-host of a series whose fee all goes to the kwartiermaker
    partner: str | None  # the other host's name, if there is one
    fee_to: str  # me, partner or half


def fee_to(series: Series, me_id: int) -> str:
    """Who gets a series' fee, seen from one of its hosts."""
    if series.cohost_id is None or series.cohost_share == 0:
        holder = series.organiser_id
    elif series.cohost_share == 50:
        return "half"
    else:
        holder = series.cohost_id
    return "me" if holder == me_id else "partner"


async def statement(req: Request) -> list[Statement]:
    rates = fees(req.settings)
    found = []
    async with req.db.read() as conn:
        for series in await store.series_of(conn, req.me.id):
            other = series.cohost_id if series.organiser_id == req.me.id else series.organiser_id
            partner = await people.by_id(conn, other) if other else None
            money = await _money(conn, series, rates)
            found.append(Statement(money, money.part_of(req.me.id),
                                   partner.display_name if partner else None,
                                   fee_to(series, req.me.id)))
    return found


async def _money(conn, series: Series, rates: Fees) -> SeriesMoney:
    sessions = await store.sessions_of(conn, series.id)
    reported = sum(1 for s in sessions if s.has_report)
    total = earned(reported, rates)
    return SeriesMoney(series, len(sessions), reported, total,
                       parts(series, total, await store.paid_cents(conn, series.id)))


async def all_money(req: Request) -> list[tuple[SeriesMoney, dict[int, str]]]:
    """Every series' money, with the names of its hosts (a trainer pays them)."""
    if not access.is_trainer(req.role):
        raise access.AccessDenied("trainers only")
    rates = fees(req.settings)
    async with req.db.read() as conn:
        result = []
        for series in await store.all_series(conn):
            names = {}
            for person_id in (series.organiser_id, series.cohost_id):
                person = await people.by_id(conn, person_id) if person_id else None
                if person is not None:
                    names[person.id] = person.display_name
            result.append((await _money(conn, series, rates), names))
    return result


async def reports(req: Request, series_id: int, most: int = 10
                  ) -> tuple[Series, list[Session], dict[int, str]]:
    """The newest sessions of a series that have a report (words, voice or photo), for a
    trainer to read, hear or see before paying, and for the series' own hosts."""
    async with req.db.read() as conn:
        series = await store.series_by_id(conn, series_id)
        if series is None or not (access.is_trainer(req.role) or (
                access.is_organiser(req.role)
                and req.me.id in (series.organiser_id, series.cohost_id))):
            raise access.AccessDenied("not a trainer or host of this series")
        found = [s for s in await store.sessions_of(conn, series_id) if s.has_report][-most:]
        writers = {}
        for session in found:  # who wrote a log, when that was not one of the hosts
            if session.logged_by not in (None, series.organiser_id, series.cohost_id):
                writer = await people.by_id(conn, session.logged_by)
                writers[session.logged_by] = writer.display_name if writer else "?"
    return series, found, writers


async def mark_paid(req: Request, series_id: int) -> int:
    """Pays what is due on a series now; returns the amount (0 if nothing was due)."""
    trainer, now = req.me, req.now
    if not access.is_trainer(req.role):
        raise access.AccessDenied("trainers only")
    async with req.db.tx() as conn:
        series = await store.series_by_id(conn, series_id)
        if series is None:
            raise access.AccessDenied("no such series")
        money = await _money(conn, series, fees(req.settings))
        for part in money.parts:  # each host their own part
            if part.due_cents:
                await store.insert_payment(conn, series_id, part.due_cents, trainer.id, now,
                                           part=part.part)
        if money.due_cents:
            await audit.record(conn, now=now, actor_id=trainer.id, action="payment.paid",
                               subject=f"series:{series_id}")
    return money.due_cents
