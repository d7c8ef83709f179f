"""What /table's charts cost: the memory matplotlib adds when it is first imported (so the bot
imports it only when a chart is drawn), and the time to draw the three charts, cold (first
use: import and fonts) and warm (median of 10), in Dutch and in Arabic. A fresh process, so
nothing else was imported before. Then what others wait meanwhile: the real Application (fake
Bot API, SQLite on disk) answers a stranger every 20 ms, once idle and once while a chat's
lane draws the three charts in its worker thread (as after a trainer's /table); prints the
p50/p99 of those answers and how long the drawing took.

    .venv/bin/python benchmarks/chart_cost.py
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import time
from datetime import date
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def rss_mib() -> float:
    """Resident memory now (VmRSS), in MiB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def figures():
    from bot.services.charts import Figures

    months = [(date(2025 + (m > 12), (m - 1) % 12 + 1, 1), s, s * 6)
              for m, s in zip(range(12, 24), (2, 3, 1, 0, 4, 5, 3, 2, 6, 4, 1, 3), strict=True)]
    codes = ("money", "company", "paperwork", "transport", "shopping", "children", "homework",
             "health", "cooking", "computer", "language", "work", "skills")
    themes = [(c, i % 7 + 1, (i * 5) % 6) for i, c in enumerate(codes)]
    referrals = [(0, "helped", 4), (0, "waiting", 2), (1, "helped", 3), (1, "not_helped", 1),
                 (1, "open", 5), (2, "other", 1), (2, "waiting", 2)]
    return Figures(months, themes, referrals)


def main() -> None:
    import bot.services.charts as charts  # the bot's own modules, without matplotlib
    from bot.i18n import Translations

    assert "matplotlib" not in sys.modules, "imported at start-up: it should wait for a chart"
    before = rss_mib()
    start = time.perf_counter()
    charts._setup()  # imports matplotlib, registers the fonts, reads the font's characters
    imported = time.perf_counter() - start
    print(f"import matplotlib + fonts: {imported * 1000:.0f} ms, "
          f"RSS {before:.1f} -> {rss_mib():.1f} MiB (+{rss_mib() - before:.1f})")

    translations = Translations(Path(__file__).resolve().parents[1] / "locales",
                                ZoneInfo("Europe/Amsterdam"))
    loaded = rss_mib()
    for code in ("nl", "ar"):
        t = translations.for_language(code)
        made = charts.charts(t, figures(), themes={}, lines={0: "0", 1: "1", 2: "2"},
                             outcomes={})
        times, cpu, sizes = [], [], []
        for _ in range(11):
            charts.render.cache_clear()
            start, started = time.perf_counter(), time.process_time()
            pngs = [charts.draw(charts.as_data(chart)) for chart in made]  # as the lanes do
            times.append(time.perf_counter() - start)
            cpu.append(time.process_time() - started)
            sizes = [len(p) for p in pngs]
        print(f"{code}: three charts first {times[0] * 1000:.0f} ms, then median "
              f"{statistics.median(times[1:]) * 1000:.0f} ms wall, "
              f"{statistics.median(cpu[1:]) * 1000:.0f} ms CPU; PNG sizes {sizes} bytes")
    start = time.perf_counter()
    [charts.draw(charts.as_data(chart)) for chart in made]
    print(f"the same figures again (cached): {(time.perf_counter() - start) * 1000:.2f} ms")
    print(f"RSS after drawing 22 rounds of three: {rss_mib():.1f} MiB "
          f"(+{rss_mib() - loaded:.1f} over the imported library and the catalogs)")
    asyncio.run(others_meanwhile(made))


async def others_meanwhile(made: list) -> None:
    """A stranger writes every 20 ms; each answer's time from handing the update over to the
    reply reaching the fake Bot API, idle and while the charts are drawn for another chat."""
    import tempfile

    from bot.app import close_application, create_application, start_application
    from bot.config import Settings
    from bot.delivery.journal import Call
    from bot.services import charts
    from bot.simulator import FakeBotApi, SimulatedUser

    root = Path(__file__).resolve().parents[1]
    api = FakeBotApi()
    settings = Settings(token="123456:TEST", data_dir=Path(tempfile.mkdtemp()) / "data",
                        admin_ids=frozenset(), locales_dir=root / "locales",
                        migrations_dir=root / "migrations")
    app = await create_application(settings, request=api)
    await start_application(app, deliver=False)
    lanes = app.bot_data["services"].lanes
    lanes.pace.interval = 0.0  # the bot's own time, not Telegram's pace (a chat's burst and
    lanes.budget.rate = 10_000  # the 25 a second of the send budget)
    stranger = SimulatedUser(app, api, 5000, "Onbekend")

    async def answers(count: int) -> list[float]:
        times = []
        for _ in range(count):
            before, start = len(stranger.inbox), time.perf_counter()
            await app.process_update(stranger.text_update("hallo"))
            while len(stranger.inbox) == before:
                await asyncio.sleep(0)
            times.append((time.perf_counter() - start) * 1000)
            await asyncio.sleep(0.02)
        return times

    await answers(20)  # warm
    idle = await answers(100)
    charts.render.cache_clear()
    calls = [Call("sendPhoto", {"chat_id": 4000, "caption": chart.caption}, make={
        "kind": "chart", "data": charts.as_data(chart), "field": "photo",
        "filename": "chart.png", "mime": "image/png"}) for chart in made]
    start = time.perf_counter()
    lanes.submit(4000, [(0, call) for call in calls])
    drawing: list[float] = []
    while len(api.chat(4000)) < len(calls):
        drawing += await answers(1)
    took = time.perf_counter() - start
    await close_application(app)

    def p(values: list[float], q: float) -> float:
        ranked = sorted(values)
        return ranked[min(len(ranked) - 1, int(q * len(ranked)))]

    print(f"a stranger answered every 20 ms: idle p50 {p(idle, 0.5):.1f} ms, p99 "
          f"{p(idle, 0.99):.1f} ms; while another chat's three charts were drawn ({took:.2f} s, "
          f"{len(drawing)} answers): p50 {p(drawing, 0.5):.1f} ms, p99 {p(drawing, 0.99):.1f} ms")


if __name__ == "__main__":
    main()
