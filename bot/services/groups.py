"""Group offers: one resident's offer for several neighbours at once (report §4.4.3: cooking
taught to a group; one resident's scooter serving all residents).

A kwartiermaker turns an open offer of their circle into a group activity with a number of
places, then invites residents of their circle with an open need of the same or a related
theme, at most as many as there are free places. Each invited resident is asked in their own
language, naming only the theme; the offerer is asked once, for the whole group. A
participant's first name goes to the offerer, and the offerer's to that participant, only
when both said yes; participants never learn each other's names. The kwartiermaker hears each
answer once. After ``follow_up_days`` each agreed participant is asked about their own need
and the offerer once about the group; the answers settle items as a one-to-one introduction's
do, and the offer stays open while places are free.

Every tap is re-checked here, in one transaction: only the circle's kwartiermaker makes groups
and invites, only the invited answer, withdrawn offers and needs take part in nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from bot import access
from bot.i18n import Translator
from bot.services import categories as grid
from bot.services import notices
from bot.services.request import Request
from bot.storage import audit, outbox, people
from bot.storage import groups as store
from bot.storage import items as item_store
from bot.storage.groups import Group, Seat
from bot.storage.items import Item
from bot.storage.people import Person
from bot.storage.sqlite import Connection

PLACES = tuple(range(2, 11))


class GroupGone(Exception):
    """The invitation or follow-up is no longer possible: the group was declined or ended, an
    item was withdrawn, the answer is not due, or someone erased their data."""


class GroupClosed(Exception):
    """The offer takes nobody now: withdrawn, full, or its group was declined or ended."""


class NotOnTelegram(access.AccessDenied):
    """The offerer was entered by phone and has not claimed their record yet."""


@dataclass(frozen=True)
class OfferChoice:
    """An offer of the circle that can take people: its owner's first name, its group (None
    while it is not a group yet) and the places still free."""

    offer: Item
    name: str
    group: Group | None
    free: int | None


@dataclass(frozen=True)
class Invited:
    group_id: int
    count: int
    asked_offerer: bool  # the offerer's one question went out now
    offerer: str


def themes(category: str) -> list[str]:
    """The offer's own theme first, then the related ones (as matching scores them)."""
    return [category, *sorted(c for pair in grid.RELATED if category in pair
                              for c in pair if c != category)]


# the kwartiermaker ---------------------------------------------------------------------------
async def _offer_in_circle(conn: Connection, organiser: Person, offer_id: int
                           ) -> tuple[Item, Person]:
    offer = await item_store.by_id(conn, offer_id)
    if offer is None or offer.kind != "offer":
        raise access.AccessDenied("no such offer")
    owner = await people.by_id(conn, offer.person_id)
    if owner is None or owner.invited_by != organiser.id or not access.is_resident(owner.role):
        raise access.AccessDenied("outside your circle")
    return offer, owner


async def offers(req: Request) -> list[OfferChoice]:
    """Open offers of the circle that can still take people."""
    async with req.db.read() as conn:
        rows = await store.circle_offers(conn, req.me.id)
    found = []
    for item, name, group, held in rows:
        if group is None:
            found.append(OfferChoice(item, name, None, None))
        elif group.status == "open" and group.places > held:
            found.append(OfferChoice(item, name, group, group.places - held))
    return found


async def offer(req: Request, offer_id: int) -> OfferChoice:
    """One offer of the circle, if it can take people (else ``GroupClosed``) and its owner can
    be asked (else ``NotOnTelegram``)."""
    async with req.db.read() as conn:
        item, owner = await _offer_in_circle(conn, req.me, offer_id)
        group = await store.by_offer(conn, item.id)
        held = await store.count(conn, group.id, store.HELD) if group else 0
    if item.status != "open" or (group is not None and (group.status != "open"
                                                        or held >= group.places)):
        raise GroupClosed()
    if owner.telegram_id is None:
        raise NotOnTelegram()
    return OfferChoice(item, owner.display_name, group,
                       group.places - held if group is not None else None)


async def candidates(req: Request, offer_id: int) -> list[tuple[Item, str]]:
    """Open needs of the same or a related theme in the circle, of residents who can be asked,
    not yet invited to this offer's group, with first names (the kwartiermaker's own view)."""
    async with req.db.read() as conn:
        item, owner = await _offer_in_circle(conn, req.me, offer_id)
        group = await store.by_offer(conn, item.id)
        return await store.needs_for(conn, req.me.id, group.id if group else None,
                                     themes(item.category), owner.id)


