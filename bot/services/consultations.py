"""Individual talks on request ("what am I running into?", report §3.7).

A resident or a kwartiermaker asks, with a few words or a voice note if they like; only
trainers read or hear it. Every trainer is told at once. A trainer proposes a time, by default
a coming date of the weekly consultation hour, or another day typed in; the requester accepts
or asks for another time, which goes back to that trainer. An agreed talk becomes an event of
kind ``consultation`` for just these two people, so the reminder job reminds both. Buttons
carry the request's id and the proposal's round: every answer is checked here again (who
asks, which request, whether that proposal is still the one waiting).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from bot import access
from bot import callbacks as cb
from bot.delivery.sending import text_payload
from bot.i18n import Translator
from bot.keyboards import role_label
from bot.services.calendar import DEFAULT_REMINDERS, Recurrence, occurrences, reminder_time
from bot.services.request import Request
from bot.storage import audit, outbox, people
from bot.storage import consultations as store
from bot.storage import events as event_store
from bot.storage.consultations import Consultation
from bot.storage.events import Event
from bot.storage.people import Person
from bot.storage.sqlite import Connection

__all__ = ["Consultation", "Person"]

TEXT_MAX = 500
TALK = timedelta(minutes=30)  # an individual talk, within the consultation hour
SLOT_DAYS, SLOTS = 28, 4  # the coming dates of the consultation hour a trainer is offered
MAX_AHEAD = timedelta(days=366)


class TalkGone(Exception):
    """The request or this proposal is no longer what the button showed: ``reason`` is
    withdrawn, agreed, answered (an older proposal, or one already answered), passed (the
    time is over), not_planned (no such date of the consultation hour) or gone."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class AlreadyAsked(Exception):
    """One request at a time: the person has one going (shown to them instead)."""


@dataclass(frozen=True)
class Slot:
    start: datetime
    end: datetime
    place: str


@dataclass(frozen=True)
class Talk:
    """A request with the people in it and, once agreed, its event."""

    request: Consultation
    requester: Person
    trainer: Person | None = None
    event: Event | None = None

    @property
    def start(self) -> datetime | None:
        return self.event.starts_at if self.event else self.request.proposed_start

    @property
    def end(self) -> datetime | None:
        return self.event.ends_at if self.event else self.request.proposed_end

    @property
    def place(self) -> str:
        return self.event.place if self.event else self.request.proposed_place


def _asker(role: str | None) -> None:
    if not (access.is_resident(role) or access.is_organiser(role)):
        raise access.AccessDenied("residents and kwartiermakers ask for a talk")


def _trainer(role: str | None) -> None:
    if not access.is_trainer(role):
        raise access.AccessDenied("trainers only")


async def _talk(conn: Connection, request: Consultation) -> Talk | None:
    requester = await people.by_id(conn, request.person_id)
    if requester is None:
        return None
    trainer = await people.by_id(conn, request.trainer_id) if request.trainer_id else None
    event = await event_store.by_id(conn, request.event_id) if request.event_id else None
    return Talk(request, requester, trainer, event)


def _going(talk: Talk, now: datetime) -> bool:
    """Still to be arranged, or agreed and not over (nor cancelled in /events)."""
    status, event = talk.request.status, talk.event
    if status in ("open", "proposed"):
        return True
    return status == "agreed" and event is not None and not event.cancelled_at \
        and event.ends_at > now


async def _mine(conn: Connection, req: Request) -> Talk | None:
    for request in await store.of_person(conn, req.me.id):
        talk = await _talk(conn, request)
        if talk is not None and _going(talk, req.now):
            return talk
    return None


async def _tell(conn: Connection, req: Request, person: Person | None, ref: str, render,
                about: tuple[int, ...]) -> None:
    """One message in the recipient's language; ``about`` whom it names (erasure blanks it)."""
    if person is None or person.telegram_id is None or not person.active:
        return
    t = req.translations.for_language(person.language)
    await outbox.enqueue(conn, person_id=person.id, chat_id=person.telegram_id, kind="notice",
                         ref=ref, payload=render(t), due_at=req.now, now=req.now, about=about)


