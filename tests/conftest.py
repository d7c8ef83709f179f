from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.fakes.harness import ADMIN_ID, BotHarness
from tests.fakes.journeys import AMAL, NOOR, TRAINER, join, make_invite


@pytest.fixture
async def bot(tmp_path) -> AsyncIterator[BotHarness]:
    harness = BotHarness(tmp_path / "data")
    try:
        await harness.start()
        yield harness
        # Every text any test made the bot send fits in one Telegram message.
        assert harness.oversized_messages() == []
    finally:
        await harness.close()


@pytest.fixture
def admin(bot: BotHarness):
    return bot.user(ADMIN_ID, "Admin", "nl")


@pytest.fixture
async def cohort(bot, admin):
    """A trainer and the two kwartiermakers they invited: Noor (Dutch), Amal (Arabic)."""
    await join(admin)
    trainer = bot.user(TRAINER, "Tessa")
    await join(trainer, await make_invite(admin, "Trainer"))
    code = await make_invite(trainer, uses=2)
    noor, amal = bot.user(NOOR, "Noor"), bot.user(AMAL, "Amal", language_code="ar")
    await join(noor, code)
    await join(amal, code, "العربية")
    return trainer, noor, amal
