"""Supporters: a kwartiermaker lets a trainer or another kwartiermaker write the logs of a
series for them (the report's "with or without the help of a supporter"). A supporter writes
and corrects logs; the money, the reports' rights and the series stay with its hosts. Each log
keeps who wrote it, and the hosts hear when someone else logged for them."""

from __future__ import annotations

from datetime import date

from bot import access
from bot.access import Role
from bot.services import notices
from bot.services.request import Request
from bot.storage import audit, outbox, people
from bot.storage import sessions as store
from bot.storage.people import Person
from bot.storage.sessions import Series
from bot.storage.sqlite import Connection


async def _hosted(conn, person: Person, series_id: int) -> Series:
    series = await store.series_by_id(conn, series_id)
    if series is None or person.id not in (series.organiser_id, series.cohost_id):
        raise access.AccessDenied("not a host of this series")
    return series


def _may_support(person: Person | None, series: Series) -> bool:
    return (person is not None and person.active and person.telegram_id is not None
            and person.role in (Role.TRAINER, Role.ORGANISER)
            and person.id not in (series.organiser_id, series.cohost_id))


async def candidates(req: Request, series_id: int) -> list[tuple[Person, bool]]:
    """Trainers and other kwartiermakers, each with whether they support this series now."""
    async with req.db.read() as conn:
        series = await _hosted(conn, req.me, series_id)
        current = set(await store.supporters(conn, series_id))
        everyone = await people.audience(conn, "everyone", None)
    return [(p, p.id in current) for p in everyone if _may_support(p, series)]


async def toggle(req: Request, series_id: int, person_id: int) -> tuple[Person, Series, bool]:
    """Adds the person as a supporter of the series, or removes them if they were one;
    a new supporter is told, in their language."""
    now = req.now
    async with req.db.tx() as conn:
        series = await _hosted(conn, req.me, series_id)
        person = await people.by_id(conn, person_id)
        if not _may_support(person, series):
            raise access.AccessDenied("not someone who can support")
        on = person_id not in await store.supporters(conn, series_id)
        await store.set_supporter(conn, series_id, person_id, on, now)
        if on:
            await outbox.enqueue(
                conn, person_id=person.id, chat_id=person.telegram_id, kind="notice",
                ref=f"series:{series_id}:supporter", due_at=now, now=now, about=[req.me.id],
                payload=notices.supporter_added(req.translations.for_language(person.language),
                                                req.me.display_name, series.title))
        await audit.record(conn, now=now, actor_id=req.me.id,
                           action="series.supporter.add" if on else "series.supporter.remove",
                           subject=f"series:{series_id}")
    return person, series, on


async def tell_hosts(conn: Connection, req: Request, series: Series, held_on: date) -> None:
    """When a supporter logged a session, its hosts hear it, each in their language."""
    for host_id in (series.organiser_id, series.cohost_id):
        host = await people.by_id(conn, host_id) if host_id else None
        if host is None or host.telegram_id is None:
            continue
        await outbox.enqueue(
            conn, person_id=host.id, chat_id=host.telegram_id, kind="notice",
            ref=f"series:{series.id}:logged", due_at=req.now, now=req.now, about=[req.me.id],
            payload=notices.logged_for_you(req.translations.for_language(host.language),
                                           req.me.display_name, series.title, held_on))
