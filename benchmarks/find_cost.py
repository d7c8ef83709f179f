"""What one /find by words costs, for a normal query and for the longest text Telegram lets a
person send (4,096 characters), over 5,000 invented social-map entries.

    .venv/bin/python benchmarks/find_cost.py [--runs 200]

The entries are built from invented Dutch-looking words, so the index has a vocabulary of the
size a real map of this many entries would have (thousands of distinct words, not a few dozen).
Prints the median and p99 (wall clock, and CPU time) of ``SocialMap.by_text``, the whole
search the handler runs, for: a normal query with a typo; 4,096 characters of distinct
word-like text (each word near enough to the vocabulary to be looked up in full); 4,096
characters of the words nearly every description has (each matches most entries); 4,096
characters of one word repeated; one 4,096-character token without spaces.
"""

from __future__ import annotations

import argparse
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

ENTRIES = 5000
TELEGRAM_TEXT_MAX = 4096
TZ = ZoneInfo("Europe/Amsterdam")
SYLLABLES = ("schuld", "hulp", "voed", "sel", "bank", "buurt", "huis", "arts", "taal", "café",
             "spreek", "uur", "vrij", "wil", "ligers", "op", "voe", "ding", "mantel", "zorg",
             "thuis", "for", "mu", "lier", "uit", "ke", "ring", "jon", "ge", "ren", "werk",
             "com", "pu", "ter", "les", "wan", "del", "groep", "kook", "club", "klus", "sen",
             "dienst", "rouw", "ver", "wer", "king", "een", "zaam", "heid", "ge", "zond",
             "dia", "be", "tes", "sport", "naai", "bud", "get", "coach", "team", "ad", "vies")
# Words nearly every Dutch description has: a query of them touches most entries.
COMMON = ("voor", "van", "een", "met", "het", "bij", "hulp", "en", "de", "aan", "die", "ook",
          "wij", "jou", "als", "niet", "over", "naar", "mensen", "buurt")
CODES = ("money", "company", "paperwork", "transport", "shopping", "children", "homework",
         "youth", "health", "mind", "grief", "household", "cooking", "computer", "language")


def vocabulary(rng: random.Random, size: int) -> list[str]:
    words: set[str] = set()
    while len(words) < size:
        words.add("".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))))
    return sorted(words)


def entries(rng: random.Random, words: list[str]) -> list[Entry]:
    found = []
    for n in range(ENTRIES):
        found.append(Entry(
            id=f"svc-{n}", organization_id=f"org-{n // 3}",
            organization_name=" ".join(rng.sample(words, 2)).title(),
            name=" ".join(rng.sample(words, 3)).title(),
            description=" ".join(rng.sample(words, 14) + rng.sample(COMMON, 8)) + ".",
            line=rng.choice((0, 1, 2)),
            categories=tuple(rng.sample(CODES, 2)), languages=("nl", "en"), location_id=None,
            location_name="", address="", city="", postal_code="",
            latitude=52.28 + rng.random() * 0.06, longitude=4.92 + rng.random() * 0.09,
            phone="", url="", email="", eligibility="", cost="", hours={}, active=True,
            last_verified=None,
            translations={"en": {"name": " ".join(rng.sample(words, 3)).title(),
                                 "description": " ".join(rng.sample(words, 12))}}))
    return found


def long_query(rng: random.Random, words: list[str]) -> str:
    """Distinct vocabulary words with one letter changed: each has near matches to score."""
    parts: list[str] = []
    while sum(len(p) + 1 for p in parts) < TELEGRAM_TEXT_MAX:
        word = rng.choice(words)
        at = rng.randrange(len(word))
        parts.append(word[:at] + rng.choice("aeiou") + word[at + 1:])
    return " ".join(parts)[:TELEGRAM_TEXT_MAX]


def timed(fn, runs: int) -> tuple[list[float], list[float]]:
    """Wall-clock and CPU milliseconds per run, each sorted. On a busy machine the wall p99
    includes waiting for a core; the CPU figures show what the search itself costs."""
    wall, cpu = [], []
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.thread_time()
        fn()
        wall.append((time.perf_counter() - start) * 1000)
        cpu.append((time.thread_time() - start_cpu) * 1000)
    return sorted(wall), sorted(cpu)


def p99(values: list[float]) -> float:
    return values[max(0, int(len(values) * 0.99) - 1)]


def line(label: str, wall: list[float], cpu: list[float]) -> str:
    return (f"{label:<38} median {statistics.median(wall):7.2f} ms  p99 {p99(wall):7.2f} ms"
            f"   (CPU median {statistics.median(cpu):7.2f}, p99 {p99(cpu):7.2f})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=200)
    args = parser.parse_args()
    rng = random.Random(12)
    words = vocabulary(rng, 12000)
    start = time.perf_counter()
    social_map = SocialMap(entries(rng, words))
    built = (time.perf_counter() - start) * 1000
    now, plain = datetime(2026, 12, 2, 13, 0, tzinfo=UTC), Filters()
    queries = {
        "normal (\"schuldhlup voedselbank\")": "schuldhlup voedselbank",
        "4,096 chars of distinct words": long_query(rng, words),
        "4,096 chars of the most common words": (" ".join(COMMON) + " ") * 40,
        "4,096 chars, one word repeated": ("schuldhulp " * 400)[:TELEGRAM_TEXT_MAX],
        "4,096 chars, one token": "a" * TELEGRAM_TEXT_MAX,
    }
    print(f"{ENTRIES} entries, {len(social_map._vocabulary)} distinct words, index built in "
          f"{built:.0f} ms; {args.runs} runs each")
    for label, query in queries.items():
        assert len(query) <= TELEGRAM_TEXT_MAX
        print(line(label, *timed(lambda q=query: social_map.by_text(q, plain, now, TZ),
                                 args.runs)), flush=True)


if __name__ == "__main__":
    main()