# the requester -------------------------------------------------------------------------------
async def ask(req: Request, *, text: str = "", voice_id: str | None = None,
              voice_seconds: int | None = None) -> Talk:
    """Stores the request and tells every trainer at once, each in their own language."""
    _asker(req.role)
    me, now = req.me, req.now
    async with req.db.tx() as conn:
        if await _mine(conn, req) is not None:
            raise AlreadyAsked()
        request = await store.insert(conn, person_id=me.id, text=text[:TEXT_MAX],
                                     voice_file_id=voice_id, voice_seconds=voice_seconds,
                                     now=now)
        for trainer in await store.trainers(conn):
            if not access.is_trainer(access.effective_role(trainer, req.settings.admin_ids)):
                continue  # an admin no longer in SAMEN_ADMIN_IDS
            await _tell(conn, req, trainer, f"talk:{request.id}",
                        lambda t: request_notice(t, me, request), about=(me.id,))
        await audit.record(conn, now=now, actor_id=me.id, action="talk.ask",
                           subject=f"talk:{request.id}")
        return Talk(request, me)


async def mine(req: Request) -> Talk | None:
    """The person's request that is still going, if any."""
    async with req.db.read() as conn:
        return await _mine(conn, req)


async def _own(conn: Connection, req: Request, request_id: int) -> Consultation:
    request = await store.by_id(conn, request_id)
    if request is None:
        raise TalkGone("gone")
    if request.person_id != req.me.id:
        raise access.AccessDenied("not your request")
    return request


async def _proposal(conn: Connection, req: Request, request_id: int,
                    round_: int) -> Consultation:
    """The request, if it is the asker's and ``round_`` is the proposal still waiting."""
    request = await _own(conn, req, request_id)
    if request.status == "withdrawn" or (request.status == "agreed"
                                          and request.round == round_):
        raise TalkGone(request.status)
    if request.status != "proposed" or request.round != round_ or request.trainer_id is None:
        raise TalkGone("answered")
    return request


async def accept(req: Request, request_id: int, round_: int) -> Talk:
    """The requester agrees: the talk becomes an event for the two of them, with reminders
    planned for both, and the trainer is told."""
    me, now = req.me, req.now
    async with req.db.tx() as conn:
        request = await _proposal(conn, req, request_id, round_)
        start, end = request.proposed_start, request.proposed_end
        if start is None or end is None or start <= now:
            raise TalkGone("passed")
        trainer = await people.by_id(conn, request.trainer_id)
        if trainer is None or not await store.answer(conn, request.id, round_=round_,
                                                     status="agreed", now=now):
            raise TalkGone("answered")
        event = await event_store.insert(
            conn, kind="consultation", title=f"💬 {me.display_name}",
            place=request.proposed_place, starts_at=start, ends_at=end, weekly=False,
            audience="list", audience_ref=None, members=(me.id, trainer.id),
            reminders=DEFAULT_REMINDERS, created_by=trainer.id, now=now)
        for rule in event.reminders:
            at = reminder_time(rule, start, req.tz)
            if at > now:  # as events plan them: a moment already passed is not sent
                await event_store.plan_reminder(conn, event.id, start, at)
        await store.set_event(conn, request.id, event.id)
        await _tell(conn, req, trainer, f"talk:{request.id}",
                    lambda t: agreed_notice(t, me.display_name, start, end, event.place),
                    about=(me.id,))
        await audit.record(conn, now=now, actor_id=me.id, action="talk.agree",
                           subject=f"talk:{request.id}")
        return Talk(await store.by_id(conn, request.id), me, trainer, event)


