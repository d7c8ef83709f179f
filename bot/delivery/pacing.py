"""One send budget, shared fairly: no chat, and no crowd of strangers, can starve the outbox,
and members' replies never wait behind a broadcast.

Telegram allows a bot about 30 messages a second in all, about one a second per private chat
(short bursts are tolerated) and 20 a minute per group. Every message the bot sends draws from
one budget of ``rate`` a second (SAMEN_SEND_RATE), counted over the last second, in three kinds:

- replies to members go at once, without waiting for the outbox, as long as members' replies
  hold less than ``MEMBER_SHARE`` of the last second; while the outbox is idle they may use
  the whole budget (a burst of answers after a broadcast is not held to a trickle);
- replies to anyone else (visitors, strangers) wait for room in the budget, and while the
  outbox is busy (it sent in the last second, or a row waits for its turn) they get at most
  ``VISITOR_SHARE`` of it: a crowd of strangers can slow down only strangers;
- the outbox (broadcasts, reminders) takes the rest: at least half of the rate, whatever the
  replies do. Its sends are spread evenly (at most one every 1/rate seconds), not sent in a
  burst whenever the last second empties: Telegram counts its second from other moments than
  ours, and an even stream leaves room for the replies that do not wait.

Before that, a reply waits for its own chat's turn (``ChatPace``: a burst, then one a second).
A chat that writes 30 times a second gets every answer, in order, at Telegram's pace, in its
own lane, and holds nobody else up. Waiting replies are stored rows: nothing is dropped.

aiolimiter was the first choice, but one limiter that everything queues in cannot tell a
member from a stranger, nor keep a reply from waiting behind a broadcast.
"""

from __future__ import annotations

import asyncio
import contextvars
import time
from collections import Counter, deque
from collections.abc import Callable
from typing import Any

from telegram.request import BaseRequest, RequestData

# Set in the tasks of the outbox worker and the reply lanes: their sends took their turn in the
# budget already, so the request object does not count them again.
reserved: contextvars.ContextVar[bool] = contextvars.ContextVar("reserved", default=False)

OUTBOX, MEMBER, VISITOR, OTHER = "outbox", "member", "visitor", "other"
_COUNTED = ("send", "edit", "copy", "forward")


def counted(endpoint: str) -> bool:
    """Whether a Bot API method puts a message in a chat (what Telegram's limits count)."""
    return endpoint.startswith(_COUNTED)


