"""Runs the flows declared in ``bot.flows.steps``: one input handler per flow plus its entries.

The current step is always the first pending one of the flow's list, computed from the draft,
so there is no separate state to disagree with the answers. Every input is role-checked; a
button of another step of the same flow is answered "no longer active" and the current
question is asked again; input of the wrong kind gets the step's re-prompt; ``stop`` cancels.
The active flow and the drafts are kept in user_data as JSON-shaped values.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable
from datetime import datetime
from functools import partial
from typing import Any

from telegram import Message, Update
from telegram.ext import Application, BaseHandler, CallbackQueryHandler, CommandHandler

from bot import access
from bot import callbacks as cb
from bot.context import BotContext
from bot.flows.common import refusal
from bot.flows.steps import (
    ACTIVE,
    DRAFTS,
    END,
    NEXT,
    STAY,
    STOP,
    Choice,
    Entry,
    Flow,
    Outcome,
    Problem,
    Step,
    Turn,
    active_flow,
    draft_of,
    drafts,
    end_flow,
)
from bot.i18n import N_
from bot.services import prompts


async def maybe(value: Any) -> Any:
    return await value if isinstance(value, Awaitable) else value


_REGISTERED: dict[str, Flow] = {}


def registered(name: str) -> Flow | None:
    return _REGISTERED.get(name)


def handlers(flow: Flow, app: Application) -> list[BaseHandler]:
    """The input handler (only while this flow is active) and the flow's entry points."""
    _REGISTERED[flow.name] = flow
    found: list[BaseHandler] = [_StepInput(flow, app)]
    for entry in flow.entries:
        callback = partial(_on_entry, flow, entry)
        if entry.command:
            found.append(CommandHandler(entry.command, callback))
        if entry.button:
            found.append(CallbackQueryHandler(
                callback, pattern=cb.pattern(f"{flow.prefix}:{entry.button}")))
    return found


# asking --------------------------------------------------------------------------------------
async def choices_of(turn: Turn, step: Step) -> list[Choice]:
    return list(await maybe(step.choices(turn))) if step.choices is not None else []


async def speak(turn: Turn, step: Step) -> None:
    """Sends the step's recorded prompt in the reader's language, once per draft, before the
    question (for people who read little); nothing when none was recorded."""
    step_id = f"{turn.flow.name}.{step.name}"
    spoken = turn.draft.setdefault("_spoken", [])
    if f"{step_id}:{turn.t.code}" in spoken:
        return
    voice = await prompts.voice_for(turn.req, step_id, turn.t.code)
    if voice:
        spoken.append(f"{step_id}:{turn.t.code}")
        await turn.context.bot.send_voice(turn.update.effective_chat.id, voice)


async def ask(turn: Turn, step: Step) -> None:
    await speak(turn, step)
    if step.ask is not None:
        await step.ask(turn)
        return
    buttons = [turn.button(c.label, step.choice_key, c.value) for c in await choices_of(turn, step)]
    rows = [buttons[i:i + step.per_row] for i in range(0, len(buttons), step.per_row)]
    if step.extra is not None:
        rows += step.extra(turn)
    if step.skip is not None:
        rows.append([turn.button("⏭ " + turn.t.gettext(step.skip), step.skip_key)])
    if step.cancel:
        rows.append(turn.cancel_row())
    await turn.say(turn.text(step.question) if step.question else "…", rows)


def current(turn: Turn) -> Step | None:
    return turn.flow.current(turn.draft, _resume_steps(turn.flow))


async def advance(turn: Turn) -> None:
    """Asks the first pending step, takes single-choice steps by itself, or finishes."""
    for _ in range(len(turn.flow.steps) + 3):
        step = current(turn)
        if step is None:
            outcome = await turn.flow.finish(turn) if turn.flow.finish else END
            if outcome is END:
                end_flow(turn.context.user_data, turn.flow.name)
            if outcome is not NEXT:
                return
            continue
        if step.auto:
            found = await choices_of(turn, step)
            if len(found) == 1:
                await _store(turn, step, found[0].value)
                continue
        await ask(turn, step)
        return
    raise RuntimeError(f"flow {turn.flow.name} does not settle on a step")


async def _store(turn: Turn, step: Step, value: Any) -> Outcome | None:
    """Puts the answer in the draft; a store that acted by itself may say STAY or END."""
    if step.store is not None:
        return await maybe(step.store(turn, value))
    turn.draft[step.name] = value
    return NEXT


