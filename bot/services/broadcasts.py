"""Broadcasts: one message to a group, each person in their own language where a text for it
was given, queued in one transaction and reported on as the outbox drains."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from bot import access
from bot.delivery.sending import text_payload
from bot.keyboards import role_label
from bot.services import audiences
from bot.services.audiences import Audience
from bot.services.request import Request
from bot.storage import audit, outbox
from bot.storage import broadcasts as store
from bot.storage import replies as reply_store
from bot.storage.people import Person

TEXT_MAX = 3900  # room left for the line that says who sent it
CAPTION_MAX = 900


@dataclass
class Message:
    """What the trainer wrote: text, or a photo or voice message (Telegram file id) + caption."""

    kind: str  # text, photo, voice
    text: str = ""
    file_id: str | None = None
    per_language: dict[str, str] = field(default_factory=dict)

    def payload(self, language: str, sender: str = "") -> dict[str, Any]:
        """What one recipient gets: the text in their language (or the one the trainer wrote),
        under ``sender``, the line that says who it comes from."""
        text = self.per_language.get(language, self.text)
        text = "\n\n".join(part for part in (sender, text) if part)
        if self.kind == "photo":
            return {"method": "send_photo", "photo": self.file_id, "caption": text or None}
        if self.kind == "voice":
            return {"method": "send_voice", "voice": self.file_id, "caption": text or None}
        return text_payload(text)


@dataclass(frozen=True)
class Progress:
    done: int
    total: int
    counts: dict[str, int]

    @property
    def finished(self) -> bool:
        """Nothing waits any more (rows of people who used /forget meanwhile are gone)."""
        return not (self.counts.get("pending") or self.counts.get("sending"))


async def _recipients(conn, sender: Person, role: str | None, audience: Audience
                      ) -> list[Person]:
    if not access.allowed(role, access.Action.BROADCAST):
        raise access.AccessDenied("broadcast not allowed")
    await audiences._check(conn, role, sender, audience)
    return [p for p in await audiences._members(conn, audience, sender.id) if p.id != sender.id]


async def reach(req: Request, audience: Audience) -> Counter[str]:
    """How many people the audience reaches, per language (shown before sending)."""
    async with req.db.read() as conn:
        people = await _recipients(conn, req.me, req.role, audience)
    return Counter(p.language for p in people)


async def send(req: Request, audience: Audience, message: Message, *,
               status_chat_id: int) -> tuple[int, int]:
    """Queues the broadcast for everyone in the audience; returns (broadcast id, total)."""
    sender, now = req.me, req.now
    async with req.db.tx() as conn:
        people = await _recipients(conn, sender, req.role, audience)
        broadcast_id = await store.insert(conn, created_by=sender.id, audience=audience.kind,
                                          total=len(people), status_chat_id=status_chat_id,
                                          now=now)
        for person in people:
            t = req.translations.for_language(person.language)
            sender_line = t.gettext("📣 From {name} ({role}):").format(
                name=sender.display_name, role=role_label(t, req.role))
            await outbox.enqueue(conn, person_id=person.id, chat_id=person.telegram_id,
                                 kind="broadcast", ref=f"broadcast:{broadcast_id}",
                                 payload=message.payload(person.language, sender_line),
                                 due_at=now, now=now)
        await audit.record(conn, now=now, actor_id=sender.id, action="broadcast.send",
                           subject=f"broadcast:{broadcast_id}")
    return broadcast_id, len(people)


async def unfinished(req: Request) -> list[store.Broadcast]:
    async with req.db.read() as conn:
        return await store.sending(conn)


def status_ref(broadcast_id: int) -> str:
    return f"broadcast:{broadcast_id}:status"


async def status_message(req: Request, broadcast: store.Broadcast) -> int | None:
    """The id of the message that shows a broadcast's progress: None while the first one is not
    sent yet, 0 when it never arrived or its id was lost (then a fresh one is needed)."""
    if broadcast.status_message_id:
        return broadcast.status_message_id
    async with req.db.read() as conn:
        found = await reply_store.sent_ref(conn, status_ref(broadcast.id))
    if found is None:
        return None
    status, message_id = found
    return message_id if status == "sent" and message_id else 0


async def set_status_message(req: Request, broadcast_id: int, message_id: int) -> None:
    async with req.db.tx() as conn:
        await store.set_status_message(conn, broadcast_id, message_id)


async def mark_done(req: Request, broadcast_id: int) -> bool:
    async with req.db.tx() as conn:
        return await store.finish(conn, broadcast_id, req.now)


async def progress(req: Request, broadcast_id: int, total: int) -> Progress:
    async with req.db.read() as conn:
        counts = await outbox.counts_by_ref(conn, f"broadcast:{broadcast_id}")
    done = sum(n for status, n in counts.items() if status in outbox.FINAL)
    return Progress(done=done, total=total, counts=counts)


@dataclass(frozen=True)
class Trouble:
    """Who did not get a broadcast, for its sender only: blocked the bot, or unknown."""

    blocked: list[str]
    unknown: list[str]
    again: int  # copies that provably never left, which can be sent again
    residents_blocked: int = 0  # residents are counted, not named
    residents_unknown: int = 0


async def trouble(req: Request, broadcast_id: int, counts: dict[str, int]) -> Trouble:
    ref = f"broadcast:{broadcast_id}"
    async with req.db.read() as conn:
        blocked, residents_blocked = await store.names_by_status(conn, ref, "blocked")
        unknown, residents_unknown = await store.names_by_status(conn, ref, "unknown")
    return Trouble(blocked, unknown, counts.get("failed", 0) + counts.get("cancelled", 0),
                   residents_blocked, residents_unknown)


async def send_again(req: Request, broadcast_id: int) -> int:
    """The sender (or a trainer) sends again what provably never left; returns how many."""
    async with req.db.tx() as conn:
        broadcast = await store.by_id(conn, broadcast_id)
        if broadcast is None or not (broadcast.created_by == req.me.id
                                     or access.is_trainer(req.role)):
            raise access.AccessDenied("not your broadcast")
        count = await store.send_again(conn, broadcast_id, f"broadcast:{broadcast_id}", req.now)
        if count:
            await audit.record(conn, now=req.now, actor_id=req.me.id, action="broadcast.again",
                               subject=f"broadcast:{broadcast_id}")
    return count
