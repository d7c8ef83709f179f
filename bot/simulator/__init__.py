"""An in-process stand-in for the Telegram Bot API, used by the console and by the tests."""

from bot.simulator.api import FakeBotApi, SentMessage
from bot.simulator.client import SimulatedUser

__all__ = ["FakeBotApi", "SentMessage", "SimulatedUser"]
