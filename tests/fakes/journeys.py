"""Short journeys that many tests start from, spoken as the people would."""

from __future__ import annotations

import re

from bot.simulator import SimulatedUser

TRAINER, NOOR, AMAL = 150, 200, 201
LINK_RE = re.compile(r"https://t\.me/[A-Za-z0-9_]+\?start=([A-Za-z0-9_-]+)")


async def join(user: SimulatedUser, code: str | None = None, language: str = "Nederlands") -> None:
    """Opens the invite (or /start for an admin), picks a language, agrees."""
    await user.send(f"/start {code}" if code else "/start")
    await user.click(language)
    await user.click("✅")


async def make_invite(user: SimulatedUser, role_button: str | None = None, uses: int = 1,
                      days: int = 2, language: int | str | None = None) -> str:
    """Walks /invite and returns the code from the link in the text to forward.

    ``uses`` and ``days`` are button numbers (1 = one person / one day); ``language`` a button
    number or label, None for "they choose themselves".
    """
    await user.send("/invite")
    if role_button:
        await user.click(role_button)
    await user.click(uses)
    await user.click(days)
    if language is None:
        grid = user.last_with_buttons()
        replies = await user.tap(next(d for _, d in grid.buttons if d.endswith(":any")), grid)
    else:
        replies = await user.click(language)
    match = LINK_RE.search(replies[-1].text)
    assert match, replies[-1].text
    return match.group(1)


async def plan(user: SimulatedUser, *, kind: str | None = "Trainingsdag", title: str = "Wortels",
               day: str = "vrijdag", at: str = "10:00", hours: str = "6 uur",
               place: str = "Buurthuis De Kraal", audience: str | None = "Alle kwartiermakers",
               repeat: str = "Eén keer") -> list:
    """Walks /event in Dutch; None for kind or audience when the role has only one."""
    await user.send("/event")
    if kind:
        await user.click(kind)
    await user.send(title)
    await user.send(day)
    await user.send(at)
    await user.click(hours)
    await user.send(place)
    if audience:
        await user.click(audience)
    await user.click(repeat)
    return await user.click("Opslaan")