async def invite(req: Request, offer_id: int, places: int | None, need_ids: list[int]
                 ) -> Invited:
    """Makes the offer a group of ``places`` (when it is not one yet) and invites these needs'
    owners; the offerer is asked the first time only."""
    organiser, now = req.me, req.now
    need_ids = list(dict.fromkeys(need_ids))
    if not need_ids:
        raise access.AccessDenied("nobody to invite")
    async with req.db.tx() as conn:
        offer_item, offerer = await _offer_in_circle(conn, organiser, offer_id)
        if offer_item.status != "open":
            raise GroupClosed()
        if offerer.telegram_id is None:
            raise NotOnTelegram()
        group = await store.by_offer(conn, offer_item.id)
        if group is None:
            if places not in PLACES:
                raise access.AccessDenied("places")
            group_id = await store.create(conn, offer_id=offer_item.id,
                                          organiser_id=organiser.id, places=places, now=now)
            group = await store.by_id(conn, group_id)
            await audit.record(conn, now=now, actor_id=organiser.id, action="group.create",
                               subject=f"group:{group.id}")
        if group.status != "open":
            raise GroupClosed()
        if len(need_ids) > group.places - await store.count(conn, group.id, store.HELD):
            raise GroupClosed()
        allowed = {item.id: item for item, _ in await store.needs_for(
            conn, organiser.id, group.id, themes(offer_item.category), offerer.id)}
        if any(need_id not in allowed for need_id in need_ids):
            raise access.AccessDenied("not an open need of this theme in your circle")
        labels = await _labeller(conn, req)
        for need_id in need_ids:
            seat_id = await store.insert_seat(conn, group.id, need_id, now)
            person = await people.by_id(conn, allowed[need_id].person_id)
            t = req.translations.for_language(person.language)
            await outbox.enqueue(
                conn, person_id=person.id, chat_id=person.telegram_id, kind="introduction",
                ref=f"seat:{seat_id}", due_at=now, now=now,
                payload=notices.group_question(t, labels(t, offer_item.category), seat_id))
        asked = group.asked_at is None
        if asked:
            await store.set_group(conn, group.id, now, asked_at=now)
            t = req.translations.for_language(offerer.language)
            await outbox.enqueue(
                conn, person_id=offerer.id, chat_id=offerer.telegram_id, kind="introduction",
                ref=f"group:{group.id}", due_at=now, now=now,
                payload=notices.group_host_question(t, labels(t, offer_item.category),
                                                    group.id))
        await audit.record(conn, now=now, actor_id=organiser.id, action="group.invite",
                           subject=f"group:{group.id}")
    return Invited(group.id, len(need_ids), asked, offerer.display_name)


# the residents' answers ----------------------------------------------------------------------
async def answer_seat(req: Request, seat_id: int, yes: bool) -> str:
    """A participant's answer: 'recorded' (the offerer has not said yes yet), 'agreed' (names
    follow), 'declined' or 'already'."""
    person, now = req.me, req.now
    async with req.db.tx() as conn:
        seat = await store.seat_by_id(conn, seat_id)
        if seat is None:
            raise GroupGone()
        need = await item_store.by_id(conn, seat.need_id)
        if need.person_id != person.id:
            raise access.AccessDenied("not your invitation")
        if seat.answer is not None:
            return "already"
        group = await store.by_id(conn, seat.group_id)
        offer_item = await item_store.by_id(conn, group.offer_id)
        if group.status != "open" or offer_item.status != "open" or need.status != "open":
            raise GroupGone()
        await store.set_seat(conn, seat.id, now, answer="yes" if yes else "no",
                             **({} if yes else {"status": "declined"}))
        offerer = await people.by_id(conn, offer_item.person_id)
        await _tell_organiser(conn, req, group, [person.id, offerer.id],
                              lambda t, label: notices.group_seat_result(
                                  t, person.display_name, offerer.display_name, label, yes),
                              offer_item.category)
        if not yes:
            return "declined"
        if group.host_answer != "yes":
            return "recorded"
        await _join(conn, req, group, offer_item, offerer, [seat])
    return "agreed"


