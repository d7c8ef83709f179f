"""Recorded prompts: a trainer (or admin) speaks a step's question in a language once; the bot
sends that voice note with the question to everyone who reads little. Where nothing is
recorded, nothing changes. One primary-key lookup per question asked: no cache to go stale
when a recorder is erased."""

from __future__ import annotations

from bot import access
from bot.i18n import N_
from bot.services.request import Request
from bot.storage import prompts as store

# The steps worth a recording, by step id (flow.step), and what a trainer sees in the list.
# "reminder" is not a conversation step: it goes with each meeting reminder.
PROMPTABLE: dict[str, str] = {
    "onboarding.consent": N_("The consent text"),
    "share.needs": N_("What could you use a hand with?"),
    "share.offers": N_("What could you offer someone else?"),
    "share.detail": N_("Tell a little more"),
    "reminder": N_("A meeting reminder"),
}
MAX_SECONDS = 120


async def voice_for(req: Request, step: str, language: str) -> str | None:
    """The recording for this step in this language, if there is one."""
    if step not in PROMPTABLE:
        return None
    async with req.db.read() as conn:
        return await store.voice(conn, step, language)


async def recorded(req: Request) -> dict[tuple[str, str], str]:
    async with req.db.read() as conn:
        return await store.all_voices(conn)


async def record(req: Request, step: str, language: str, file_id: str,
                 seconds: int | None) -> None:
    if not access.is_trainer(req.role):
        raise access.AccessDenied("only trainers record prompts")
    if step not in PROMPTABLE:
        raise ValueError(f"not a step that takes a recording: {step}")
    async with req.db.tx() as conn:
        await store.put(conn, step=step, language=language, file_id=file_id, seconds=seconds,
                        by=req.me.id, now=req.now)


async def remove(req: Request, step: str, language: str) -> bool:
    if not access.is_trainer(req.role):
        raise access.AccessDenied("only trainers remove prompts")
    async with req.db.tx() as conn:
        gone = await store.remove(conn, step, language)
    return gone
