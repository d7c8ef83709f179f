"""Arabic laid out right to left: every screen a resident meets, rendered in Arabic, starts
each line right-to-left and isolates every run of Latin text (names, places, commands, links);
times are on the 24-hour clock like everywhere else."""

from __future__ import annotations

import re

from bot import bidi
from tests.fakes.resident_walk import walk

ARABIC = re.compile(r"[\u0600-\u06ff]")


async def test_every_arabic_screen_isolates_latin_and_uses_the_24_hour_clock(bot, cohort):
    shown = await walk(bot, cohort, "ar", "العربية", raw=True)
    arabic = [text for text in shown
              if ARABIC.search(text) and ("\n" in text or re.search(r"[A-Za-z]", text))]
    assert len(arabic) > 20  # the walk met many Arabic screens with Latin inside
    loose = {text[:60]: bidi.latin_runs_outside_isolates(text) for text in arabic
             if bidi.latin_runs_outside_isolates(text) and not _is_button(text, shown)}
    assert loose == {}
    lines = [line for text in arabic if not _is_button(text, shown)
             for line in text.split("\n") if line.strip()]
    assert all(line.startswith(bidi.RLM) for line in lines)
    times = [t for text in shown for t in re.findall(r"\d{1,2}:\d{2}(?:\s*[صم])?", text)]
    assert "13:30" in times  # the meeting at half past one, as the broadcasts write it
    assert not [t for t in times if t[-1] in "صم"]  # never "1:30 م"


def _is_button(text: str, shown: list[str]) -> bool:
    """Button labels are one short line each; Telegram lays them out by themselves."""
    return "\n" not in text and len(text) < 40


def test_isolation_keeps_html_tags_and_is_done_once():
    html = 'مرحبا <a href="tg://user?id=1">Lina</a> و <b>Omar &amp; Co</b>!'
    fixed = bidi.fix(html, html=True)
    assert '<a href="tg://user?id=1">' in fixed and "<b>" in fixed  # tags untouched
    assert bidi.latin_runs_outside_isolates(fixed) == []
    assert bidi.fix(fixed, html=True) == fixed
    assert bidi.latin_runs_outside_isolates(html) == ["Lina", "Omar", "amp", "Co"]
