"""One send budget for both lanes: replies never wait, the outbox takes what is left.

Telegram counts every message against one limit (about 30 a second). aiolimiter paces a
single stream well, but a reply to someone who is typing must never wait behind a broadcast,
so replies cannot queue in the same limiter. Instead every send is noted here, and only the
outbox worker waits until the last second holds fewer than ``rate`` sends.
"""

from __future__ import annotations

import asyncio
import contextvars
import time
from collections import deque
from typing import Any

from telegram.request import BaseRequest, RequestData

# Set while the outbox worker sends, so its sends are not counted twice.
from_outbox: contextvars.ContextVar[bool] = contextvars.ContextVar("from_outbox", default=False)

_COUNTED = ("send", "edit", "copy", "forward")


class SendBudget:
    def __init__(self, rate: float) -> None:
        self.rate = rate
        self._times: deque[float] = deque()

    def note(self) -> None:
        self._times.append(time.monotonic())

    def in_last_second(self) -> int:
        now = time.monotonic()
        while self._times and now - self._times[0] >= 1.0:
            self._times.popleft()
        return len(self._times)

    async def wait_turn(self) -> None:
        """Waits until a send fits in the last second, then reserves it."""
        while self.in_last_second() >= self.rate:
            await asyncio.sleep(max(self._times[0] + 1.0 - time.monotonic(), 0.001))
        self.note()


class PacedRequest(BaseRequest):
    """Wraps the real request object and notes every outgoing message in the budget."""

    def __init__(self, inner: BaseRequest, budget: SendBudget) -> None:
        self.inner, self.budget = inner, budget

    @property
    def read_timeout(self) -> float | None:
        return self.inner.read_timeout

    async def initialize(self) -> None:
        await self.inner.initialize()

    async def shutdown(self) -> None:
        await self.inner.shutdown()

    async def do_request(self, url: str, method: str, request_data: RequestData | None = None,
                         **timeouts: Any) -> tuple[int, bytes]:
        if url.rsplit("/", 1)[-1].startswith(_COUNTED) and not from_outbox.get():
            self.budget.note()
        return await self.inner.do_request(url, method, request_data, **timeouts)
