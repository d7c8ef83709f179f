"""A broadcast to N recipients (default 5,000) against a fake Bot API that answers 429 beyond
30 sends in any one-second window, with the bot paced at 29 a second, while residents keep
talking to the bot. Prints: sustained messages a second, 429s received, duplicates, and the
p50/p99 reply time of the interactive stream during the broadcast.

    .venv/bin/python benchmarks/broadcast.py [recipients]
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.app import close_application, create_application, start_application
from bot.config import Settings
from bot.delivery.sending import text_payload
from bot.simulator import FakeBotApi, SimulatedUser
from bot.storage import outbox

BASE_CHAT = 10_000_000


async def interactive(app, api: FakeBotApi, stop: asyncio.Event, timings: list[float]) -> None:
    # About one resident message a second: with the outbox at 29/s that is the whole budget.
    users = [SimulatedUser(app, api, 500 + n, f"Talker{n}") for n in range(5)]
    n = 0
    while not stop.is_set():
        user = users[n % len(users)]
        start = time.perf_counter()
        await user.send("/help")
        timings.append((time.perf_counter() - start) * 1000)
        n += 1
        await asyncio.sleep(1.0)


async def main(recipients: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        settings = Settings(token="1:bench", data_dir=Path(folder), send_rate=29)
        api = FakeBotApi(limit_per_second=30)
        app = await create_application(settings, request=api)
        await start_application(app, deliver=False)
        services = app.bot_data["services"]
        try:
            now = services.clock()
            async with services.db.tx() as conn:
                for n in range(recipients):
                    await outbox.enqueue(conn, person_id=None, chat_id=BASE_CHAT + n,
                                         kind="broadcast", ref="broadcast:1",
                                         payload=text_payload(f"News #{n}"), due_at=now, now=now)
            stop = asyncio.Event()
            timings: list[float] = []
            talker = asyncio.create_task(interactive(app, api, stop, timings))
            started = time.perf_counter()
            await services.delivery.start()
            while True:
                async with services.db.read() as conn:
                    counts = await outbox.counts_by_ref(conn, "broadcast:1")
                if counts.get("sent", 0) + counts.get("failed", 0) + counts.get(
                        "unknown", 0) >= recipients:
                    break
                await asyncio.sleep(0.2)
            elapsed = time.perf_counter() - started
            stop.set()
            await talker
        finally:
            await close_application(app)
    delivered = Counter(chat for chat, messages in api.messages.items()
                        if chat >= BASE_CHAT for _ in messages)
    duplicates = sum(c - 1 for c in delivered.values() if c > 1)
    timings.sort()
    print(f"recipients: {recipients}, delivered: {len(delivered)}, statuses: {counts}")
    print(f"sustained: {len(delivered) / elapsed:.1f} messages/s over {elapsed:.1f} s")
    print(f"429 answers received: {api.rate_limited}")
    print(f"duplicates: {duplicates}")
    print(f"interactive replies during the broadcast: {len(timings)}, "
          f"p50 {statistics.median(timings):.1f} ms, "
          f"p99 {timings[max(0, int(len(timings) * 0.99) - 1)]:.1f} ms")


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 5000))
