"""Conversations as data: the declarations a flow is made of.

A ``Step`` says once what it asks, which input it reads (typed text, a tap on one of its
choices, a voice note, a photo, a location, or one of its own button actions), how it checks
the answer and where the answer goes in the draft. A ``Flow`` is the ordered list of its steps,
how it starts (``Entry``) and what happens when nothing is left to ask (``finish``).
``bot.flows.engine`` derives everything else from that list: the current step (the first one
still pending), re-prompts, stale buttons, Cancel, the role check, resuming a draft, and
"back to the summary after an edit" (an edit drops that answer, so it is pending again).

Texts are msgids marked with ``N_`` and translated where they are shown, per person.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import Enum
from typing import TYPE_CHECKING, Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.error import BadRequest

from bot import callbacks as cb
from bot.access import Action
from bot.context import BotContext
from bot.delivery import journal
from bot.i18n import N_, Translator

if TYPE_CHECKING:
    from bot.services.request import Request

log = logging.getLogger(__name__)

ACTIVE, DRAFTS = "flow", "drafts"
STOP = "stop"


class Outcome(Enum):
    """What an action or a finish asks the engine to do next."""

    NEXT = "next"  # ask the first pending step (or finish)
    STAY = "stay"  # nothing more now: the action answered by itself (an in-place tick)
    END = "end"  # the flow is over; its draft is dropped


NEXT, STAY, END = Outcome.NEXT, Outcome.STAY, Outcome.END


class Problem(Exception):
    """Raised by a reader (or returned by a check): the answer is not usable.

    ``message`` is said (already translated); ``redo`` names an earlier step whose answer is
    dropped, so that it is asked again (a start time that has passed → ask the day again).
    """

    def __init__(self, message: str | None = None, redo: str | None = None) -> None:
        super().__init__(message or "")
        self.message, self.redo = message, redo


@dataclass(frozen=True)
class Choice:
    """One answer a step offers as a button; a tap counts only while it is still offered."""

    value: str | int
    label: str


Asker = Callable[["Turn"], Awaitable[Any]]
ActionFn = Callable[["Turn", list[str]], Awaitable["Outcome | None"]]
Text = str | Callable[["Turn"], str]  # a msgid, or a function for texts with values


@dataclass(frozen=True)
class Step:
    """One question of a flow, declared once."""

    name: str  # the state, and the draft key its answer goes to
    question: Text | None = None
    choices: Callable[[Turn], Any] | None = None  # → [Choice], may be async
    key: str | None = None  # callback key of the choices (default: the name)
    per_row: int = 1
    extra: Callable[[Turn], list[list[InlineKeyboardButton]]] | None = None
    ask: Asker | None = None  # a screen of its own instead of question + choices
    text: Callable[[Turn, str], Any] | None = None  # typed text → value (may raise Problem)
    voice: Callable[[Turn, Message], Any] | None = None
    photo: Callable[[Turn, Message], Any] | None = None
    location: Callable[[Turn, Message], Any] | None = None
    check: Callable[[Turn, Any], Any] | None = None  # → message or Problem or None; may be async
    store: Callable[[Turn, Any], Any] | None = None  # default: draft[name] = value; may be
    # async; may return STAY or END when it answered by itself (search results)
    pending: Callable[[dict], bool] | None = None  # default: the name is not in the draft
    skip: str | None = None  # msgid of a button that answers None
    skip_key: str = "skip"
    actions: Mapping[str, ActionFn] = field(default_factory=dict)
    auto: bool = False  # only one choice: take it without asking
    wrong: str | None = None  # msgid said to input of the wrong kind
    cancel: bool = True  # the Cancel row under the question

    @property
    def choice_key(self) -> str:
        return self.key or self.name

    def is_pending(self, draft: dict) -> bool:
        return self.pending(draft) if self.pending is not None else self.name not in draft

    def keys(self) -> set[str]:
        found = set(self.actions)
        if self.choices is not None:
            found.add(self.choice_key)
        if self.skip is not None:
            found.add(self.skip_key)
        return found


def screen(name: str, ask: Asker, **actions: ActionFn) -> Step:
    """A step that is never answered, only acted on: a summary, a review, a menu."""
    return Step(name, ask=ask, pending=lambda _d: True, actions=actions)


@dataclass(frozen=True)
class Entry:
    """How a flow starts: a command (``/log``) or a button (``ls:cor:12``).

    ``begin`` fills the fresh draft from the command's arguments or the button's; it returns
    False when the flow should not start (having told the person why).
    """

    command: str | None = None
    button: str | None = None
    begin: Callable[[Turn, list[str]], Awaitable[bool | None]] | None = None
    remove_buttons: bool = False  # take the buttons off the tapped message


@dataclass(frozen=True)
class Flow:
    name: str
    prefix: str
    steps: Sequence[Step]
    entries: Sequence[Entry]
    action: Action | None = None  # checked on every input; None: anyone (onboarding)
    finish: Callable[[Turn], Awaitable[Outcome | None]] | None = None  # nothing left to ask
    cancelled: str = N_("Cancelled. Nothing was saved.")
    resume: str | None = None  # a draft waits: "continue it, or start again?"
    about_others: bool = False  # its drafts are about other people: kept out of /mydata

    def __post_init__(self) -> None:
        names = [s.name for s in self.steps]
        if len(names) != len(set(names)):
            raise ValueError(f"flow {self.name}: step names repeat: {names}")

    def current(self, draft: dict, extra: Sequence[Step] = ()) -> Step | None:
        return next((s for s in (*extra, *self.steps) if s.is_pending(draft)), None)


# one update as a flow sees it ----------------------------------------------------------------
class Turn:
    """The person, their draft and the ways to answer them, for one update."""

    def __init__(self, update: Update, context: BotContext, flow: Flow) -> None:
        self.update, self.context, self.flow = update, context, flow
        self._answered = False

    @property
    def t(self) -> Translator:
        return self.context.t

    @property
    def req(self) -> Request:
        return self.context.req

    @property
    def draft(self) -> dict:
        return drafts(self.context.user_data).setdefault(self.flow.name, {})

    @property
    def query(self):
        return self.update.callback_query

    def text(self, text: Text) -> str:
        return text(self) if callable(text) else self.t.gettext(text)

    async def answer(self, text: str | None = None, alert: bool = False) -> None:
        """Answers the tapped button, once: Telegram refuses a second answer."""
        if self.query is None or self._answered:
            return
        self._answered = True
        try:
            await self.query.answer(text, show_alert=alert or None)
        except BadRequest as exc:  # too old to answer: the person sees the next message anyway
            log.debug("callback not answered: %s", exc)

    async def say(self, text: str, rows: list[list[InlineKeyboardButton]] | None = None,
                  **kwargs: Any) -> Message:
        markup = InlineKeyboardMarkup(rows) if rows else kwargs.pop("reply_markup", None)
        return await self.context.bot.send_message(self.update.effective_chat.id, text,
                                                   reply_markup=markup, **kwargs)

    def name_last(self, ref: str) -> None:
        """Names the last message said, so that its id can be found once it is sent (a status
        message the bot edits later)."""
        journal.tag_last(ref)

    def button(self, label: str, key: str, *args: str | int) -> InlineKeyboardButton:
        return InlineKeyboardButton(label, callback_data=cb.encode(self.flow.prefix, key, *args))

    def cancel_row(self) -> list[InlineKeyboardButton]:
        return [self.button(self.t.gettext("Cancel"), STOP)]

    async def edit_buttons(self, rows: list[list[InlineKeyboardButton]]) -> None:
        """Redraws the tapped message's buttons in place (a tick); "not modified" is fine."""
        try:
            await self.query.edit_message_reply_markup(InlineKeyboardMarkup(rows))
        except BadRequest as exc:
            log.debug("buttons not redrawn: %s", exc)

    async def remove_buttons(self) -> None:
        if self.query is None or self.query.message is None:
            return
        try:
            await self.query.edit_message_reply_markup(None)
        except BadRequest as exc:  # gone already, or no buttons left: the goal is reached
            log.debug("keyboard not removed: %s", exc)

    def tapped_message_id(self) -> int | None:
        message = self.query.message if self.query is not None else None
        return message.message_id if message is not None else None


def drafts(user_data: dict | None) -> dict:
    assert user_data is not None
    return user_data.setdefault(DRAFTS, {})


def draft_of(user_data: Mapping | None, flow_name: str) -> dict:
    """A flow's draft, to read (``{}`` when there is none)."""
    return ((user_data or {}).get(DRAFTS) or {}).get(flow_name) or {}


def active_flow(user_data: Mapping | None) -> str | None:
    return (user_data or {}).get(ACTIVE)


def end_flow(user_data: dict, name: str | None = None) -> None:
    """Ends the active flow (or ``name``) and drops its draft."""
    name = name or user_data.get(ACTIVE)
    if name is None:
        return
    (user_data.get(DRAFTS) or {}).pop(name, None)
    if user_data.get(ACTIVE) == name:
        user_data.pop(ACTIVE, None)
    if DRAFTS in user_data and not user_data[DRAFTS]:
        user_data.pop(DRAFTS)