async def decline(req: Request, request_id: int, round_: int) -> Talk:
    """"Another time": the request is open again and the trainer who proposed is asked."""
    me, now = req.me, req.now
    async with req.db.tx() as conn:
        request = await _proposal(conn, req, request_id, round_)
        if not await store.answer(conn, request.id, round_=round_, status="open", now=now):
            raise TalkGone("answered")
        trainer = await people.by_id(conn, request.trainer_id)
        await _tell(conn, req, trainer, f"talk:{request.id}",
                    lambda t: another_time_notice(t, me.display_name, request.id),
                    about=(me.id,))
        await audit.record(conn, now=now, actor_id=me.id, action="talk.decline",
                           subject=f"talk:{request.id}")
        return Talk(request, me, trainer)


async def withdraw(req: Request, request_id: int) -> bool:
    """The requester no longer needs the talk; an agreed one is taken off both agendas and
    its reminders. False when it was already withdrawn (a second tap)."""
    me, now = req.me, req.now
    async with req.db.tx() as conn:
        request = await _own(conn, req, request_id)
        if not await store.withdraw(conn, request.id, now):
            return False
        if request.event_id is not None:
            await event_store.cancel(conn, request.event_id, now)
        if request.status in ("proposed", "agreed") and request.trainer_id:
            trainer = await people.by_id(conn, request.trainer_id)
            await _tell(conn, req, trainer, f"talk:{request.id}",
                        lambda t: withdrawn_notice(t, me.display_name), about=(me.id,))
        await audit.record(conn, now=now, actor_id=me.id, action="talk.withdraw",
                           subject=f"talk:{request.id}")
    return True


# trainers --------------------------------------------------------------------------------------
async def requests(req: Request) -> list[Talk]:
    """Requests still to be arranged, and agreed talks still to come, oldest first."""
    _trainer(req.role)
    async with req.db.read() as conn:
        found = [await _talk(conn, r) for r in await store.active(conn)]
    return [t for t in found if t is not None and _going(t, req.now)]


async def to_propose(req: Request, request_id: int) -> Talk:
    """The request a trainer is about to propose a time for (open, or a proposal waiting:
    a new one replaces it)."""
    _trainer(req.role)
    async with req.db.read() as conn:
        request = await store.by_id(conn, request_id)
        talk = await _talk(conn, request) if request is not None else None
    if talk is None:
        raise TalkGone("gone")
    if request.status in ("withdrawn", "agreed"):
        raise TalkGone(request.status)
    return talk


async def voice(req: Request, request_id: int) -> str | None:
    """The requester's voice note, for a trainer to hear again."""
    _trainer(req.role)
    async with req.db.read() as conn:
        request = await store.by_id(conn, request_id)
    return request.voice_file_id if request is not None else None


async def _slots(conn: Connection, req: Request) -> list[Slot]:
    talks = await store.talk_event_ids(conn)
    found = []
    for event in await event_store.active(conn):
        if event.kind != "consultation" or event.id in talks:
            continue
        recurrence = Recurrence(event.starts_at, event.ends_at, weekly=event.weekly,
                                until=event.repeat_until,
                                skipped=await event_store.skipped_dates(conn, event.id))
        for occ in occurrences(recurrence, tz=req.tz, window_start=req.now + timedelta(
                minutes=1), window_end=req.now + timedelta(days=SLOT_DAYS)):
            found.append(Slot(occ.start, min(occ.end, occ.start + TALK), event.place))
    return sorted(found, key=lambda s: s.start)[:SLOTS]


async def slots(req: Request) -> list[Slot]:
    """The coming dates of the weekly consultation hour (any trainer's), soonest first."""
    async with req.db.read() as conn:
        return await _slots(conn, req)


