"""Residents' data stays theirs: personal commands never answer in a group chat."""

from __future__ import annotations

import pytest

from tests.fakes.journeys import join, make_invite

LINA = 300


@pytest.fixture
async def lina(bot, cohort):
    _, noor, _ = cohort
    lina = bot.user(LINA, "Lina")
    await join(lina, await make_invite(noor))
    await lina.send("/share")
    await lina.click("💶 Geld en schulden")
    await lina.click("Volgende")
    await lina.send("Schulden bij de energie")
    await lina.click("Nu even niets")
    await lina.click("Nu niet")
    await lina.click("Opslaan")
    return lina


@pytest.mark.parametrize("command", ["/circle", "/mydata", "/invite", "/intake", "/matches",
                                     "/overview", "/table", "/share", "/mine", "/agenda",
                                     "/payments", "/start", "/help"])
async def test_a_personal_command_in_a_group_gets_only_a_nudge(bot, cohort, lina, command):
    trainer, noor, _ = cohort
    for user in (noor, trainer, lina):
        said = await user.send_in_group(command)
        for message in said:
            assert "Lina" not in message.text and "energie" not in message.text
            assert message.kind == "text" and not message.file_bytes
    everything = [m for m in bot.api.chat(-100_555)]
    assert len(everything) == 1  # one kind nudge an hour, not one per command
    assert "privé" in everything[0].text
    assert everything[0].reply_markup["inline_keyboard"][0][0]["url"].startswith("https://t.me/")


async def test_nothing_said_in_a_group_reaches_a_flow(bot, lina):
    await lina.send("/share")
    await lina.send_in_group("boodschappen")  # text in the group while a flow is open
    await lina.click("🛒 Boodschappen")
    assert [label for label, _ in lina.last.buttons if label.startswith("✅")] == [
        "✅ 🛒 Boodschappen"]
    assert bot.api.chat(-100_555) == []
