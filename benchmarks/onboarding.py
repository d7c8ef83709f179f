"""Prints per-update latency (p50/p99) of whole onboarding journeys, and peak memory.

Every update goes through the real Application, SQLite on disk with synchronous=FULL, and a
persistence write after the update: the worst case a resident's tap can meet.
"""

from __future__ import annotations

import asyncio
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.app import close_application, create_application, start_application
from bot.config import Settings
from bot.simulator import FakeBotApi, SimulatedUser

PEOPLE = 300


async def _new_group_invite(admin: SimulatedUser) -> str:
    await admin.send("/invite")
    await admin.click(2)  # kwartiermaker
    await admin.click(2)  # a group (up to 30)
    replies = await admin.click(3)  # 30 days
    return replies[-1].text.rsplit("start=", 1)[1].split()[0]


async def _journeys(app, api: FakeBotApi) -> list[float]:
    admin = SimulatedUser(app, api, 1, "Admin")
    await admin.send("/start")
    await admin.click(1)
    await admin.click(1)
    timings: list[float] = []
    for n in range(PEOPLE):
        if n % 30 == 0:
            code = await _new_group_invite(admin)
        user = SimulatedUser(app, api, 1000 + n, f"P{n}")
        for step in (lambda u=user, c=code: u.send(f"/start {c}"), lambda u=user: u.click(1),
                     lambda u=user: u.click(1)):
            start = time.perf_counter()
            await step()
            timings.append((time.perf_counter() - start) * 1000)
    return timings


async def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        settings = Settings(token="1:bench", data_dir=Path(folder), admin_ids=frozenset({1}))
        api = FakeBotApi()
        app = await create_application(settings, request=api)
        await start_application(app)
        try:
            timings = await _journeys(app, api)
        finally:
            await close_application(app)
    timings.sort()
    p50 = statistics.median(timings)
    p99 = timings[int(len(timings) * 0.99) - 1]
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"updates: {len(timings)} ({PEOPLE} people joining, 3 updates each)")
    print(f"per update: p50 {p50:.2f} ms, p99 {p99:.2f} ms, max {timings[-1]:.2f} ms")
    print(f"peak memory (max RSS): {peak_mb:.0f} MiB")


if __name__ == "__main__":
    asyncio.run(main())
