"""A kind of step several flows share: buttons that tick in place, then one that goes on."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from telegram import InlineKeyboardButton

from bot.flows.engine import maybe
from bot.flows.steps import NEXT, STAY, ActionFn, Choice, Outcome, Step, Text, Turn
from bot.i18n import N_


def multi_pick(name: str, *, key: str, question: Text, choices: Callable[[Turn], Any],
               done: str = "next", done_label: str = N_("Next"), done_icon: str = "➡️ ",
               marks: tuple[str, str] = ("✅ ", ""), per_row: int = 2,
               check: Callable[[Turn, list], Any] | None = None,
               extra: Callable[[Turn], list[list[InlineKeyboardButton]]] | None = None,
               limit: int | Callable[[Turn], int] | None = None,
               then: Callable[[Turn, list], None] | None = None,
               actions: Mapping[str, ActionFn] | None = None,
               pending: Callable[[dict], bool] | None = None,
               voice: Callable[[Turn, Any], Any] | None = None,
               store: Callable[[Turn, Any], Any] | None = None) -> Step:
    """A grid that ticks in place (the message is edited, not sent again); ``done`` stores the
    ticked values in ``draft[name]``. A tap says what it wants (``key:value:1:g`` ticks,
    ``…:0:g`` unticks), so a repeated tap changes nothing twice; ``g`` numbers each copy of the
    grid the bot sent, so taps on an older copy are stale. While
    ticking, the values wait in ``draft["picked"][name]`` (a later edit starts from them);
    ``then`` runs after ``done`` stored them; ``actions`` are further buttons of the step;
    ``voice`` (with its ``store``) lets a voice message answer the whole step; ``limit`` (a
    number, or a function of the turn) is the most that can be ticked."""

    def picked(turn: Turn) -> list:
        return turn.draft.setdefault("picked", {}).setdefault(name, [])

    async def offered(turn: Turn) -> list[Choice]:
        return list(await maybe(choices(turn)))

    def copy(turn: Turn) -> int:
        return turn.draft.setdefault("grid", {}).get(name, 0)

    async def markup(turn: Turn) -> list[list[InlineKeyboardButton]]:
        t, ticked, n = turn.t, {str(v) for v in picked(turn)}, copy(turn)
        buttons = [turn.button((marks[0] if str(c.value) in ticked else marks[1]) + c.label,
                               key, c.value, 0 if str(c.value) in ticked else 1, n)
                   for c in await offered(turn)]
        grid = [buttons[i:i + per_row] for i in range(0, len(buttons), per_row)]
        return [*grid, [turn.button(done_icon + t.gettext(done_label), done, n)],
                *(extra(turn) if extra else []), turn.cancel_row()]

    async def ask_grid(turn: Turn) -> None:
        turn.draft.setdefault("grid", {})[name] = copy(turn) + 1
        await turn.say(turn.text(question), await markup(turn))

    async def stale_grid(turn: Turn) -> Outcome:
        await turn.answer(turn.t.gettext("That button is no longer active. Here is the current "
                                         "question."))
        await ask_grid(turn)
        return STAY

    def on_old_grid(turn: Turn, args: list[str]) -> bool:
        return not args or args[-1] != str(copy(turn))

    async def toggled(turn: Turn, args: list[str]) -> Outcome:
        if len(args) != 3 or on_old_grid(turn, args):
            return await stale_grid(turn)
        by_value = {str(c.value): c.value for c in await offered(turn)}
        if args[0] not in by_value:
            return STAY
        value, ticked = by_value[args[0]], picked(turn)
        present, want = value in ticked, args[1] == "1"
        most = limit(turn) if callable(limit) else limit
        if want and not present and (most is None or len(ticked) < most):
            ticked.append(value)
        elif not want and present:
            ticked.remove(value)
        else:
            await turn.answer()
            return STAY
        await turn.answer()
        await turn.edit_buttons(await markup(turn))
        return STAY

    async def finished(turn: Turn, args: list[str]) -> Outcome:
        if on_old_grid(turn, args):
            return await stale_grid(turn)
        value = list(picked(turn))
        problem = await maybe(check(turn, value)) if check is not None else None
        if problem:
            await turn.answer()
            await turn.say(problem)
            await ask_grid(turn)
            return STAY
        turn.draft[name] = value
        if then is not None:
            then(turn, value)
        return NEXT

    return Step(name, ask=ask_grid, actions={**(actions or {}), key: toggled, done: finished},
                pending=pending, voice=voice, store=store)