async def propose(req: Request, request_id: int, start: datetime, *, at_slot: bool) -> Talk:
    """A trainer proposes a time: a date of the consultation hour (checked against the
    calendar again) or another moment within a year; the requester gets the proposal."""
    _trainer(req.role)
    trainer, now = req.me, req.now
    start = start.astimezone(UTC)
    async with req.db.tx() as conn:
        hours = await _slots(conn, req)
        if at_slot:
            slot = next((s for s in hours if s.start == start), None)
            if slot is None:
                raise TalkGone("not_planned")
        elif not now < start <= now + MAX_AHEAD:
            raise TalkGone("passed")
        else:
            slot = Slot(start, start + TALK, hours[0].place if hours else "")
        if not await store.propose(conn, request_id, trainer_id=trainer.id, start=slot.start,
                                   end=slot.end, place=slot.place, now=now):
            request = await store.by_id(conn, request_id)
            raise TalkGone(request.status if request is not None else "gone")
        request = await store.by_id(conn, request_id)
        talk = await _talk(conn, request)
        if talk is None:
            raise TalkGone("gone")
        await _tell(conn, req, talk.requester, f"talk:{request.id}",
                    lambda t: proposal_notice(t, trainer.display_name, request),
                    about=(trainer.id,))
        await audit.record(conn, now=now, actor_id=trainer.id, action="talk.propose",
                           subject=f"talk:{request.id}")
        return talk


# what people are told --------------------------------------------------------------------------
def when(t: Translator, start: datetime, end: datetime) -> str:
    return t.gettext("{start} to {end}").format(start=t.format_datetime(start, "full"),
                                                end=t.format_time(end))


def where(start: datetime, end: datetime, place: str, t: Translator) -> list[str]:
    return [f"🕒 {when(t, start, end)}", *([f"📍 {place}"] if place else [])]


def request_notice(t: Translator, requester: Person, request: Consultation) -> dict[str, Any]:
    """To every trainer: who asks, what about (their words or their voice), and the button."""
    lines = ["💬 " + t.gettext("{name} ({role}) asks for a talk.").format(
        name=requester.display_name, role=role_label(t, requester.role))]
    if request.text:
        lines.append(f"“{request.text}”")
    elif not request.voice_file_id:
        lines.append(t.gettext("They did not say what it is about."))
    lines.append(t.gettext("Only trainers see this."))
    buttons = [[["🗓 " + t.gettext("Propose a time"), cb.encode(cb.TALK, "pr", request.id)]]]
    if request.voice_file_id:
        return {"method": "send_voice", "voice": request.voice_file_id,
                "caption": "\n".join(lines), "buttons": buttons}
    return text_payload("\n".join(lines), buttons)


def proposal_notice(t: Translator, trainer: str, request: Consultation) -> dict[str, Any]:
    """To the requester: the time, and whether it suits them."""
    assert request.proposed_start is not None and request.proposed_end is not None
    lines = ["💬 " + t.gettext("{name} proposes a time for your talk:").format(name=trainer),
             *where(request.proposed_start, request.proposed_end, request.proposed_place, t),
             "", t.gettext("Does that suit you?")]
    return text_payload("\n".join(lines), answer_buttons(t, request))


def answer_buttons(t: Translator, request: Consultation) -> list[list[list[str]]]:
    return [[["✅ " + t.gettext("That suits me"),
              cb.encode(cb.TALK, "ok", request.id, request.round)]],
            [["🔁 " + t.gettext("Another time"),
              cb.encode(cb.TALK, "no", request.id, request.round)]]]


def agreed_notice(t: Translator, name: str, start: datetime, end: datetime,
                  place: str) -> dict[str, Any]:
    lines = ["✅ " + t.gettext("{name} agreed to the talk:").format(name=name),
             *where(start, end, place, t), t.gettext("You both get a reminder.")]
    return text_payload("\n".join(lines))


def another_time_notice(t: Translator, name: str, request_id: int) -> dict[str, Any]:
    return text_payload("🔁 " + t.gettext("{name} would like another time for the talk.").format(
        name=name), [[["🗓 " + t.gettext("Propose another time"),
                       cb.encode(cb.TALK, "pr", request_id)]]])


def withdrawn_notice(t: Translator, name: str) -> dict[str, Any]:
    return text_payload("✖️ " + t.gettext("{name} no longer needs the talk.").format(name=name))
