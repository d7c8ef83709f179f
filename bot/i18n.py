"""Translators per language, with the fallback chain person's language → Dutch → English.

Catalogs are read from ``locales/<lang>/LC_MESSAGES/messages.mo``; when a ``.mo`` is missing or
older than its ``.po`` (a fresh checkout), the ``.po`` is compiled in memory at start-up.
"""

from __future__ import annotations

import gettext
import io
from datetime import date, datetime, tzinfo
from decimal import Decimal
from pathlib import Path

from babel import dates, numbers
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from bot.languages import LANGUAGES

FALLBACK_CHAIN = ("nl", "en")


def _load_catalog(locales_dir: Path, code: str) -> gettext.GNUTranslations | None:
    folder = locales_dir / code / "LC_MESSAGES"
    po, mo = folder / "messages.po", folder / "messages.mo"
    if mo.exists() and (not po.exists() or mo.stat().st_mtime >= po.stat().st_mtime):
        with mo.open("rb") as fh:
            return gettext.GNUTranslations(fh)
    if not po.exists():
        return None
    with po.open("rb") as fh:
        catalog = read_po(fh, locale=code if code != "srn" else None)
    # write_mo skips empty singular entries but fills empty plural forms with the English
    # msgid; drop those so the fallback chain (→ Dutch) answers instead.
    for message in [m for m in catalog if m.id and m.pluralizable and not all(m.string)]:
        catalog.delete(message.id, context=message.context)
    buf = io.BytesIO()
    write_mo(buf, catalog)
    buf.seek(0)
    return gettext.GNUTranslations(buf)


def compile_catalogs(locales_dir: Path) -> list[Path]:
    """Writes ``.mo`` next to every ``.po`` (what ``pybabel compile`` does); returns the files."""
    written = []
    for po in sorted(locales_dir.glob("*/LC_MESSAGES/messages.po")):
        code = po.parent.parent.name
        with po.open("rb") as fh:
            catalog = read_po(fh, locale=code if code != "srn" else None)
        mo = po.with_suffix(".mo")
        with mo.open("wb") as fh:
            write_mo(fh, catalog)
        written.append(mo)
    return written


TIME_24H = "HH:mm"


class Translator:
    """Everything a flow needs to speak to one person: texts, plurals, dates and money."""

    def __init__(self, code: str, translations: gettext.NullTranslations, tz: tzinfo) -> None:
        self.code = code
        self.language = LANGUAGES[code]
        self._t = translations
        self.tz = tz

    def gettext(self, message: str) -> str:
        return self._t.gettext(message)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self._t.ngettext(singular, plural, n)

    def pgettext(self, context: str, message: str) -> str:
        return self._t.pgettext(context, message)

    def format_date(self, value: date, fmt: str = "full") -> str:
        return dates.format_date(value, format=fmt, locale=self.language.babel_locale)

    def format_datetime(self, value: datetime, date_format: str = "long") -> str:
        """Date and time in the person's own order and words, in the programme's zone."""
        local = value.astimezone(self.tz)
        locale = self.language.babel_locale
        pattern = dates.get_datetime_format("medium", locale=locale).replace("'", "")
        return pattern.format(self.format_time(value),
                              dates.format_date(local, date_format, locale=locale))

    def format_time(self, value: datetime) -> str:
        """Always the 24-hour clock (13:30): the one every language of the district reads the
        same, and the one posters, buses and broadcasts use; a 12-hour "1:30 م" next to a
        broadcast's "13:30" would be two times for one meeting."""
        return dates.format_time(value.astimezone(self.tz), TIME_24H,
                                 locale=self.language.babel_locale)

    def format_number(self, value: int | float | Decimal) -> str:
        return numbers.format_decimal(value, locale=self.language.babel_locale)

    def format_money(self, amount: Decimal | int, currency: str = "EUR") -> str:
        return numbers.format_currency(amount, currency, locale=self.language.babel_locale)


class Translations:
    """Loads every catalog once and hands out a Translator per language code."""

    def __init__(self, locales_dir: Path, tz: tzinfo) -> None:
        self.tz = tz
        self._catalogs = {code: _load_catalog(locales_dir, code) for code in LANGUAGES}
        self._cache: dict[str, Translator] = {}

    def has_catalog(self, code: str) -> bool:
        return self._catalogs.get(code) is not None

    def for_language(self, code: str | None) -> Translator:
        code = code if code in LANGUAGES else FALLBACK_CHAIN[0]
        if code not in self._cache:
            chain = [code, *[c for c in FALLBACK_CHAIN if c != code]]
            head: gettext.NullTranslations | None = None
            for lang in chain:
                catalog = self._catalogs.get(lang)
                if catalog is None:
                    continue
                # GNUTranslations keeps a single fallback slot: chain fresh copies.
                link = _copy(catalog)
                if head is None:
                    head = link
                else:
                    head.add_fallback(link)
            self._cache[code] = Translator(code, head or gettext.NullTranslations(), self.tz)
        return self._cache[code]


def _copy(catalog: gettext.GNUTranslations) -> gettext.GNUTranslations:
    clone = gettext.GNUTranslations()
    clone.__dict__.update(catalog.__dict__)
    clone._fallback = None
    return clone


def N_(message: str) -> str:
    """Marks a string for extraction where it is translated later (e.g. in a table)."""
    return message