class SendBudget:
    """The sends of the last second, by kind, and the queues of those waiting for their turn.

    Waiters of one kind are served in arrival order; the reply lanes keep one waiter per chat,
    so chats that wait take turns."""

    MEMBER_SHARE = 0.4
    VISITOR_SHARE = 0.08

    def __init__(self, rate: float, *, clock: Callable[[], float] = time.monotonic) -> None:
        self.rate = rate
        self.clock = clock
        self._sent: deque[tuple[float, str]] = deque()
        self._counts: Counter[str] = Counter()
        self._waiting: dict[str, deque[asyncio.Future[None]]] = {
            MEMBER: deque(), VISITOR: deque(), OUTBOX: deque()}
        self._timer: asyncio.TimerHandle | None = None
        self._outbox_at = -1e9  # when the outbox last had its turn

    # the last second ------------------------------------------------------------------------
    def note(self, kind: str = OTHER) -> None:
        self._sent.append((self.clock(), kind))
        self._counts[kind] += 1

    def in_last_second(self, kind: str | None = None) -> int:
        self._expire()
        return len(self._sent) if kind is None else self._counts[kind]

    def _expire(self) -> None:
        now = self.clock()
        while self._sent and now - self._sent[0][0] >= 1.0:
            _, kind = self._sent.popleft()
            self._counts[kind] -= 1

    def waiting(self, kind: str) -> int:
        return sum(not f.done() for f in self._waiting[kind])

    # turns ------------------------------------------------------------------------------------
    async def wait_turn(self) -> None:
        """The outbox's turn: waits until a send fits, then reserves it."""
        await self.turn(OUTBOX)

    async def turn(self, kind: str) -> None:
        """Waits until a send of this kind may go (see the module's rules), then reserves it."""
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiting[kind].append(future)
        self._dispatch()
        await future  # cancelled while waiting: the dispatcher skips it

    def _room(self, kind: str) -> bool:
        if kind == MEMBER and self._counts[MEMBER] < max(1.0, self.rate * self.MEMBER_SHARE):
            return True  # at once, whatever else is going on
        if len(self._sent) >= self.rate:
            return False
        if kind == MEMBER:  # beyond their share only while the outbox is idle
            return not (self._live(OUTBOX) or self._counts[OUTBOX])
        if kind == OUTBOX:
            return self.clock() - self._outbox_at >= 1.0 / self.rate
        if kind == VISITOR and (self._live(OUTBOX) or self._counts[OUTBOX]):
            return self._counts[VISITOR] < max(1.0, self.rate * self.VISITOR_SHARE)
        return True

    def _live(self, kind: str) -> bool:
        queue = self._waiting[kind]
        while queue and queue[0].done():
            queue.popleft()
        return bool(queue)

    def _dispatch(self) -> None:
        """Grants every turn that fits now: members, then visitors within their share, then the
        outbox, then visitors beyond their share (only while the outbox is idle)."""
        self._expire()
        granted = True
        while granted:
            granted = False
            for kind in (MEMBER, VISITOR, OUTBOX):
                if self._live(kind) and self._room(kind):
                    self._waiting[kind].popleft().set_result(None)
                    self.note(kind)
                    if kind == OUTBOX:
                        self._outbox_at = self.clock()
                    granted = True
                    break
        if any(self._live(kind) for kind in self._waiting) and self._timer is None:
            # Room comes back when the oldest send leaves the last second, or when the outbox's
            # spacing has passed.
            now = self.clock()
            moments = [self._sent[0][0] + 1.0] if self._sent else [now]
            if self._live(OUTBOX):
                moments.append(self._outbox_at + 1.0 / self.rate)
            delay = max(min(moments) - now, 0.001)
            self._timer = asyncio.get_running_loop().call_later(delay, self._on_timer)

    def _on_timer(self) -> None:
        self._timer = None
        self._dispatch()


class ChatPace:
    """Each chat's own pace: ``burst`` messages at once, then one every ``interval`` seconds
    (groups: one every ``group_interval``, after ``group_burst``); an ``interval`` of 0 turns
    it off. Callers take one turn at a time per chat (the reply lanes are sequential per chat).
    """

    def __init__(self, interval: float = 1.0, burst: int = 10, *, group_interval: float = 3.0,
                 group_burst: int = 3, clock: Callable[[], float] = time.monotonic) -> None:
        self.interval, self.burst = interval, burst
        self.group_interval, self.group_burst = group_interval, group_burst
        self.clock = clock
        self._next: dict[int, float] = {}  # per chat: when its bucket would be empty again
        self._takes = 0

    def reserve(self, chat_id: int) -> float:
        """Takes the chat's next turn; returns how many seconds to wait for it."""
        if self.interval <= 0:
            return 0.0
        interval, burst = ((self.group_interval, self.group_burst) if chat_id < 0
                           else (self.interval, self.burst))
        now = self.clock()
        due = max(self._next.get(chat_id, now), now)
        self._next[chat_id] = due + interval
        self._takes += 1
        if self._takes % 1000 == 0:  # forget chats whose bucket is full again
            self._next = {chat: t for chat, t in self._next.items() if t > now}
        return max(0.0, due - now - (burst - 1) * interval)


class PacedRequest(BaseRequest):
    """Wraps the real request object and notes in the budget every message that did not take
    its turn already (a broadcast's status edit, say)."""

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
        if counted(url.rsplit("/", 1)[-1]) and not reserved.get():
            self.budget.note(OTHER)
        return await self.inner.do_request(url, method, request_data, **timeouts)
