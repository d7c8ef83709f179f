"""The matching rules on plain values: category, related category, language, recency,
fairness, and that the early stop never misses a better pair."""

from __future__ import annotations

import itertools
import random
from datetime import UTC, datetime, timedelta

import pytest

from bot.services.categories import RELATED
from bot.services.matching import MAX_OPEN, Candidate, Seen, _recency, suggest

NOW = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)
ids = itertools.count(1)


def item(person: int, category: str, language: str = "nl", days_old: float = 1) -> Candidate:
    return Candidate(next(ids), person, category, language, NOW - timedelta(days=days_old))


def test_same_category_and_language_first():
    need = item(1, "shopping", "ar")
    same = item(2, "shopping", "ar")
    other_language = item(3, "shopping", "nl")
    related = item(4, "cooking", "ar")
    found = suggest([need], [related, other_language, same], now=NOW, seen=Seen({}, set()))
    assert [s.offer for s in found] == [same]
    found = suggest([need], [related, other_language], now=NOW, seen=Seen({}, set()))
    assert found[0].offer == other_language  # same category beats a related one
    found = suggest([need], [related], now=NOW, seen=Seen({}, set()))
    assert found[0].offer == related and found[0].score < 1.0


def test_never_with_yourself_nor_a_pair_seen_before():
    need = item(1, "shopping")
    own = item(1, "shopping")
    seen = item(2, "shopping")
    assert suggest([need], [own], now=NOW, seen=Seen({}, set())) == []
    assert suggest([need], [seen], now=NOW,
                   seen=Seen({}, {(need.item_id, seen.item_id)})) == []


def test_fairness_no_giver_beyond_a_few_open_matches():
    giver_offer = item(9, "company")
    needs = [item(p, "company") for p in range(1, 8)]
    found = suggest(needs, [giver_offer], now=NOW, seen=Seen({}, set()), limit=7)
    assert len(found) == MAX_OPEN
    found = suggest(needs, [giver_offer], now=NOW, seen=Seen({9: MAX_OPEN - 1}, set()),
                    limit=7)
    assert len(found) == 1
    assert suggest(needs, [giver_offer], now=NOW, seen=Seen({9: MAX_OPEN}, set()),
                   limit=7) == []


def test_recent_needs_come_first():
    old, new = item(1, "homework", days_old=50), item(2, "homework", days_old=1)
    offers = [item(3, "homework"), item(4, "homework")]
    found = suggest([old, new], offers, now=NOW, seen=Seen({}, set()), limit=2)
    assert [s.need for s in found] == [new, old]


@pytest.mark.parametrize("seed", range(20))
def test_early_stop_finds_the_best_scores(seed):
    """Against brute force on random circles (no fairness limit in play)."""
    rng = random.Random(seed)
    codes = sorted({c for pair in RELATED for c in pair})
    needs = [item(rng.randrange(40), rng.choice(codes), rng.choice(("nl", "ar")),
                  rng.uniform(0, 90)) for _ in range(60)]
    offers = [item(100 + n, rng.choice(codes), rng.choice(("nl", "ar")), 1) for n in range(60)]
    found = suggest(needs, offers, now=NOW, seen=Seen({}, set()), limit=5)

    def score(need, offer):
        base = 1.0 if need.category == offer.category else (
            0.5 if frozenset((need.category, offer.category)) in RELATED else None)
        if base is None:
            return None
        return base + (0.3 if need.language == offer.language else 0) + _recency(need, NOW)

    best_per_need = sorted((max(s for o in offers if (s := score(n, o)) is not None)
                            for n in needs if any(score(n, o) is not None for o in offers)),
                           reverse=True)[:5]
    assert [round(s.score, 6) for s in found] == [round(s, 6) for s in best_per_need]
