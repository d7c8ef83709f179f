"""From a suggested pair to two neighbours in touch: introduce, both agree, follow up.

Nothing about one resident reaches the other until both said yes: the question each gets
names only the category. A double tap changes nothing twice (a unique pair, answers stored
once); an answer after the other side used /forget finds no match and says so.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot import access
from bot.services import categories as grid
from bot.services import groups, matching, notices
from bot.services.categories import Category
from bot.services.matching import Candidate, Seen, Suggestion
from bot.services.request import Request
from bot.storage import audit, outbox, people
from bot.storage import groups as group_store
from bot.storage import items as item_store
from bot.storage import matches as store
from bot.storage.items import Item
from bot.storage.people import Person
from bot.storage.sqlite import Connection


class MatchGone(Exception):
    """The match no longer exists (one side erased their data)."""


@dataclass(frozen=True)
class Pair:
    need: Item
    offer: Item
    need_person: Person
    offer_person: Person


def _candidates(rows: list[tuple]) -> list[Candidate]:
    return [Candidate(r[0], r[1], r[2], r[3], datetime.fromisoformat(r[4])) for r in rows]


# A first, cheap pass: the newest needs against the newest offers of each category. Only
# when it finds fewer than ``limit`` pairs is the whole circle loaded.
FIRST_NEEDS, FIRST_OFFERS_PER_CATEGORY = 150, 40


async def suggestions(req: Request, limit: int = 5) -> list[Suggestion]:
    organiser, now = req.me, req.now
    async with req.db.read() as conn:
        open_matches = await store.open_per_giver(conn, organiser.id)
        known = await store.known_pairs(conn, organiser.id)
        needs = _candidates(await store.open_candidates(conn, organiser.id, "need",
                                                        newest=FIRST_NEEDS))
        codes = [c.code for c in await item_store.categories(conn)]
        offers = _candidates(await store.newest_offers_per_category(
            conn, organiser.id, codes, FIRST_OFFERS_PER_CATEGORY))
        in_groups = await group_store.live_offer_ids(conn, organiser.id)
    offers = [o for o in offers if o.item_id not in in_groups]  # invited to as a group
    seen = Seen(open_matches, known)
    found = matching.suggest(needs, offers, now=now, seen=seen, limit=limit)
    if len(found) >= limit:
        return found
    async with req.db.read() as conn:
        needs = _candidates(await store.open_candidates(conn, organiser.id, "need"))
        offers = [o for o in _candidates(await store.open_candidates(conn, organiser.id, "offer"))
                  if o.item_id not in in_groups]
    return matching.suggest(needs, offers, now=now, seen=seen, limit=limit)


async def _pair(conn: Connection, organiser: Person, need_id: int, offer_id: int
                ) -> Pair:
    need, offer = await item_store.by_id(conn, need_id), await item_store.by_id(conn, offer_id)
    if need is None or offer is None or need.kind != "need" or offer.kind != "offer":
        raise access.AccessDenied("no such pair")
    need_person = await people.by_id(conn, need.person_id)
    offer_person = await people.by_id(conn, offer.person_id)
    for person in (need_person, offer_person):
        if person is None or person.invited_by != organiser.id:
            raise access.AccessDenied("outside your circle")
    if need.person_id == offer.person_id:
        raise access.AccessDenied("one person")
    return Pair(need, offer, need_person, offer_person)


def _label(req: Request, language: str, categories: dict[str, Category], code: str) -> str:
    category = categories.get(code)
    return grid.label(req.translations.for_language(language), category) if category else code


async def introduce(req: Request, need_id: int, offer_id: int) -> bool:
    """Asks both residents, each in their own language; False if this pair was done before."""
    organiser, now = req.me, req.now
    async with req.db.tx() as conn:
        pair = await _pair(conn, organiser, need_id, offer_id)
        if pair.need_person.telegram_id is None or pair.offer_person.telegram_id is None:
            raise NotOnTelegram()
        if await groups.is_live_group(conn, offer_id):
            raise groups.GroupClosed()  # a group activity now: people are invited to it
        match_id = await store.insert(conn, need_id=need_id, offer_id=offer_id,
                                      status="introduced", organiser_id=organiser.id, now=now)
        if match_id is None:
            return False
        categories = {c.code: c for c in await item_store.categories(conn)}
        for side, person in (("need", pair.need_person), ("offer", pair.offer_person)):
            label = _label(req, person.language, categories, pair.need.category)
            await outbox.enqueue(
                conn, person_id=person.id, chat_id=person.telegram_id, kind="introduction",
                ref=f"match:{match_id}", due_at=now, now=now,
                payload=notices.introduction_question(
                    req.translations.for_language(person.language), side, label, match_id))
        await audit.record(conn, now=now, actor_id=organiser.id, action="match.introduce",
                           subject=f"match:{match_id}")
    return True


class NotOnTelegram(access.AccessDenied):
    """One of the two was entered by phone and has not claimed their record yet."""


async def settle(req: Request, need_id: int, offer_id: int, status: str) -> bool:
    """Dismiss a suggestion, or record that they arranged it in person (status 'done')."""
    organiser, now = req.me, req.now
    if status not in ("dismissed", "done"):
        raise ValueError(status)
    async with req.db.tx() as conn:
        await _pair(conn, organiser, need_id, offer_id)
        match_id = await store.insert(conn, need_id=need_id, offer_id=offer_id, status=status,
                                      organiser_id=organiser.id, now=now)
        if match_id is None:
            return False
        if status == "done":
            for item_id in (need_id, offer_id):
                await item_store.set_status(conn, item_id, "matched", now)
    return True


async def answer(req: Request, match_id: int, yes: bool) -> str:
    """Records one side's answer; returns 'recorded', 'agreed', 'declined' or 'already'.
    When both agreed, they are asked how it went after ``follow_up_days`` (settings)."""
    person, now = req.me, req.now
    async with req.db.tx() as conn:
        match = await store.by_id(conn, match_id)
        if match is None:
            raise MatchGone()
        need = await item_store.by_id(conn, match.need_id)
        offer = await item_store.by_id(conn, match.offer_id)
        side = "need" if need.person_id == person.id else (
            "offer" if offer.person_id == person.id else None)
        if side is None:
            raise access.AccessDenied("not your introduction")
        current = match.need_answer if side == "need" else match.offer_answer
        if current is not None or match.status != "introduced":
            return "already"
        given = "yes" if yes else "no"
        await store.set_answer(conn, match_id, side, given, now)
        other_answer = match.offer_answer if side == "need" else match.need_answer
        if not yes:
            await store.set_status(conn, match_id, "declined", person.id, now)
            await _tell_organiser(conn, req, match, (need, offer), agreed=False)
            return "declined"
        if other_answer != "yes":
            return "recorded"
        await store.set_status(conn, match_id, "agreed", person.id, now,
                               follow_up_at=now + timedelta(days=req.settings.follow_up_days))
        for item_id in (need.id, offer.id):
            await item_store.set_status(conn, item_id, "matched", now)
        need_person = await people.by_id(conn, need.person_id)
        offer_person = await people.by_id(conn, offer.person_id)
        categories = {c.code: c for c in await item_store.categories(conn)}
        for receiver, other in ((need_person, offer_person), (offer_person, need_person)):
            label = _label(req, receiver.language, categories, need.category)
            await outbox.enqueue(
                conn, person_id=receiver.id, chat_id=receiver.telegram_id, kind="introduction",
                ref=f"match:{match_id}", due_at=now, now=now, about=[other.id],
                payload=notices.introduction_contact(
                    req.translations.for_language(receiver.language), other.display_name,
                    other.telegram_id, label))
        await _tell_organiser(conn, req, match, (need, offer), agreed=True)
    return "agreed"


async def _tell_organiser(conn: Connection, req: Request, match,
                          items: tuple[Item, Item], *, agreed: bool) -> None:
    need, offer = items
    now = req.now
    organiser = await people.by_id(conn, match.organiser_id) if match.organiser_id else None
    if organiser is None or organiser.telegram_id is None:
        return
    need_person = await people.by_id(conn, need.person_id)
    offer_person = await people.by_id(conn, offer.person_id)
    categories = {c.code: c for c in await item_store.categories(conn)}
    label = _label(req, organiser.language, categories, need.category)
    await outbox.enqueue(
        conn, person_id=organiser.id, chat_id=organiser.telegram_id, kind="notice",
        ref=f"match:{match.id}", due_at=now, now=now,
        about=[need_person.id, offer_person.id],
        payload=notices.introduction_result(req.translations.for_language(organiser.language),
                                            need_person.display_name, offer_person.display_name,
                                            label, agreed))


async def send_follow_ups(req: Request) -> int:
    """Asks both sides of every agreed match whose follow-up day came: did it work out?"""
    now = req.now
    queued = 0
    async with req.db.tx() as conn:
        categories = {c.code: c for c in await item_store.categories(conn)}
        for match in await store.due_follow_ups(conn, now):
            await store.clear_follow_up(conn, match.id)
            need = await item_store.by_id(conn, match.need_id)
            offer = await item_store.by_id(conn, match.offer_id)
            for item in (need, offer):
                person = await people.by_id(conn, item.person_id)
                if person is None or person.telegram_id is None:
                    continue
                label = _label(req, person.language, categories, need.category)
                await outbox.enqueue(
                    conn, person_id=person.id, chat_id=person.telegram_id, kind="follow_up",
                    ref=f"match:{match.id}", due_at=now, now=now,
                    payload=notices.follow_up_question(
                        req.translations.for_language(person.language), label, match.id))
                queued += 1
    return queued + await groups.send_follow_ups(req)  # group activities' follow-ups


async def follow_up_answer(req: Request, match_id: int, answer: int) -> bool:
    """1 worked out (the need is solved), 2 not yet, 3 did not work out (the need reopens).
    False when it repeats the last answer given ("not yet" tapped again).

    The kwartiermaker hears the first answer to a follow-up, and the one that settles it (1
    or 3) if a "not yet" came first: at most two notices per follow-up, whoever taps what and
    how often. Later "not yet" taps, of either side, are stored and tell nobody."""
    person, now = req.me, req.now
    mine = f"{person.id}:{answer}"
    async with req.db.tx() as conn:
        match = await store.by_id(conn, match_id)
        if match is None:
            raise MatchGone()
        need = await item_store.by_id(conn, match.need_id)
        offer = await item_store.by_id(conn, match.offer_id)
        if person.id not in (need.person_id, offer.person_id):
            raise access.AccessDenied("not your introduction")
        if match.status != "agreed" or match.follow_up_at is not None:
            raise MatchGone()  # not asked yet, or already settled: nothing is due
        if match.outcome == mine:
            return False  # "not yet" tapped again
        await store.set_outcome(conn, match_id, mine, now)
        if answer == 2 and match.outcome is not None:
            return True  # "not yet" was reported already
        if answer == 1:
            await store.set_status(conn, match_id, "done", person.id, now)
            await item_store.move(conn, need.id, "solved", only_from=("matched",), now=now)
        elif answer == 3:
            await store.set_status(conn, match_id, "declined", person.id, now)
            for item in (need, offer):  # back in the circle, unless withdrawn meanwhile
                await item_store.move(conn, item.id, "open", only_from=("matched",), now=now)
        organiser = await people.by_id(conn, match.organiser_id) if match.organiser_id else None
        if organiser is not None and organiser.telegram_id is not None:
            categories = {c.code: c for c in await item_store.categories(conn)}
            label = _label(req, organiser.language, categories, need.category)
            await outbox.enqueue(
                conn, person_id=organiser.id, chat_id=organiser.telegram_id, kind="notice",
                ref=f"match:{match_id}", due_at=now, now=now, about=[person.id],
                payload=notices.follow_up_report(
                    req.translations.for_language(organiser.language), person.display_name,
                    label, answer))
    return True


async def send_digests(req: Request) -> int:
    """One message per kwartiermaker with what is new in their circle since the last one."""
    now = req.now
    sent = 0
    async with req.db.tx() as conn:
        organisers = await people.audience(conn, "organisers", None)
        categories = {c.code: c for c in await item_store.categories(conn)}
        default = (now - timedelta(days=1)).isoformat()
        for organiser in organisers:
            since = await item_store.digest_since(conn, organiser.id, default)
            new = await item_store.new_in_circle(conn, organiser.id, since)
            await item_store.set_digest(conn, organiser.id, now)
            if not new or organiser.telegram_id is None:
                continue
            t = req.translations.for_language(organiser.language)
            labels = {code: grid.label(t, c) for code, c in categories.items()}
            needs = Counter(cat for kind, cat in new if kind == "need")
            offers = Counter(cat for kind, cat in new if kind == "offer")
            await outbox.enqueue(conn, person_id=organiser.id, chat_id=organiser.telegram_id,
                                 kind="digest", ref=f"digest:{organiser.id}", due_at=now,
                                 now=now, payload=notices.digest(t, needs, offers, labels))
            sent += 1
    return sent
