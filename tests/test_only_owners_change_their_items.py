"""A need or offer changes only by its owner, or by an answer that is actually due: an old
follow-up button cannot reopen what its owner withdrew, nor can a kwartiermaker's "not
helped" on a referral."""

from __future__ import annotations

import copy

from bot.services import socialmap
from tests.fakes.harness import ROOT
from tests.test_organiser_matches_and_introduces import (
    LINA,
    OMAR,
    circle,  # noqa: F401 - a fixture
)


async def statuses(bot) -> dict[int, str]:
    rows = await bot.rows("SELECT p.telegram_id, i.status FROM item i"
                          " JOIN person p ON p.id = i.person_id WHERE p.telegram_id IN (?, ?)",
                          LINA, OMAR)
    return dict(rows)


async def test_an_old_follow_up_button_does_not_reopen_a_withdrawn_offer(bot, circle):  # noqa: F811
    noor, lina, omar, _ = circle
    await noor.send("/matches")
    await noor.click("Stel voor")
    await bot.deliver()
    await lina.click("Ja, delen")
    await omar.click("✅")
    await bot.deliver()
    early = f"mf:{(await bot.rows('SELECT id FROM match'))[0][0]}:3"
    await lina.tap(early, lina.last)  # forged before anyone asked: nothing is due
    assert await statuses(bot) == {LINA: "matched", OMAR: "matched"}
    bot.clock.advance(days=7)
    await bot.tick()
    follow = copy.deepcopy(lina.last_with_buttons())
    await omar.send("/mine")
    await omar.click("🗑 1")  # Omar withdraws his offer
    await lina.click("👎", message=follow)  # "it did not work out": her need reopens only
    assert await statuses(bot) == {LINA: "open", OMAR: "withdrawn"}
    await lina.click("👎", message=follow)  # and once is enough
    assert "niet meer mogelijk" in bot.api.callback_answers[-1]["text"]


async def test_not_helped_does_not_reopen_a_need_its_owner_withdrew(bot, circle):  # noqa: F811
    noor, lina, _, _ = circle
    await socialmap.import_file(bot.request(), ROOT / "examples" / "socialmap-zuidoost")
    await noor.send("/refer")
    await noor.click("Lina")
    await noor.click(1)
    await noor.click("Overslaan")
    await lina.send("/mine")
    await lina.click("🗑 1")  # Lina withdraws the need herself
    bot.clock.advance(days=15)
    await bot.tick()
    await noor.click("Niet geholpen")
    assert (await statuses(bot))[LINA] == "withdrawn"
