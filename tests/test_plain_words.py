"""Plain words for residents: short sentences everywhere in Dutch and English, and none of the
programme's own words on any screen a resident sees (walked in both languages)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from tests.fakes.resident_walk import walk

LOCALES = Path(__file__).resolve().parent.parent / "locales"
SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\n+")
JARGON = re.compile(r"kwartiermaker|tafelsessie|table session|telegram-nummer|telegram number"
                    r"|\blijn [0-2]\b|\bline [0-2]\b|eerste lijn|first line", re.IGNORECASE)


def words(sentence: str) -> list[str]:
    plain = re.sub(r"<[^>]+>|\{\w*\}", "X", sentence)
    return [w for w in plain.split() if re.search(r"\w", w)]


def long_sentences(text: str) -> list[str]:
    return [s for s in SENTENCE_END.split(text) if len(words(s)) > 15]


@pytest.mark.parametrize("code", ["nl", "en"])
def test_no_sentence_over_fifteen_words(code):
    with (LOCALES / code / "LC_MESSAGES" / "messages.po").open("rb") as fh:
        catalog = read_po(fh, locale=code)
    found = [f"{len(words(s))} words: {s}" for m in catalog if m.id
             for text in (m.string if isinstance(m.string, tuple) else (m.string,))
             for s in long_sentences(text)]
    assert found == []


def test_the_counter_sees_a_long_sentence():
    assert long_sentences("Kort. " + "een " * 16 + "woord.") != []
    assert long_sentences("Kort. " + "een " * 14 + "woord.\n" + "twee " * 10) == []


@pytest.mark.parametrize(("code", "native"), [("nl", "Nederlands"), ("en", "English")])
async def test_a_resident_meets_no_programme_jargon(bot, cohort, code, native):
    shown = await walk(bot, cohort, code, native)
    assert len(shown) > 60  # the walk really went through the screens
    assert [text for text in shown if JARGON.search(text)] == []
    assert [s for text in shown for s in long_sentences(text)] == []
