"""Where one update's time goes: ``samenbot run`` under cProfile, over HTTP against the
throughput benchmark's Bot API emulator, with strangers writing at a steady rate.

    .venv/bin/python benchmarks/profile_update.py [--rate 120] [--seconds 12] [--top 25]

Prints replies/s and the functions with the most own time per update, then the cumulative
view of the handling path. A profiler slows everything down about 1.5-2x: compare shares, not
absolute rates.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import pstats
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from throughput_api import BotApiEmulator
from throughput_seed import seed

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "123456:TEST"


async def main(opts: argparse.Namespace) -> None:
    work = Path(tempfile.mkdtemp(prefix="samen-profile-"))
    senders = [(1_000_000 + n, "nl", ("hallo",)) for n in range(5000)]  # strangers
    if opts.members:  # residents of a seeded database (10,000 people, 100,000 items)
        seeded = seed(work, people=10_000, items=100_000)
        senders = [(tid, "nl", ("/help", "Hoi! Ik wilde even iets vragen."))
                   for tid in seeded.resident_ids[:5000]]
    api = BotApiEmulator(TOKEN)
    await api.start()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "SAMEN_"))}
    env.update(TELEGRAM_BOT_TOKEN=TOKEN, TELEGRAM_API_BASE_URL=api.base_url,
               SAMEN_DATA_DIR=str(work), SAMEN_LOG_LEVEL="WARNING",
               SAMEN_SEND_RATE="10000", SAMEN_SEND_RATE_UNCHECKED="1")  # the bot, not the pace
    profile = work / "run.prof"
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "cProfile", "-o", str(profile), "-m", "bot", "run", cwd=ROOT,
        env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL)
    while api.first_poll_at is None:
        await asyncio.sleep(0.01)
    start, sent = time.perf_counter(), 0
    while (elapsed := time.perf_counter() - start) < opts.seconds:
        while sent < elapsed * opts.rate:
            user, language, texts = senders[sent % len(senders)]
            api.inject(user, "Visitor", language, texts[(sent // len(senders)) % len(texts)])
            sent += 1
        await asyncio.sleep(0.002)
    deadline = time.perf_counter() + 60
    while api.unanswered() and time.perf_counter() < deadline:
        await asyncio.sleep(0.05)
    took = time.perf_counter() - start
    proc.send_signal(signal.SIGTERM)
    await proc.wait()
    await api.close()
    answered = sent - api.unanswered()
    who = "members" if opts.members else "strangers"
    print(f"{sent} messages from {who} at {opts.rate}/s; {answered} answered in {took:.1f} s "
          f"({answered / took:.0f} replies/s under the profiler)")
    stats = pstats.Stats(str(profile))
    if opts.callers:
        stats.sort_stats("tottime").print_callers(opts.callers)
    print(f"\nown time per update (µs), top {opts.top}:")
    rows = sorted(stats.stats.items(), key=lambda kv: kv[1][2], reverse=True)[:opts.top]
    for (file, line, name), (_cc, calls, own, _cum, _callers) in rows:
        where = f"{Path(file).name}:{line} {name}"
        print(f"  {own / max(answered, 1) * 1e6:8.0f}  {calls / max(answered, 1):6.1f}x  {where}")
    print("\ncumulative time per update (µs) along the handling path:")
    for (file, line, name), (_cc, _calls, _own, cum, _callers) in sorted(
            stats.stats.items(), key=lambda kv: kv[1][3], reverse=True):
        if "/bot/" in file and "site-packages" not in file:
            print(f"  {cum / max(answered, 1) * 1e6:8.0f}  {Path(file).parent.name}/"
                  f"{Path(file).name}:{line} {name}")
            if cum / max(answered, 1) * 1e6 < 150:
                break


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rate", type=float, default=120)
    parser.add_argument("--seconds", type=float, default=12)
    parser.add_argument("--members", action="store_true",
                        help="members of a seeded database write (/help and text), not strangers")
    parser.add_argument("--callers", help="also print who calls functions matching this")
    parser.add_argument("--top", type=int, default=25)
    asyncio.run(main(parser.parse_args()))