async def answer_host(req: Request, group_id: int, yes: bool) -> str:
    """The offerer's one answer for the group: 'agreed', 'declined' or 'already'. A yes
    introduces everyone who said yes before it."""
    person, now = req.me, req.now
    async with req.db.tx() as conn:
        group = await store.by_id(conn, group_id)
        if group is None:
            raise GroupGone()
        offer_item = await item_store.by_id(conn, group.offer_id)
        if offer_item.person_id != person.id:
            raise access.AccessDenied("not your group")
        if group.host_answer is not None:
            return "already"
        if group.status != "open" or offer_item.status != "open":
            raise GroupGone()
        await store.set_group(conn, group.id, now, host_answer="yes" if yes else "no",
                              **({} if yes else {"status": "declined"}))
        await _tell_organiser(conn, req, group, [person.id],
                              lambda t, label: notices.group_host_result(
                                  t, person.display_name, label, yes), offer_item.category)
        if not yes:
            return "declined"
        waiting = [s for s in await store.seats(conn, group.id)
                   if s.status == "invited" and s.answer == "yes"]
        await _join(conn, req, group, offer_item, person, waiting)
    return "agreed"


async def _join(conn: Connection, req: Request, group: Group, offer_item: Item,
                offerer: Person, seats: list[Seat]) -> None:
    """Both said yes: each participant gets the offerer's first name, the offerer theirs (in
    one message); nobody gets another participant's. The offerer's one follow-up is armed
    with the first one to join; the offer is taken when every place is."""
    now = req.now
    follow_up_at = now + timedelta(days=req.settings.follow_up_days)
    labels = await _labeller(conn, req)
    joined: list[Person] = []
    for seat in seats:
        need = await item_store.by_id(conn, seat.need_id)
        if not await item_store.move(conn, need.id, "matched", only_from=("open",), now=now):
            await store.set_seat(conn, seat.id, now, status="declined")  # withdrawn meanwhile
            continue
        await store.set_seat(conn, seat.id, now, status="agreed", follow_up_at=follow_up_at)
        participant = await people.by_id(conn, need.person_id)
        t = req.translations.for_language(participant.language)
        await outbox.enqueue(
            conn, person_id=participant.id, chat_id=participant.telegram_id,
            kind="introduction", ref=f"seat:{seat.id}", due_at=now, now=now,
            about=[offerer.id], payload=notices.introduction_contact(
                t, offerer.display_name, offerer.telegram_id, labels(t, offer_item.category)))
        joined.append(participant)
    if not joined:
        return
    t = req.translations.for_language(offerer.language)
    await outbox.enqueue(
        conn, person_id=offerer.id, chat_id=offerer.telegram_id, kind="introduction",
        ref=f"group:{group.id}", due_at=now, now=now, about=[p.id for p in joined],
        payload=notices.group_members(t, [(p.display_name, p.telegram_id) for p in joined],
                                      labels(t, offer_item.category)))
    if group.follow_up_at is None and group.followed_up_at is None:
        await store.set_group(conn, group.id, now, follow_up_at=follow_up_at)
    if await store.count(conn, group.id, store.TAKEN) >= group.places:
        await item_store.move(conn, offer_item.id, "matched", only_from=("open",), now=now)


# follow-ups ----------------------------------------------------------------------------------
async def send_follow_ups(req: Request) -> int:
    """Asks each agreed participant whose day came about their own need, and each group's
    offerer once about the group."""
    now = req.now
    queued = 0
    async with req.db.tx() as conn:
        labels = await _labeller(conn, req)
        for seat in await store.due_seats(conn, now):
            await store.set_seat(conn, seat.id, now, follow_up_at=None)
            need = await item_store.by_id(conn, seat.need_id)
            person = await people.by_id(conn, need.person_id)
            if person.telegram_id is None:
                continue
            t = req.translations.for_language(person.language)
            await outbox.enqueue(
                conn, person_id=person.id, chat_id=person.telegram_id, kind="follow_up",
                ref=f"seat:{seat.id}", due_at=now, now=now,
                payload=notices.group_follow_up_question(t, labels(t, need.category), seat.id))
            queued += 1
        for group in await store.due_groups(conn, now):
            await store.set_group(conn, group.id, now, follow_up_at=None, followed_up_at=now)
            offer_item = await item_store.by_id(conn, group.offer_id)
            person = await people.by_id(conn, offer_item.person_id)
            if person.telegram_id is None:
                continue
            t = req.translations.for_language(person.language)
            await outbox.enqueue(
                conn, person_id=person.id, chat_id=person.telegram_id, kind="follow_up",
                ref=f"group:{group.id}", due_at=now, now=now,
                payload=notices.group_host_follow_up(t, labels(t, offer_item.category),
                                                     group.id))
            queued += 1
    return queued


