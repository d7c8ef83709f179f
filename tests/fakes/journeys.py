"""Short journeys that many tests start from, spoken as the people would."""

from __future__ import annotations

import re

from bot.simulator import SimulatedUser

LINK_RE = re.compile(r"https://t\.me/[A-Za-z0-9_]+\?start=([A-Za-z0-9_-]+)")


async def join(user: SimulatedUser, code: str | None = None, language: str = "Nederlands") -> None:
    """Opens the invite (or /start for an admin), picks a language, agrees."""
    await user.send(f"/start {code}" if code else "/start")
    await user.click(language)
    await user.click("✅")


async def make_invite(user: SimulatedUser, role_button: str | None = None, uses: int = 1,
                      days: int = 2) -> str:
    """Walks /invite and returns the code from the link in the QR message's caption.

    ``uses`` and ``days`` are button numbers (1 = one person / one day).
    """
    await user.send("/invite")
    if role_button:
        await user.click(role_button)
    await user.click(uses)
    replies = await user.click(days)
    match = LINK_RE.search(replies[-1].text)
    assert match, replies[-1].text
    return match.group(1)