# answering -----------------------------------------------------------------------------------
async def accept(turn: Turn, step: Step, value: Any) -> None:
    """Checks an answer, stores it and moves on; a problem is said and the question repeated."""
    problem = await maybe(step.check(turn, value)) if step.check is not None else None
    if isinstance(problem, str):
        problem = Problem(problem)
    if problem is not None:
        await refused(turn, step, problem)
        return
    await turn.answer()
    await turn.remove_buttons()
    result = await _store(turn, step, value)
    if result is END:
        end_flow(turn.context.user_data, turn.flow.name)
    elif result is not STAY:
        await advance(turn)


async def refused(turn: Turn, step: Step, problem: Problem) -> None:
    await turn.answer()
    if problem.message:
        await turn.say(problem.message)
    if problem.redo is not None:
        turn.draft.pop(problem.redo, None)
        await advance(turn)
    else:
        await ask(turn, step)


async def outcome(turn: Turn, result: Outcome | None) -> None:
    if result is STAY:
        return
    await turn.answer()
    if result is END:
        end_flow(turn.context.user_data, turn.flow.name)
        return
    await turn.remove_buttons()
    await advance(turn)


async def stale(turn: Turn, step: Step, alert: bool = False) -> None:
    await turn.answer(turn.t.gettext("That button is no longer active. Here is the current "
                                     "question."), alert=alert)
    await ask(turn, step)


async def _tap(turn: Turn, step: Step, key: str, args: list[str]) -> None:
    if key in step.actions:
        await outcome(turn, await step.actions[key](turn, args))
    elif step.skip is not None and key == step.skip_key:
        await accept(turn, step, None)
    elif step.choices is not None and key == step.choice_key and len(args) == 1:
        offered = {str(c.value): c.value for c in await choices_of(turn, step)}
        if args[0] in offered:
            await accept(turn, step, offered[args[0]])
        else:  # forged, or no longer offered: said out loud, and asked again
            await stale(turn, step, alert=True)
    else:
        await stale(turn, step)


def _reader(step: Step, message: Message) -> Any:
    if message.text is not None:
        return step.text, message.text
    if message.voice is not None:
        return step.voice, message
    if message.photo:
        return step.photo, message
    if message.location is not None:
        return step.location, message
    return None, None


async def _message(turn: Turn, step: Step, message: Message) -> None:
    reader, content = _reader(step, message)
    if reader is None:
        await turn.say(turn.t.gettext(step.wrong or _wrong_kind(step)))
        await ask(turn, step)
        return
    try:
        value = await maybe(reader(turn, content))
    except Problem as problem:
        await refused(turn, step, problem)
        return
    await accept(turn, step, value)


def _wrong_kind(step: Step) -> str:
    """What to say to input the step does not read: it depends on what it does read."""
    if step.text is None:
        if step.voice is not None:
            return N_("Please tap one of the buttons below, or send a voice message.")
        return N_("Please tap one of the buttons below.")
    if step.choices is not None or step.skip is not None or step.actions:
        return N_("Please type your answer, or tap one of the buttons below.")
    return N_("Please type your answer.")


async def cancel(turn: Turn) -> None:
    await turn.answer()
    await turn.remove_buttons()
    end_flow(turn.context.user_data, turn.flow.name)
    await turn.say(turn.t.gettext(turn.flow.cancelled))


async def refuse(turn: Turn) -> None:
    """Not allowed (any more): say so and end the flow."""
    text = refusal(turn.context)
    if turn.query is not None:
        await turn.answer(text, alert=True)
    else:
        await turn.say(text)
    end_flow(turn.context.user_data, turn.flow.name)


async def _on_input(flow: Flow, update: Update, context: BotContext) -> None:
    turn = Turn(update, context, flow)
    try:
        if flow.action is not None and not context.may(flow.action):
            await refuse(turn)
            return
        step = current(turn)
        if turn.query is not None:
            key, args = split(turn.query.data)
            if key == STOP:
                await cancel(turn)
            elif step is None:
                await advance(turn)
            else:
                await _tap(turn, step, key, args)
        elif step is None:
            await advance(turn)
        else:
            await _message(turn, step, update.message)
    except access.AccessDenied:  # a service said no: whatever the buttons claimed
        await refuse(turn)
    finally:
        await turn.answer()
        keep_json_shaped(context.user_data, flow.name, context.now())


