"""Finding help on the social map: by category, by a few (misspelt) words in any language the
entry has, or nearest to a shared location; filters: open now, speaks my language, line."""

from __future__ import annotations

import math
import re
import unicodedata
from bisect import bisect_left, bisect_right
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, tzinfo
from pathlib import Path

from rapidfuzz import fuzz, process, utils

from bot.services import hsds
from bot.services.request import Request
from bot.storage import items as item_store
from bot.storage import socialmap as store
from bot.storage.socialmap import Entry  # also for the flows, which do not import storage

DAY_KEYS = ("mo", "tu", "we", "th", "fr", "sa", "su")
MIN_SCORE = 80
MIN_WORD = 3
# What one search may cost is bounded by what it reads: people type "schulden hulp", not an
# essay, yet Telegram lets anyone send 4,096 characters, and every word is compared with the
# whole vocabulary. Only the first 200 characters and the first 8 distinct words of at most
# 40 letters (longer Dutch compounds are rare; a longer token is not a word) are looked up.
MAX_QUERY_CHARS = 200
MAX_QUERY_WORDS = 8
MAX_WORD_CHARS = 40
# The district the map is for (Amsterdam Zuidoost); a location further away gets a notice.
DISTRICT_CENTRE = (52.3120, 4.9720)
DISTRICT_RADIUS_KM = 15.0


@dataclass(frozen=True)
class Filters:
    open_now: bool = False
    language: str | None = None
    line: int | None = None


def distance_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = (math.sin((lat2 - lat1) / 2) ** 2
         + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2)
    return 2 * 6371.0 * math.asin(math.sqrt(h))


def hours_on(entry: Entry, when: datetime, tz: tzinfo) -> list[list[str]]:
    return entry.hours.get(DAY_KEYS[when.astimezone(tz).weekday()], [])


def is_open(entry: Entry, when: datetime, tz: tzinfo) -> bool:
    now = when.astimezone(tz).strftime("%H:%M")
    return any(opens <= now < closes for opens, closes in hours_on(entry, when, tz))


