"""The category grid shared by needs, offers (and later session logs and the social map).

Codes and emojis are rows in the ``category`` table, so trainers can add more; the names of
the built-in ones are gettext messages, translated like every other text.
"""

from __future__ import annotations

from bot.i18n import Translator
from bot.storage.items import Category  # the stored row (code, emoji); its names are below


def _label(t: Translator, code: str) -> str | None:
    labels = {
        "money": t.pgettext("category", "Money and debts"),
        "company": t.pgettext("category", "Company"),
        "paperwork": t.pgettext("category", "Forms and letters"),
        "transport": t.pgettext("category", "Transport"),
        "shopping": t.pgettext("category", "Shopping"),
        "children": t.pgettext("category", "Children"),
        "homework": t.pgettext("category", "Homework help"),
        "youth": t.pgettext("category", "Young people"),
        "health": t.pgettext("category", "Health"),
        "mind": t.pgettext("category", "Feeling down"),
        "grief": t.pgettext("category", "Grief"),
        "household": t.pgettext("category", "Household help"),
        "cooking": t.pgettext("category", "Cooking and food"),
        "computer": t.pgettext("category", "Computer and phone"),
        "language": t.pgettext("category", "Learning Dutch"),
        "work": t.pgettext("category", "Work and jobs"),
        "outings": t.pgettext("category", "Outings"),
        "repairs": t.pgettext("category", "Odd jobs"),
        "skills": t.pgettext("category", "Skills to share"),
        "listening": t.pgettext("category", "A listening ear"),
        "told": t.pgettext("category", "Told by voice"),
    }
    return labels.get(code)


# Categories close enough that a giver in one may help with the other (both directions).
RELATED: frozenset[frozenset[str]] = frozenset(frozenset(pair) for pair in (
    ("money", "paperwork"), ("paperwork", "computer"), ("paperwork", "language"),
    ("company", "outings"), ("company", "listening"), ("grief", "listening"),
    ("mind", "listening"), ("mind", "company"), ("homework", "language"),
    ("homework", "children"), ("children", "youth"), ("cooking", "shopping"),
    ("household", "repairs"), ("health", "transport"), ("work", "paperwork"),
    ("skills", "youth"),
))


def related(a: str, b: str) -> bool:
    return frozenset((a, b)) in RELATED


def label(t: Translator, category: Category) -> str:
    """The emoji and the name in the reader's language (the code for one without a name)."""
    return f"{category.emoji} {_label(t, category.code) or category.code}"