async def _on_entry(flow: Flow, entry: Entry, update: Update, context: BotContext) -> None:
    turn = Turn(update, context, flow)
    try:
        if flow.action is not None and not context.may(flow.action):
            await refuse(turn)
            return
        user_data = context.user_data
        args = list(context.args or []) if entry.command else split(turn.query.data)[1]
        if entry.remove_buttons:
            await turn.answer()
            await turn.remove_buttons()
        waiting = draft_of(user_data, flow.name)
        still_in_it = user_data.get(ACTIVE) == flow.name
        _drop_abandoned(user_data, keep=flow.name)
        user_data[ACTIVE] = flow.name
        # A command, or a button that brings nothing of its own (a menu's "Share"), finds
        # the unsaved answers waiting; a button that opens one thing (correct this log) not.
        # Someone still in the flow just gets its question again; someone who went elsewhere
        # is asked whether to continue or start again.
        fresh = entry.command or entry.begin is None
        if flow.resume is not None and fresh and _has_answers(waiting):
            if not still_in_it:
                waiting["_resume"] = True
            await advance(turn)
            return
        drafts(user_data)[flow.name] = {}
        await begin(turn, entry, args)
    except access.AccessDenied:
        await refuse(turn)
    finally:
        await turn.answer()
        keep_json_shaped(context.user_data, flow.name, context.now())


async def begin(turn: Turn, entry: Entry, args: list[str]) -> None:
    if entry.begin is not None and await entry.begin(turn, args) is False:
        end_flow(turn.context.user_data, turn.flow.name)
        return
    await advance(turn)


def _drop_abandoned(user_data: dict, keep: str) -> None:
    """Starting a flow leaves the others: their drafts go, except those a flow offers to
    continue (``resume``), which wait for the person to come back."""
    for name in list(user_data.get(DRAFTS) or {}):
        other = registered(name)
        if name != keep and (other is None or other.resume is None):
            end_flow(user_data, name)


def _has_answers(draft: dict) -> bool:
    return any(not key.startswith("_") for key in draft)


def _resume_steps(flow: Flow) -> tuple[Step, ...]:
    """"A draft is waiting: continue it, or start again?" for flows with ``resume``."""
    if flow.resume is None:
        return ()

    async def go_on(turn: Turn, _args: list[str]) -> Outcome:
        turn.draft.pop("_resume", None)
        return NEXT

    async def again(turn: Turn, _args: list[str]) -> Outcome:
        drafts(turn.context.user_data)[flow.name] = {}
        await turn.answer()
        await turn.remove_buttons()
        await begin(turn, next(e for e in flow.entries if e.command), [])
        return STAY

    async def ask_resume(turn: Turn) -> None:
        t = turn.t
        await turn.say(t.gettext(flow.resume), [
            [turn.button("▶️ " + t.gettext("Continue it"), "cont")],
            [turn.button("🆕 " + t.gettext("Start again"), "new")]])

    return (Step("_resume", ask=ask_resume, pending=lambda d: bool(d.get("_resume")),
                 actions={"cont": go_on, "new": again}),)


def keys(flow: Flow) -> set[str]:
    return {STOP}.union(*(s.keys() for s in (*_resume_steps(flow), *flow.steps)))


def split(data: str | None) -> tuple[str, list[str]]:
    """``prefix:key:arg:arg`` → key and args."""
    parts = (data or "").split(":")
    return (parts[1] if len(parts) > 1 else ""), parts[2:]


def keep_json_shaped(user_data: dict | None, name: str, now: datetime) -> None:
    """Rewrites the draft as a restart would read it back, so its keys are always strings,
    and notes when it was last touched (drafts expire)."""
    found = (user_data or {}).get("drafts") or {}
    if name in found:
        found[name] = json.loads(json.dumps(found[name]))
        found[name]["_at"] = now.isoformat()


def expired(user_data: dict, before: datetime) -> bool:
    """Drops the drafts last touched before ``before`` (and the flow, if it was one of them);
    True when something was dropped."""
    dropped = False
    for name, draft in list((user_data.get(DRAFTS) or {}).items()):
        if str(draft.get("_at", "")) < before.isoformat():
            end_flow(user_data, name)
            dropped = True
    return dropped


class _StepInput(BaseHandler[Update, BotContext, None]):
    """A person's input while this flow is active: any message but a command, and the flow's own
    buttons. Other flows' buttons and every command pass through to their handlers."""

    def __init__(self, flow: Flow, app: Application) -> None:
        super().__init__(partial(_on_input, flow))
        self.flow, self.user_data, self.keys = flow, app.user_data, keys(flow)

    def check_update(self, update: object) -> bool | None:
        if not isinstance(update, Update) or update.effective_user is None:
            return None
        if active_flow(self.user_data.get(update.effective_user.id)) != self.flow.name:
            return None
        query = update.callback_query
        if query is not None:
            prefix, _, rest = (query.data or "").partition(":")
            return (prefix == self.flow.prefix and rest.split(":")[0] in self.keys) or None
        message = update.message
        if message is None or _is_command(message):
            return None
        return True


def _is_command(message: Message) -> bool:
    return any(e.type == "bot_command" and e.offset == 0 for e in message.entities or ())