async def seat_follow_up(req: Request, seat_id: int, answer: int) -> bool:
    """A participant about their own need: 1 worked out (solved), 2 not yet, 3 did not work
    out (the need reopens, and the place is free again). False when it repeats the last
    answer; the kwartiermaker hears the first answer and the one that settles it."""
    person, now = req.me, req.now
    async with req.db.tx() as conn:
        seat = await store.seat_by_id(conn, seat_id)
        if seat is None:
            raise GroupGone()
        need = await item_store.by_id(conn, seat.need_id)
        if need.person_id != person.id:
            raise access.AccessDenied("not your group")
        if seat.status != "agreed" or seat.follow_up_at is not None:
            raise GroupGone()  # not asked yet, or already settled
        if seat.outcome == str(answer):
            return False
        await store.set_seat(conn, seat.id, now, outcome=str(answer))
        if answer == 2 and seat.outcome is not None:
            return True
        group = await store.by_id(conn, seat.group_id)
        if answer == 1:
            await store.set_seat(conn, seat.id, now, status="done")
            await item_store.move(conn, need.id, "solved", only_from=("matched",), now=now)
        elif answer == 3:
            full = await store.count(conn, group.id, store.TAKEN) >= group.places
            await store.set_seat(conn, seat.id, now, status="declined")
            await item_store.move(conn, need.id, "open", only_from=("matched",), now=now)
            if full:  # a place is free again: the offer is back in the circle
                await item_store.move(conn, group.offer_id, "open", only_from=("matched",),
                                      now=now)
        await _tell_organiser(conn, req, group, [person.id],
                              lambda t, label: notices.follow_up_report(
                                  t, person.display_name, label, answer), need.category)
    return True


async def host_follow_up(req: Request, group_id: int, answer: int) -> bool:
    """The offerer about the group: 1 worked out, 2 not yet, 3 did not work out (the group
    ends: participants not settled yet get their needs back, the offer reopens). Settled once;
    the kwartiermaker hears the first answer and the one that settles it."""
    person, now = req.me, req.now
    async with req.db.tx() as conn:
        group = await store.by_id(conn, group_id)
        if group is None:
            raise GroupGone()
        offer_item = await item_store.by_id(conn, group.offer_id)
        if offer_item.person_id != person.id:
            raise access.AccessDenied("not your group")
        if (group.followed_up_at is None or group.follow_up_at is not None
                or group.status != "open" or group.outcome in ("1", "3")):
            raise GroupGone()
        if group.outcome == str(answer):
            return False
        await store.set_group(conn, group.id, now, outcome=str(answer))
        if answer == 2 and group.outcome is not None:
            return True
        if answer == 3:
            await store.set_group(conn, group.id, now, status="ended")
            for seat in await store.seats(conn, group.id):
                if seat.status == "agreed":
                    await store.set_seat(conn, seat.id, now, status="declined",
                                         follow_up_at=None)
                    await item_store.move(conn, seat.need_id, "open", only_from=("matched",),
                                          now=now)
            await item_store.move(conn, offer_item.id, "open", only_from=("matched",), now=now)
        await _tell_organiser(conn, req, group, [person.id],
                              lambda t, label: notices.group_follow_up_report(
                                  t, person.display_name, label, answer), offer_item.category)
    return True


# helpers -------------------------------------------------------------------------------------
async def live_offer_ids(req: Request) -> set[int]:
    """Offers of the asking kwartiermaker's circle that are an open group activity."""
    async with req.db.read() as conn:
        return await store.live_offer_ids(conn, req.me.id)


async def is_live_group(conn: Connection, offer_id: int) -> bool:
    group = await store.by_offer(conn, offer_id)
    return group is not None and group.status == "open"


async def _labeller(conn: Connection, req: Request) -> Callable[[Translator, str], str]:
    categories = {c.code: c for c in await item_store.categories(conn)}

    def label(t: Translator, code: str) -> str:
        category = categories.get(code)
        return grid.label(t, category) if category else code
    return label


async def _tell_organiser(conn: Connection, req: Request, group: Group, about: list[int],
                          render: Callable[[Translator, str], dict[str, Any]],
                          category: str) -> None:
    """One notice to the group's kwartiermaker, in their language."""
    organiser = await people.by_id(conn, group.organiser_id) if group.organiser_id else None
    if organiser is None or organiser.telegram_id is None:
        return
    t = req.translations.for_language(organiser.language)
    labels = await _labeller(conn, req)
    await outbox.enqueue(
        conn, person_id=organiser.id, chat_id=organiser.telegram_id, kind="notice",
        ref=f"group:{group.id}", due_at=req.now, now=req.now, about=about,
        payload=render(t, labels(t, category)))

