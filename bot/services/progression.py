"""A kwartiermaker's steps, recorded: in training → apprentice (the certificate after the
training days) → journeyman (test) → master (test), each with its date and the trainer who
decided. The recorded stage is what counts; sessions logged and series completed are shown
beside it as hints for the trainer.

The programme's rule: more than ``max_missed_training_days`` (settings; 2 in the pilot) missed
training days means no certificate. A trainer may still record it, with a note saying why; the
note stays with the step and the override is in the audit log (without the note: the audit
log never holds words).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from bot import access
from bot.access import Role
from bot.delivery.sending import text_payload
from bot.i18n import Translator
from bot.services.request import Request
from bot.storage import audit, outbox, people
from bot.storage import events as event_store
from bot.storage import progression as store
from bot.storage.people import Person
from bot.storage.progression import StageEvent
from bot.storage.sqlite import Connection

STAGES = ("in_training", "apprentice", "journeyman", "master")
STEPS = STAGES[1:]  # what a trainer records
# What may be recorded next: the closing conference gives the master test to those who
# completed a series with reports and the journeyman test to those still running one.
NEXT = {"in_training": ("apprentice",), "apprentice": ("journeyman", "master"),
        "journeyman": ("master",), "master": ()}
NOTE_MAX = 300


class StageRefused(Exception):
    """The step cannot be recorded (now); ``reason`` says why: missed (too many missed
    training days: a note is needed), done (already recorded), order (not the next step),
    gone (no longer an active kwartiermaker)."""

    def __init__(self, reason: str, *, missed: int = 0, limit: int = 0) -> None:
        super().__init__(reason)
        self.reason, self.missed, self.limit = reason, missed, limit


@dataclass(frozen=True)
class Progress:
    """One kwartiermaker's recorded steps and what is shown beside them."""

    person: Person
    events: list[StageEvent]
    missed: int
    limit: int
    logged: int  # table sessions logged in the series they host
    complete: int  # series with a report for every planned session

    @property
    def stage(self) -> str:
        return current_stage(e.stage for e in self.events)

    @property
    def next_steps(self) -> tuple[str, ...]:
        return NEXT[self.stage]

    @property
    def over_limit(self) -> bool:
        """Too many missed training days for the certificate (while it is not recorded)."""
        return self.stage == "in_training" and self.missed > self.limit


def current_stage(recorded: Iterable[str]) -> str:
    return max(recorded, key=STAGES.index, default="in_training")


def step_label(t: Translator, stage: str) -> str:
    return {"apprentice": "🎓 " + t.gettext("Apprentice certificate"),
            "journeyman": "🛠 " + t.gettext("Journeyman test passed"),
            "master": "🏅 " + t.gettext("Master test passed")}[stage]


def stage_notice(t: Translator, stage: str) -> dict[str, Any]:
    """What the kwartiermaker hears when a trainer recorded a step."""
    return text_payload(t.gettext(
        "🎉 Your trainer recorded a new step: {step}. /progress shows all your steps.").format(
        step=step_label(t, stage)))


# reading -------------------------------------------------------------------------------------
async def _progress(conn: Connection, req: Request, person: Person) -> Progress:
    logged, complete = await store.session_figures(conn, person.id)
    return Progress(person, await store.history(conn, person.id),
                    await event_store.missed_training_days(conn, person.id),
                    req.settings.max_missed_training_days, logged, complete)


async def _kwartiermaker(conn: Connection, person_id: int) -> Person:
    """The person an (untrusted) id names, if they are an active kwartiermaker."""
    person = await people.by_id(conn, person_id) if person_id else None
    if person is None or person.role != Role.ORGANISER or not person.active:
        raise StageRefused("gone")
    return person


async def my_progress(req: Request) -> Progress:
    """/progress: a kwartiermaker's own steps (nobody else's)."""
    if not access.is_organiser(req.role):
        raise access.AccessDenied("kwartiermakers only")
    async with req.db.read() as conn:
        return await _progress(conn, req, req.me)


async def progress_of(req: Request, person_id: int) -> Progress:
    """A trainer looks at one kwartiermaker's steps."""
    if not access.is_trainer(req.role):
        raise access.AccessDenied("trainers only")
    async with req.db.read() as conn:
        return await _progress(conn, req, await _kwartiermaker(conn, person_id))


async def kwartiermakers(req: Request) -> list[Progress]:
    """Every active kwartiermaker with their steps and missed days, for /certify."""
    if not access.is_trainer(req.role):
        raise access.AccessDenied("trainers only")
    async with req.db.read() as conn:
        return [await _progress(conn, req, p) for p in await store.kwartiermakers(conn)]


async def recorded_stages(conn: Connection) -> dict[int, str]:
    """Each person's recorded stage (inside another service's read: the overview)."""
    return {pid: current_stage(found)
            for pid, found in (await store.recorded_stages(conn)).items()}


# recording -----------------------------------------------------------------------------------
async def record(req: Request, person_id: int, stage: str, *, note: str | None = None,
                 render: Callable[[Translator, str], dict[str, Any]] = stage_notice
                 ) -> tuple[Person, StageEvent]:
    """A trainer records a step. Everything the button claimed is checked again here: the
    person (an active kwartiermaker), the order of the steps, and the missed training days
    (beyond the limit only with a note). The kwartiermaker is told."""
    trainer, now = req.me, req.now
    if not access.is_trainer(req.role):
        raise access.AccessDenied("trainers only")
    if stage not in STEPS:
        raise StageRefused("order")
    note = " ".join((note or "").split())[:NOTE_MAX] or None
    async with req.db.tx() as conn:
        found = await _progress(conn, req, await _kwartiermaker(conn, person_id))
        person = found.person
        if stage in (e.stage for e in found.events):
            raise StageRefused("done")
        if stage not in found.next_steps:
            raise StageRefused("order")
        override = stage == "apprentice" and found.missed > found.limit
        if override and note is None:
            raise StageRefused("missed", missed=found.missed, limit=found.limit)
        event_id = await store.record(conn, person_id=person.id, stage=stage,
                                      decided_by=trainer.id, now=now, note=note,
                                      override=override)
        if event_id is None:  # recorded by someone else in between
            raise StageRefused("done")
        await audit.record(conn, now=now, actor_id=trainer.id,
                           action=f"stage.{stage}" + (".override" if override else ""),
                           subject=f"stage_event:{event_id}")
        if person.telegram_id is not None:
            t = req.translations.for_language(person.language)
            await outbox.enqueue(conn, person_id=person.id, chat_id=person.telegram_id,
                                 kind="notice", ref=f"stage:{event_id}", due_at=now, now=now,
                                 payload=render(t, stage))
        event = next(e for e in await store.history(conn, person.id) if e.id == event_id)
    return person, event
