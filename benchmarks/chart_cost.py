"""What /table's charts cost: the memory matplotlib adds when it is first imported (so the bot
imports it only when a chart is drawn), and the time to draw the three charts, cold (first
use: import and fonts) and warm (median of 10), in Dutch and in Arabic. A fresh process, so
nothing else was imported before.

    .venv/bin/python benchmarks/chart_cost.py
"""

from __future__ import annotations

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


if __name__ == "__main__":
    main()
