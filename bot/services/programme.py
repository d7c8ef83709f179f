"""The programme around the table sessions: vouchers, the private logbook, the overview (the
report's Table 1, with each kwartiermaker's recorded stage: ``progression``) and the notice
when a series has gone quiet."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from bot import access
from bot.access import Role
from bot.services import notices, progression
from bot.services.request import Request
from bot.services.sessions import _money, fees
from bot.storage import audit, outbox, people
from bot.storage import rounds as round_store
from bot.storage import sessions as store
from bot.storage.sessions import Voucher

PURPOSE_MAX = 300


class VoucherRefused(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        # too_much; none_left (the cap, of the programme or of the round: none_left_round);
        # one_each / one_per_round (a voucher that counts already); already_decided
        self.reason = reason


def _trainer(role: str | None) -> None:
    if not access.is_trainer(role):
        raise access.AccessDenied("trainers only")


def _cap_reason(round_id: int | None) -> str:
    return "none_left" if round_id is None else "none_left_round"


async def request_voucher(req: Request, *, amount_cents: int, purpose: str,
                          series_id: int | None) -> int:
    """Up to ``voucher_max`` euro, while fewer than ``voucher_count`` were granted (settings)
    in the kwartiermaker's round, and one per kwartiermaker per round (a rejected one does
    not count). A kwartiermaker in no round: the vouchers without a round are one pool."""
    organiser, now = req.me, req.now
    if not access.is_organiser(req.role):
        raise access.AccessDenied("kwartiermakers only")
    if not 0 < amount_cents <= req.settings.voucher_max * 100:
        raise VoucherRefused("too_much")
    async with req.db.tx() as conn:
        if series_id is not None:
            series = await store.series_by_id(conn, series_id)
            if series is None or organiser.id not in (series.organiser_id, series.cohost_id):
                raise access.AccessDenied("not your series")
        me = await people.by_id(conn, organiser.id)
        round_id = me.round_id if me is not None else None  # the voucher's round
        if await store.granted_count(conn, round_id) >= req.settings.voucher_count:
            raise VoucherRefused(_cap_reason(round_id))
        if await store.has_voucher(conn, organiser.id, round_id):
            raise VoucherRefused("one_each" if round_id is None else "one_per_round")
        voucher_id = await store.insert_voucher(conn, organiser_id=organiser.id,
                                                series_id=series_id, amount_cents=amount_cents,
                                                purpose=purpose[:PURPOSE_MAX], now=now,
                                                round_id=round_id)
        for trainer in await people.trainers(conn):  # they decide it: they hear of it
            if access.is_trainer(access.effective_role(trainer, req.settings.admin_ids)):
                await outbox.enqueue(
                    conn, person_id=trainer.id, chat_id=trainer.telegram_id, kind="notice",
                    ref=f"voucher:{voucher_id}:asked", due_at=now, now=now,
                    about=[organiser.id], payload=notices.voucher_requested(
                        req.translations.for_language(trainer.language),
                        organiser.display_name, amount_cents, purpose[:PURPOSE_MAX]))
        await audit.record(conn, now=now, actor_id=organiser.id, action="voucher.request",
                           subject=f"voucher:{voucher_id}")
    return voucher_id


async def my_vouchers(req: Request) -> list[Voucher]:
    async with req.db.read() as conn:
        return await store.vouchers(conn, req.me.id)


async def all_vouchers(req: Request) -> list[tuple[Voucher, str, str]]:
    """Every voucher with its kwartiermaker's name and its round's name ("" for none)."""
    _trainer(req.role)
    async with req.db.read() as conn:
        result = []
        names = {r.id: r.name for r in await round_store.every(conn)}
        for voucher in await store.vouchers(conn):
            organiser = await people.by_id(conn, voucher.organiser_id)
            result.append((voucher, organiser.display_name if organiser else "?",
                           names.get(voucher.round_id, "")))
    return result


async def decide_voucher(req: Request, voucher_id: int, *, status: str,
                         reason: str | None = None, render=None) -> Voucher:
    """approved/rejected (from requested) or paid (from approved); the organiser is told."""
    trainer, now = req.me, req.now
    _trainer(req.role)
    from_status = {"approved": "requested", "rejected": "requested", "paid": "approved"}[status]
    async with req.db.tx() as conn:
        voucher = await store.voucher_by_id(conn, voucher_id)
        if voucher is None:
            raise access.AccessDenied("no such voucher")
        if voucher.status != from_status:
            raise VoucherRefused("already_decided")
        if status == "approved" and await store.granted_count(
                conn, voucher.round_id) >= req.settings.voucher_count:
            raise VoucherRefused(_cap_reason(voucher.round_id))
        await store.set_voucher(conn, voucher_id, status=status, from_status=from_status,
                                by=trainer.id, now=now, reason=reason)
        organiser = await people.by_id(conn, voucher.organiser_id)
        if render is not None and organiser is not None and organiser.telegram_id is not None:
            t = req.translations.for_language(organiser.language)
            await outbox.enqueue(conn, person_id=organiser.id, chat_id=organiser.telegram_id,
                                 kind="notice", ref=f"voucher:{voucher_id}", due_at=now,
                                 now=now, payload=render(t, voucher, status, reason))
        await audit.record(conn, now=now, actor_id=trainer.id, action=f"voucher.{status}",
                           subject=f"voucher:{voucher_id}")
        return await store.voucher_by_id(conn, voucher_id)


async def add_to_logbook(req: Request, *, text: str = "", voice_id: str | None = None,
                         voice_seconds: int | None = None) -> None:
    if not access.is_organiser(req.role):
        raise access.AccessDenied("kwartiermakers only")
    async with req.db.tx() as conn:
        await store.add_logbook(conn, req.me.id, text[:2000], voice_id, voice_seconds, req.now)


async def logbook(req: Request) -> list[dict]:
    async with req.db.read() as conn:
        return await store.logbook(conn, req.me.id)


@dataclass(frozen=True)
class OverviewRow:
    """One line of the report's Table 1: a series (or a kwartiermaker without one)."""

    organiser: str
    stage: str  # in_training, apprentice, journeyman, master
    series: str
    themes: tuple[str, ...]
    planned: int
    logged: int
    with_report: int
    reached: int
    needs: int
    offers: int
    matches: int
    remaining: int
    voucher: str  # status of the latest voucher, or ""
    due_cents: int


