"""5,000 social-map entries: p50/p99 of text search (with typos), category search and
nearest-by-location, on the in-memory index the bot keeps; plus the time to build it.

    .venv/bin/python benchmarks/socialmap.py
"""

from __future__ import annotations

import random
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.services.socialmap import Filters, SocialMap
from bot.storage.socialmap import Entry

ENTRIES, RUNS = 5000, 300
CODES = ("money", "company", "paperwork", "transport", "shopping", "children", "homework",
         "youth", "health", "mind", "grief", "household", "cooking", "computer", "language",
         "work", "outings", "repairs", "skills", "listening")
WORDS = ("schuldhulp", "voedselbank", "buurthuis", "huisarts", "taalcafé", "spreekuur",
         "vrijwilligers", "opvoeding", "mantelzorg", "thuiszorg", "formulieren", "uitkering",
         "jongerenwerk", "huiswerk", "computerles", "wandelgroep", "kookclub", "klussendienst",
         "rouwverwerking", "eenzaamheid", "gezondheid", "diabetes", "sport", "naailes",
         "budgetcoach", "buurtteam", "advies", "hulp", "gratis", "inloop")
TYPOS = ("schuldhlup", "voedselbnak", "huisarst", "spreekur", "mantelzrog", "taalcafe",
         "budgetcoch", "kookclb", "naailes", "eenzaamheit")
TZ = ZoneInfo("Europe/Amsterdam")


def entries(rng: random.Random) -> list[Entry]:
    found = []
    for n in range(ENTRIES):
        words = rng.sample(WORDS, 6)
        found.append(Entry(
            id=f"svc-{n}", organization_id=f"org-{n // 3}", organization_name=f"Org {n // 3}",
            name=" ".join(words[:2]).title() + f" {n}", description=" ".join(words[2:]) * 2,
            line=rng.choice((0, 1, 2)), categories=tuple(rng.sample(CODES, 2)),
            languages=tuple(rng.sample(("nl", "en", "ar", "srn", "pap"), 2)), location_id=None,
            location_name="", address="", city="", postal_code="",
            latitude=52.28 + rng.random() * 0.06, longitude=4.92 + rng.random() * 0.09,
            phone="", url="", email="", eligibility="", cost="",
            hours={"mo": [["09:00", "17:00"]], "we": [["13:00", "16:00"]]}, active=True,
            last_verified=None,
            translations={"en": {"name": f"Service {n}", "description": "help and advice"}}))
    return found


def timed(fn, runs: int) -> list[float]:
    result = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        result.append((time.perf_counter() - start) * 1000)
    return sorted(result)


def line(label: str, values: list[float]) -> str:
    return (f"{label}: p50 {statistics.median(values):.2f} ms, "
            f"p99 {values[int(len(values) * 0.99) - 1]:.2f} ms")


def main() -> None:
    rng = random.Random(5)
    data = entries(rng)
    start = time.perf_counter()
    social_map = SocialMap(data)
    built = (time.perf_counter() - start) * 1000
    now = datetime(2026, 12, 2, 13, 0, tzinfo=UTC)
    plain, open_now = Filters(), Filters(open_now=True, language="ar")
    text = timed(lambda: social_map.by_text(rng.choice(TYPOS) + " " + rng.choice(WORDS), plain,
                                            now, TZ), RUNS)
    category = timed(lambda: social_map.by_category(rng.choice(CODES), open_now, now, TZ), RUNS)
    nearest = timed(lambda: social_map.nearest((52.31 + rng.random() * 0.01, 4.97), plain, now,
                                               TZ), RUNS)
    print(f"{ENTRIES} entries, index built in {built:.0f} ms ({RUNS} runs each)")
    print(line("text search (typo + word)", text))
    print(line("category search (open now, Arabic)", category))
    print(line("nearest by location", nearest))


if __name__ == "__main__":
    main()