class SocialMap:
    """The active entries in memory, with a search index over every name and description."""

    def __init__(self, entries: list[Entry], *, include_inactive: bool = False) -> None:
        self.entries = list(entries) if include_inactive else [e for e in entries if e.active]
        # Every word of every name and description (in every language), to the entries that
        # use it: a query is matched word by word, so "schuldhlup" finds "Schuldhulp" and
        # "zwembad op de maan" finds nothing instead of whatever shares "de".
        words: dict[str, set[int]] = {}
        for index, entry in enumerate(self.entries):
            texts = [entry.name, entry.organization_name, entry.description]
            for translation in entry.translations.values():
                texts += [translation.get("name", ""), translation.get("description", "")]
            for text in texts:
                for word in words_of(text):
                    if len(word) >= MIN_WORD:
                        words.setdefault(word, set()).add(index)
        self._vocabulary = sorted(words)  # sorted: the words a prefix starts are adjacent
        self._owners = [words[w] for w in self._vocabulary]
        # The same words shortest first: a word can only score ``cutoff`` against words of a
        # length near its own, so a fuzzy pass compares it with one slice of this list.
        self._by_length = sorted(range(len(self._vocabulary)),
                                 key=lambda i: len(self._vocabulary[i]))
        self._length_words = [self._vocabulary[i] for i in self._by_length]
        self._lengths = [len(w) for w in self._length_words]
        self._name_rank = [0] * len(self.entries)
        for rank, index in enumerate(sorted(range(len(self.entries)),
                                            key=lambda i: self.entries[i].name)):
            self._name_rank[index] = rank
        self._placed = [(i, e.latitude, e.longitude) for i, e in enumerate(self.entries)
                        if e.latitude is not None and e.longitude is not None]

    @property
    def empty(self) -> bool:
        return not self.entries

    def _keep(self, entry: Entry, filters: Filters, now: datetime, tz: tzinfo) -> bool:
        if filters.line is not None and entry.line != filters.line:
            return False
        if filters.language and filters.language not in entry.languages:
            return False
        return not (filters.open_now and not is_open(entry, now, tz))

    def by_category(self, code: str, filters: Filters, now: datetime, tz: tzinfo
                    ) -> list[Entry]:
        return [e for e in self.entries if code in e.categories
                and self._keep(e, filters, now, tz)]

    def by_text(self, query: str, filters: Filters, now: datetime, tz: tzinfo,
                limit: int = 5, themes: Sequence[str] = ()) -> list[Entry]:
        """Entries ranked by how many query words they match, and how well; then, while
        there is room, entries of the ``themes`` the query named."""
        totals: dict[int, float] = {}
        for word in query_words(query):
            # Short words must be nearly exact ("maan" is not "aan"); longer ones may have a
            # typo or two; a word may also be the start of a longer one ("schuld…").
            # Arabic words are short and their plurals change inside ("دين", "ديون"): a
            # little looser there.
            cutoff = MIN_SCORE if len(word) > 5 else (80 if _ARABIC.match(word) else 90)
            by_score: dict[float, list[int]] = {}
            for score, index in self._similar(word, cutoff):
                by_score.setdefault(score, []).append(index)
            if len(word) >= 4:
                by_score.setdefault(90.0, []).extend(self._starting_with(word))
            # An entry counts once per query word, with its best match: the groups of equal
            # score, best first, each adding the entries no better group had. Set operations,
            # because a common word ("voor", "hulp") is in most entries.
            seen: set[int] = set()
            for score in sorted(by_score, reverse=True):
                owners = set().union(*(self._owners[i] for i in by_score[score])) - seen
                seen |= owners
                for owner in owners:
                    totals[owner] = totals.get(owner, 0.0) + score
        # The best first, by name among equals (two stable sorts on plain keys: no tuple per
        # entry, and a common word touches most of them); filtered only until ``limit`` pass.
        ranked = sorted(totals, key=self._name_rank.__getitem__)
        ranked.sort(key=totals.__getitem__, reverse=True)
        found: list[Entry] = []
        for index in ranked:
            entry = self.entries[index]
            if self._keep(entry, filters, now, tz):
                found.append(entry)
                if len(found) == limit:
                    return found
        for code in themes:
            for entry in self.by_category(code, filters, now, tz):
                if entry not in found:
                    found.append(entry)
                    if len(found) == limit:
                        return found
        return found

    def _similar(self, word: str, cutoff: int) -> list[tuple[float, int]]:
        """(score, vocabulary index) of the words at least ``cutoff`` alike. fuzz.ratio is
        200·common/(len a + len b), so only lengths from cutoff/(200−cutoff) to
        (200−cutoff)/cutoff times the word's own can reach it."""
        size = len(word)
        first = bisect_left(self._lengths, -(-cutoff * size // (200 - cutoff)))
        end = bisect_right(self._lengths, (200 - cutoff) * size // cutoff)
        return [(score, self._by_length[first + at]) for _, score, at in process.extract(
            word, self._length_words[first:end], scorer=fuzz.ratio, score_cutoff=cutoff,
            limit=None)]

    def _starting_with(self, prefix: str) -> range:
        """Indexes of the vocabulary words that start with ``prefix`` (a binary search)."""
        vocabulary = self._vocabulary
        first = end = bisect_left(vocabulary, prefix)
        while end < len(vocabulary) and vocabulary[end].startswith(prefix):
            end += 1
        return range(first, end)

    def nearest(self, point: tuple[float, float], filters: Filters, now: datetime, tz: tzinfo,
                limit: int = 5) -> list[tuple[Entry, float]]:
        """Ranks by a flat-earth distance (exact enough within a city, and cheap), then gives
        the great-circle distance of the few that are shown."""
        lat, lon = point
        squeeze = math.cos(math.radians(lat)) ** 2
        order = sorted(self._placed,
                       key=lambda p: (p[1] - lat) ** 2 + squeeze * (p[2] - lon) ** 2)
        found = []
        for index, e_lat, e_lon in order:
            entry = self.entries[index]
            if self._keep(entry, filters, now, tz):
                found.append((entry, distance_km(point, (e_lat, e_lon))))
                if len(found) == limit:
                    break
        return found


_TASHKEEL = re.compile("[\u064b-\u065f\u0670\u0640]")  # Arabic vowel marks and tatweel
_ARABIC_LETTERS = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ة": "ه", "ى": "ي",
                                 "ؤ": "و", "ئ": "ي"})
_ARABIC = re.compile("[\u0600-\u06ff]")
_ARTICLE = ("وال", "بال", "فال", "كال", "ال", "لل")


def fold(text: str) -> str:
    """The same text whatever way it was written: Arabic without vowel marks, with one form of
    alef, ha for ta marbuta and ya for alef maqsura, and Latin letters without their accents
    ("borc" is "borç", "cafe" is "café": people type them interchangeably)."""
    plain = _TASHKEEL.sub("", text).translate(_ARABIC_LETTERS)
    return "".join(c for c in unicodedata.normalize("NFKD", plain) if not unicodedata.combining(c))


def themes_named(query: str, labels: Mapping[str, str]) -> list[str]:
    """The themes whose name, in the reader's language, holds a word of the query (with the
    same tolerance as the map's own words): "borç" finds "💶 Para ve borçlar" even when no
    entry of the map says "borç" in Turkish."""
    wanted = query_words(query)
    found = []
    for code, label in labels.items():
        names = [w for w in words_of(label) if len(w) >= MIN_WORD]
        if any(_alike(word, name) for word in wanted for name in names):
            found.append(code)
    return found


def _alike(word: str, name: str) -> bool:
    cutoff = MIN_SCORE if len(word) > 5 else (80 if _ARABIC.match(word) else 90)
    return (len(word) >= 4 and name.startswith(word)) or fuzz.ratio(word, name) >= cutoff


def words_of(text: str) -> list[str]:
    """The searchable words of a text: folded, lower case, and an Arabic word without its
    article ("الديون" and "ديون" are one word to a reader)."""
    found = []
    for word in utils.default_process(fold(text)).split():
        if _ARABIC.match(word):
            for article in _ARTICLE:
                if word.startswith(article) and len(word) - len(article) >= 3:
                    word = word[len(article):]
                    break
        found.append(word)
    return found


def query_words(query: str) -> list[str]:
    """The words a text search looks up: distinct, of 3 to 40 letters ("de", "op", "in" are
    too short to mean anything), from the first 200 characters, at most 8 of them."""
    found: list[str] = []
    for word in words_of(query[:MAX_QUERY_CHARS]):
        if MIN_WORD <= len(word) <= MAX_WORD_CHARS and word not in found:
            found.append(word)
            if len(found) == MAX_QUERY_WORDS:
                break
    return found


def in_district(point: tuple[float, float]) -> bool:
    return distance_km(point, DISTRICT_CENTRE) <= DISTRICT_RADIUS_KM


_cache: dict[str, tuple[tuple, SocialMap]] = {}


async def load_all(req: Request) -> SocialMap:
    """Every entry, inactive ones too (for the trainers who keep the map)."""
    async with req.db.read() as conn:
        return SocialMap(await store.all_entries(conn), include_inactive=True)


async def load(req: Request) -> SocialMap:
    """The map, rebuilt only when the stored entries changed (also by an import elsewhere)."""
    db = req.db
    async with db.read() as conn:
        current = await store.version(conn)
        cached = _cache.get(str(db.path))
        if cached is not None and cached[0] == current:
            return cached[1]
        social_map = SocialMap(await store.all_entries(conn))
    _cache[str(db.path)] = (current, social_map)
    return social_map


async def import_file(req: Request, path: Path) -> int:
    """Reads, checks and stores a package; nothing is stored if any row is rejected."""
    async with req.db.read() as conn:
        known = {c.code for c in await item_store.categories(conn)}
    entries = hsds.read(path, known)
    async with req.db.tx() as conn:
        for entry in entries:
            await store.upsert(conn, entry, req.now)
    return len(entries)


async def export_file(req: Request, path: Path) -> int:
    async with req.db.read() as conn:
        entries = await store.all_entries(conn)
    hsds.write(entries, path)
    return len(entries)