async def overview(req: Request, scope: int | None = None) -> list[OverviewRow]:
    """The rows of every kwartiermaker (``scope`` None), of one round (its id) or of those in
    no round (0)."""
    _trainer(req.role)
    rates = fees(req.settings)
    rows = []
    async with req.db.read() as conn:
        stages = await progression.recorded_stages(conn)
        vouchers = await store.vouchers(conn)
        for organiser in await people.audience(conn, "organisers", None):
            if scope is not None and (organiser.round_id or 0) != scope:
                continue
            own = [s for s in await store.all_series(conn) if s.organiser_id == organiser.id]
            money = [await _money(conn, s, rates) for s in own]
            stage = stages.get(organiser.id, "in_training")  # recorded, never computed
            latest = [v for v in vouchers if v.organiser_id == organiser.id
                      and (scope is None or (v.round_id or 0) == scope)]  # this round's
            voucher = latest[-1].status if latest else ""
            if not own:
                rows.append(OverviewRow(organiser.display_name, stage, "", (), 0, 0, 0, 0, 0, 0,
                                        0, 0, voucher, 0))
            for m in money:
                logs = await store.sessions_of(conn, m.series.id)
                rows.append(OverviewRow(
                    organiser.display_name, stage, m.series.title, m.series.themes,
                    m.series.planned, m.logged, m.with_report, sum(s.attendance for s in logs),
                    sum(sum(s.needs.values()) for s in logs),
                    sum(sum(s.offers.values()) for s in logs),
                    sum(s.matches_in_room for s in logs),
                    sum(1 for s in logs if s.remaining), voucher, m.due_cents))
    return rows


async def notice_quiet_series(req: Request, render) -> int:
    """Tells the trainers, once per quiet spell, about series with no session for
    ``series_quiet_days`` (settings)."""
    now, quiet_days = req.now, req.settings.series_quiet_days
    told = 0
    async with req.db.tx() as conn:
        trainers = [p for p in await people.audience(conn, "everyone", None)
                    if p.role == Role.TRAINER]
        for series in await store.all_series(conn):
            logs = await store.sessions_of(conn, series.id)
            last = max((datetime.fromisoformat(s.created_at) for s in logs),
                       default=datetime.fromisoformat(series.created_at))
            if now - last < timedelta(days=quiet_days):
                continue
            if series.quiet_noticed_at and datetime.fromisoformat(series.quiet_noticed_at) > last:
                continue
            organiser = await people.by_id(conn, series.organiser_id)
            for trainer in trainers:
                t = req.translations.for_language(trainer.language)
                await outbox.enqueue(conn, person_id=trainer.id, chat_id=trainer.telegram_id,
                                     kind="notice", ref=f"quiet:{series.id}", due_at=now, now=now,
                                     about=[organiser.id if organiser else None],
                                     payload=render(t, organiser.display_name if organiser
                                                    else "?", series.title,
                                                    (now - last).days))
            await store.set_quiet_noticed(conn, series.id, now)
            told += 1
    return told
