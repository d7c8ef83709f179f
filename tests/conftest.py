from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.fakes.harness import ADMIN_ID, BotHarness


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
