"""callback_data codec: short prefixes plus ids or codes, at most 64 bytes, parsed defensively.

Callback data comes from the client and is untrusted: every parser returns ``None`` for
anything it does not recognise, and handlers re-check rights on the server.
"""

from __future__ import annotations

import re

from bot.languages import LANGUAGES

MAX_BYTES = 64

# Prefixes, one per kind of button.
SET_LANG = "lang"
INVITE_ROLE = "inv:role"
INVITE_USES = "inv:uses"
INVITE_DAYS = "inv:days"
INVITE_REVOKE = "inv:revoke"
FORGET_YES = "fgt:yes"
FORGET_NO = "fgt:no"
RSVP_YES = "rv:y"
RSVP_NO = "rv:n"
RSVP_REASON = "rv:r"
ICS = "ics"
MATCH_YES = "mt:y"
MATCH_NO = "mt:n"
FOLLOW_UP = "mf"
REFERRAL = "rf"
TALK = "ct"  # requests for an individual talk (bot.flows.consult)
GROUP_ANSWER = "ga"  # a participant's answer to a group activity: ga:<seat>:<1|0>
GROUP_HOST = "gh"  # the offerer's one answer for the group: gh:<group>:<1|0>
GROUP_FOLLOW_UP = "gf"  # a participant's follow-up: gf:<seat>:<1|2|3>
GROUP_HOST_FOLLOW_UP = "gk"  # the offerer's one follow-up: gk:<group>:<1|2|3>

_PART = re.compile(r"^[A-Za-z0-9_-]{1,40}$")


def encode(prefix: str, *parts: str | int) -> str:
    data = ":".join([prefix, *(str(p) for p in parts)])
    if len(data.encode()) > MAX_BYTES:
        raise ValueError(f"callback data too long: {data!r}")
    return data


def pattern(prefix: str) -> str:
    """A regex for CallbackQueryHandler matching exactly this prefix."""
    return rf"^{re.escape(prefix)}(:|$)"


def arg(data: str | None, prefix: str) -> str | None:
    """The single argument after ``prefix:``, or None when the data is malformed."""
    if not data or not data.startswith(prefix + ":"):
        return None
    rest = data[len(prefix) + 1:]
    return rest if _PART.match(rest) else None


def int_args(data: str | None, prefix: str, count: int) -> list[int] | None:
    """``count`` non-negative integers after the prefix (``rv:y:12:1796000000``)."""
    if not data or not data.startswith(prefix + ":"):
        return None
    parts = data[len(prefix) + 1:].split(":")
    if len(parts) != count or not all(_digits(p) for p in parts):
        return None
    return [int(p) for p in parts]


def int_arg(data: str | None, prefix: str, choices: tuple[int, ...] | None = None) -> int | None:
    raw = arg(data, prefix)
    if raw is None or not _digits(raw):
        return None
    value = int(raw)
    if choices is not None and value not in choices:
        return None
    return value


def language_arg(data: str | None, prefix: str) -> str | None:
    code = arg(data, prefix)
    return code if code in LANGUAGES else None


def _digits(part: str) -> bool:
    """ASCII digits only: "²" and "٣" are digits to ``str.isdigit`` but not to ``int``."""
    return 0 < len(part) <= 12 and part.isascii() and part.isdigit()
