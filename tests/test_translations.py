"""Catalogs: complete in Dutch and English, consistent placeholders and plurals, clean fallback."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from babel.messages.plurals import get_plural
from babel.messages.pofile import read_po

from bot.i18n import Translations
from bot.languages import LANGUAGES

LOCALES = Path(__file__).resolve().parent.parent / "locales"
PLACEHOLDER = re.compile(r"{(\w*)}")
TZ = ZoneInfo("Europe/Amsterdam")


def catalog(code: str):
    with (LOCALES / code / "LC_MESSAGES" / "messages.po").open("rb") as fh:
        return read_po(fh, locale=None if code == "srn" else code)


def entries(code: str):
    return [m for m in catalog(code) if m.id]


def test_every_language_has_a_catalog():
    assert sorted(p.name for p in LOCALES.iterdir() if p.is_dir()) == sorted(LANGUAGES)


@pytest.mark.parametrize("code", sorted(LANGUAGES))
def test_every_language_is_complete(code):
    """Every language we offer is complete: a resident never meets a Dutch screen in between."""
    for message in entries(code):
        assert "fuzzy" not in message.flags, message.id
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        assert all(strings), f"{code}: untranslated {message.id!r}"


@pytest.mark.parametrize("code", sorted(set(LANGUAGES) - {"nl", "en"}))
def test_each_draft_says_its_review_state(code):
    head = (LOCALES / code / "LC_MESSAGES" / "messages.po").read_text(encoding="utf-8")[:2000]
    assert re.search(r"^# Review state: .+", head, re.MULTILINE), code


def test_catalogs_hold_every_message_of_the_template():
    with (LOCALES / "messages.pot").open("rb") as fh:
        template = {(m.context, m.id if isinstance(m.id, str) else m.id[0])
                    for m in read_po(fh) if m.id}
    for code in LANGUAGES:
        ids = {(m.context, m.id if isinstance(m.id, str) else m.id[0]) for m in entries(code)}
        assert ids == template, code


@pytest.mark.parametrize("code", list(LANGUAGES))
def test_placeholders_match(code):
    for message in entries(code):
        if isinstance(message.id, str):
            if message.string:
                assert set(PLACEHOLDER.findall(message.string)) == set(
                    PLACEHOLDER.findall(message.id)), (code, message.id)
            continue
        allowed = set(PLACEHOLDER.findall(" ".join(message.id)))
        for form in message.string:
            # A form may leave out the number (Arabic says "one day", "two days" in words).
            assert set(PLACEHOLDER.findall(form)) <= allowed, (code, message.id, form)
        # The general form must carry every placeholder.
        if message.string[-1]:
            assert set(PLACEHOLDER.findall(message.string[-1])) == allowed, (code, message.id)


@pytest.mark.parametrize("code", list(LANGUAGES))
def test_plural_forms_fit_the_language(code):
    cat = catalog(code)
    expected = get_plural(code if code != "srn" else "nl")
    assert cat.num_plurals == expected.num_plurals, code
    for message in entries(code):
        if not isinstance(message.id, str):
            assert len(message.string) == expected.num_plurals, (code, message.id)


@pytest.mark.parametrize("code", list(LANGUAGES))
def test_plural_entries_are_translated_whole(code):
    """pybabel compile would fill an untranslated plural with English; so none may be left."""
    for message in entries(code):
        if message.pluralizable:
            assert all(message.string), (code, message.id)


def test_an_untranslated_plural_falls_back_to_dutch(tmp_path):
    locales = tmp_path / "locales"
    for code in ("nl", "pap"):
        (locales / code / "LC_MESSAGES").mkdir(parents=True)
    (locales / "nl" / "LC_MESSAGES" / "messages.po").write_bytes(
        (LOCALES / "nl" / "LC_MESSAGES" / "messages.po").read_bytes())
    text = (LOCALES / "pap" / "LC_MESSAGES" / "messages.po").read_text("utf-8")
    text = text.replace('msgstr[0] "{n} dia"', 'msgstr[0] ""').replace(
        'msgstr[1] "{n} dia"', 'msgstr[1] ""')
    (locales / "pap" / "LC_MESSAGES" / "messages.po").write_text(text, "utf-8")
    t = Translations(locales, TZ).for_language("pap")
    assert t.ngettext("{n} day", "{n} days", 7).format(n=7) == "7 dagen"


def test_arabic_uses_six_plural_forms():
    t = Translations(LOCALES, TZ).for_language("ar")
    assert [t.ngettext("{n} day", "{n} days", n).format(n=n) for n in (1, 2, 3, 11, 100)] == [
        "يوم واحد", "يومان", "3 أيام", "11 يومًا", "100 يوم"]


def test_missing_text_falls_back_to_dutch_then_english(tmp_path):
    t = Translations(LOCALES, TZ).for_language("pap")
    assert t.gettext("Choose your language:") == "Skohe bo idioma:"
    # A text Papiamentu does not have (yet) comes in Dutch.
    partial = tmp_path / "partial"
    for code in ("nl", "pap"):
        (partial / code / "LC_MESSAGES").mkdir(parents=True)
    (partial / "nl" / "LC_MESSAGES" / "messages.po").write_bytes(
        (LOCALES / "nl" / "LC_MESSAGES" / "messages.po").read_bytes())
    text = (LOCALES / "pap" / "LC_MESSAGES" / "messages.po").read_text("utf-8")
    text = text.replace('msgid "Whom do you want to invite?"\nmsgstr "Ken bo ke invitá?"',
                        'msgid "Whom do you want to invite?"\nmsgstr ""')
    (partial / "pap" / "LC_MESSAGES" / "messages.po").write_text(text, "utf-8")
    missing = Translations(partial, TZ).for_language("pap")
    assert missing.gettext("Whom do you want to invite?") == "Wie wil je uitnodigen?"
    # A catalog-less language still never shows a blank.
    bare = tmp_path / "locales"
    (bare / "en" / "LC_MESSAGES").mkdir(parents=True)
    (bare / "en" / "LC_MESSAGES" / "messages.po").write_bytes(
        (LOCALES / "en" / "LC_MESSAGES" / "messages.po").read_bytes())
    assert Translations(bare, TZ).for_language("nl").gettext("Do you agree?") == "Do you agree?"


def test_dates_follow_the_persons_locale_and_summer_time():
    translations = Translations(LOCALES, TZ)
    winter = datetime(2026, 12, 6, 10, 0, tzinfo=UTC)
    summer = datetime(2026, 7, 6, 10, 0, tzinfo=UTC)
    assert translations.for_language("nl").format_datetime(winter) == "6 december 2026, 11:00"
    assert translations.for_language("nl").format_datetime(summer) == "6 juli 2026, 12:00"
    # Sranan Tongo has no CLDR data: formatted like Dutch.
    assert translations.for_language("srn").format_datetime(winter) == "6 december 2026, 11:00"
    assert "ديسمبر" in translations.for_language("ar").format_datetime(winter)
    assert translations.for_language("nl").format_money(40) == "€\xa040,00"


@pytest.mark.parametrize("code", list(LANGUAGES))
def test_every_text_fits_a_telegram_message(code):
    for message in entries(code):
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for text in strings:
            assert len(text.format_map(_Long())) < 4096, (code, message.id)


class _Long(dict):
    """Fills every placeholder with 64 characters, a generous name or link."""

    def __missing__(self, key: str) -> str:
        return "x" * 64


def test_the_template_holds_every_text_of_the_code():
    """Texts declared as data (``N_``) and in calls alike: none is missing from the catalogs."""
    from babel.messages.extract import extract_from_dir

    root = LOCALES.parent
    found = {message for _file, _line, message, _comments, _context in extract_from_dir(
        str(root / "bot"), method_map=[("**.py", "python")])}
    ids = {m if isinstance(m, str) else m[0] for m in found}
    with (LOCALES / "messages.pot").open("rb") as fh:
        template = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(fh) if m.id}
    assert ids - template == set()
