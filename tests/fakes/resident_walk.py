"""Every screen a resident meets, walked in one language by button data (labels differ per
language): joining, /help, /share by taps and by voice, /mine, an introduction and its
follow-up, a meeting reminder answered with a reason, /agenda, /find, /language, /mydata,
/forget (kept), and the answers to wrong input. Returns everything the resident was shown."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.services import socialmap
from bot.simulator import SimulatedUser
from tests.fakes.harness import ROOT
from tests.fakes.journeys import join, make_invite, plan

RESIDENT, NEIGHBOUR, VISITOR = 700, 701, 702


async def press(user: SimulatedUser, data: str, shown: list[str]) -> None:
    """Taps the button whose callback data starts with ``data``; keeps any alert it got."""
    message = next(m for m in reversed(user.inbox)
                   if any(d.startswith(data) for _, d in m.buttons))
    before = len(user.api.callback_answers)
    await user.tap(next(d for _, d in message.buttons if d.startswith(data)), message)
    shown += [a["text"] for a in user.api.callback_answers[before:] if a.get("text")]


def seen(user: SimulatedUser, raw: bool = False) -> list[str]:
    """Texts and captions of every message (``raw``: with their direction marks), and the label
    of every button, as shown now."""
    return ([m.raw if raw else m.text for m in user.inbox]
            + [label for m in user.inbox for label, _ in m.buttons])


async def walk(bot, cohort, code: str, native: str, raw: bool = False) -> list[str]:
    _, noor, _ = cohort
    shown: list[str] = []
    await socialmap.import_file(bot.request(), ROOT / "examples" / "socialmap-zuidoost")
    visitor = bot.user(VISITOR, "Vida", language_code=code)
    await visitor.send("/start")
    await visitor.send("/mydata")

    invite = await make_invite(noor, uses=2)
    rana = bot.user(RESIDENT, "Rana", language_code=code)
    await join(rana, invite, native)
    await rana.send("/help")
    await rana.send("/share")
    await rana.send("?")  # typed where a tap is wanted
    await press(rana, "sh:c:shopping:1", shown)
    await press(rana, "sh:next", shown)
    await rana.send("tassen")
    await press(rana, "sh:c:cooking:1", shown)
    await press(rana, "sh:next", shown)
    await press(rana, "sh:skip", shown)
    await press(rana, "sh:save", shown)
    await rana.send("/share")
    await rana.send_voice(duration=9)  # a need told by voice only
    await press(rana, "sh:none", shown)
    await press(rana, "sh:later", shown)
    await press(rana, "sh:save", shown)
    await rana.send("/mine")
    await rana.send("hallo")
    await rana.send("/pizza")
    await rana.send("/cancel")

    piet = bot.user(NEIGHBOUR, "Piet")
    await join(piet, invite)
    await piet.send("/share")
    await piet.click("🍲 Koken en eten")
    await piet.click("Volgende")
    await piet.click("Overslaan")
    await piet.click("🛒 Boodschappen")
    await piet.click("Volgende")
    await piet.click("Overslaan")
    await piet.click("Opslaan")
    await noor.send("/matches")
    await noor.click("Stel voor")
    await bot.deliver()
    await press(rana, "mt:y", shown)
    await press(piet, "mt:y", [])
    await bot.deliver()

    await plan(noor, kind=None, title="Naaiatelier", day="maandag", at="13:30", hours="2 uur",
               place="Buurthuis De Kraal", audience="De bewoners uit mijn kring")
    bot.clock.now = datetime(2026, 11, 30, 10, 31, tzinfo=UTC)  # two hours before, 11:31 local
    await bot.tick()
    await press(rana, "rv:n", shown)
    await press(rana, "rv:r", shown)
    await rana.send("/agenda")

    await rana.send("/find")
    await press(rana, "fd:theme", shown)
    await press(rana, "fd:cat:money", shown)  # the cards of the map, in her language
    await rana.send("/find")
    await press(rana, "fd:f:line", shown)
    await press(rana, "fd:f:line", shown)
    await rana.send("/language")
    await press(rana, f"lang:{code}", shown)
    await rana.send("/mydata")
    await rana.send("/forget")
    await press(rana, "fgt:no", shown)
    group = await rana.send_in_group("/mine")

    bot.clock.now = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)  # a week after the introduction
    await bot.tick()
    await press(rana, "mf:", shown)
    await bot.deliver()
    return seen(visitor, raw) + seen(rana, raw) + [m.raw if raw else m.text for m in group] \
        + shown
