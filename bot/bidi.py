"""Right-to-left messages laid out properly: in a message written in Arabic script, every line
starts right-to-left and every run of Latin text (a name, a command, a link, "📍 Amsterdam
Zuidoost") is isolated, so it keeps its own order and cannot pull the line's direction or the
punctuation around it to the left.

Applied on the way out (``bot.delivery``) to every text for a reader whose language is written
right to left; decided by the reader's language, not by the text (a Dutch message that starts
with an Arabic name stays left-to-right).
"""

from __future__ import annotations

import contextvars
import re

RLM = "\u200f"  # right-to-left mark: a strong RTL character that sets the line's direction
LRI, PDI = "\u2066", "\u2069"  # left-to-right isolate ... pop directional isolate

_LATIN = re.compile(r"[A-Za-z\u00c0-\u024f]")
# A Latin run: starts with a Latin letter (or a / of a command, or @), ends with a Latin letter
# or digit (or a closing bracket/quote); in between anything that is neither Arabic script nor
# a line break nor an isolate already.
_RUN = re.compile(
    r"[/@]?[A-Za-z\u00c0-\u024f]"
    r"(?:[^\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufeff\n\u2066-\u2069<>]*"
    r"[A-Za-z0-9\u00c0-\u024f)\]”\"'])?")
_TAG = re.compile(r"(<[^>]*>)")

# Whether the person whose update is being handled reads right to left: set whenever the
# update's translator is chosen (``BotContext.t``), read when a reply is written down.
_reader_rtl: contextvars.ContextVar[bool] = contextvars.ContextVar("reader_rtl", default=False)


def set_reader(rtl: bool) -> None:
    _reader_rtl.set(rtl)


def reader_is_rtl() -> bool:
    return _reader_rtl.get()


def for_reader(parameters: dict, rtl: bool) -> dict:
    """A Bot API call's parameters with its text or caption laid out for the reader."""
    if not rtl:
        return parameters
    html = parameters.get("parse_mode") == "HTML"
    return {**parameters, **{key: fix(parameters[key], html=html)
                             for key in ("text", "caption")
                             if isinstance(parameters.get(key), str) and parameters[key]}}


def _isolate(segment: str) -> str:
    return _RUN.sub(lambda m: f"{LRI}{m.group(0)}{PDI}", segment)


def fix(text: str, *, html: bool = False) -> str:
    """The text ready for a right-to-left reader (unchanged when already done). With ``html``,
    tags are left untouched and only the text between them is isolated (a link's text is, its
    address is not)."""
    if not text or text.startswith(RLM):
        return text
    parts = _TAG.split(text) if html else [text]
    out = "".join(part if html and part.startswith("<") and part.endswith(">") else
                  _isolate(part) for part in parts)
    return "\n".join(RLM + line if line.strip() else line for line in out.split("\n"))


def latin_runs_outside_isolates(text: str) -> list[str]:
    """For tests: Latin words of a right-to-left text that are not inside an isolate."""
    outside, depth = [], 0
    word = ""
    for char in re.sub(r"<[^>]*>", "", text):
        if char in "\u2066\u2067\u2068":
            depth += 1
        elif char == PDI:
            depth = max(depth - 1, 0)
        if depth == 0 and _LATIN.match(char):
            word += char
        elif word:
            outside.append(word)
            word = ""
    if word:
        outside.append(word)
    return outside
