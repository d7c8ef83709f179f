"""Suggested need ↔ offer pairs inside one kwartiermaker's circle.

Score: same category 1.0, related category 0.5; a shared language +0.3; a recent need up to
+0.2 (fading over 60 days). Fairness: a giver with ``MAX_OPEN`` open matches is not
suggested, and no giver appears more often than their remaining room. Pairs already
introduced, dismissed or done are not suggested again.

Needs are visited newest first; a need's best possible score only falls along that order, so
the search stops as soon as no remaining need can beat the current top ``limit``.
"""

from __future__ import annotations

import heapq
from collections import defaultdict
from collections.abc import Mapping
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from datetime import datetime

from bot.services.categories import RELATED

MAX_OPEN = 3
RECENCY_DAYS = 60


@dataclass(frozen=True)
class Candidate:
    item_id: int
    person_id: int
    category: str
    language: str
    created_at: datetime


@dataclass(frozen=True)
class Seen:
    """What the circle already has: open matches per giver, and pairs suggested before."""

    open_matches: Mapping[int, int] = field(default_factory=dict)
    excluded: AbstractSet[tuple[int, int]] = frozenset()


@dataclass(frozen=True)
class Suggestion:
    need: Candidate
    offer: Candidate
    score: float


def _recency(need: Candidate, now: datetime) -> float:
    age_days = max((now - need.created_at).total_seconds() / 86400, 0.0)
    return 0.2 * max(0.0, 1.0 - age_days / RECENCY_DAYS)


def suggest(needs: list[Candidate], offers: list[Candidate], *, now: datetime,
            seen: Seen | None = None, limit: int = 5) -> list[Suggestion]:
    seen = seen or Seen()
    open_matches = seen.open_matches
    related: dict[str, set[str]] = defaultdict(set)
    for pair in RELATED:
        a, b = tuple(pair)
        related[a].add(b)
        related[b].add(a)
    by_category: dict[str, dict[str, list[Candidate]]] = defaultdict(lambda: defaultdict(list))
    for offer in offers:
        if open_matches.get(offer.person_id, 0) < MAX_OPEN:
            by_category[offer.category][offer.language].append(offer)
    room = {pid: MAX_OPEN - open_matches.get(pid, 0) for pid in {o.person_id for o in offers}}

    pool = _Pool(by_category, related, room, seen.excluded)  # room shrinks as pairs are picked
    best: list[tuple[float, int, Suggestion]] = []  # a min-heap of the top ``limit``
    for need in sorted(needs, key=lambda n: n.created_at, reverse=True):
        ceiling = 1.3 + _recency(need, now)
        if len(best) >= limit and ceiling <= best[0][0]:
            break  # no older need can do better
        pick = _best_offer(need, pool, now)
        if pick is None:
            continue
        suggestion = Suggestion(need, pick[1], pick[0])
        entry = (pick[0], -need.item_id, suggestion)
        if len(best) < limit:
            heapq.heappush(best, entry)
        elif entry[:2] > best[0][:2]:
            heapq.heapreplace(best, entry)
        room[pick[1].person_id] -= 1
    return [s for _, _, s in sorted(best, key=lambda e: (-e[0], e[1]))]


@dataclass(frozen=True)
class _Pool:
    """The offers still in play: per category and language, the givers' room, pairs to skip."""

    by_category: dict[str, dict[str, list[Candidate]]]
    related: dict[str, set[str]]
    room: dict[int, int]
    excluded: AbstractSet[tuple[int, int]]


def _best_offer(need: Candidate, pool: _Pool, now: datetime) -> tuple[float, Candidate] | None:
    recency = _recency(need, now)
    found: tuple[float, Candidate] | None = None
    for weight, categories in ((1.0, (need.category,)), (0.5, tuple(pool.related[need.category]))):
        for category in categories:
            languages = pool.by_category.get(category, {})
            ordered = [need.language, *(lang for lang in languages if lang != need.language)]
            for language in ordered:
                for offer in languages.get(language, ()):
                    if offer.person_id == need.person_id or pool.room.get(offer.person_id, 0) <= 0:
                        continue
                    if (need.item_id, offer.item_id) in pool.excluded:
                        continue
                    score = weight + (0.3 if language == need.language else 0.0) + recency
                    if found is None or score > found[0]:
                        found = (score, offer)
                    break  # the first fitting offer of a language is as good as any
            if found is not None and found[0] >= weight + 0.3 + recency:
                return found
        if found is not None:
            return found
    return found
