"""Translating without a PO editor: ``samenbot translations export LANG`` writes a spreadsheet a
volunteer fills in (the English and Dutch source, where the text appears, how long it may be);
``samenbot translations import LANG FILE`` takes it back, refusing rows whose placeholders,
HTML tags or plural forms do not fit, and says what it did row by row."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.plurals import get_plural
from babel.messages.pofile import read_po, write_po
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill

from bot.languages import LANGUAGES

ROOT = Path(__file__).resolve().parent.parent
PLACEHOLDER = re.compile(r"{(\w*)}")
TAG = re.compile(r"</?[a-z]+[^>]*>")
MAX_FORMS = 6
HEADERS = ["key", "where it appears", "English", "Nederlands", "how long", "translation",
           *[f"plural form {n}" for n in range(1, MAX_FORMS)], "note for the reviewer"]
# Where a text appears, by the module it comes from: words a volunteer recognises.
SCREENS = {
    "onboarding": "joining: language, consent, welcome", "share": "/share: needs and offers",
    "intake": "phone intake by a kwartiermaker", "mine": "/mine: what you shared",
    "find": "/find: help nearby", "mapcard": "/find: a place on the social map",
    "agenda": "/agenda and answers to meetings", "notices": "messages the bot sends by itself",
    "events": "/event: planning meetings", "broadcast": "/broadcast: a message to a group",
    "help": "/help", "texts": "/help and welcome", "privacy": "/mydata and /forget",
    "mydata_text": "/mydata", "circle": "/circle and introductions", "engine": "every question",
    "steps": "every question", "pickers": "every question", "categories": "themes",
    "invites": "/invite", "session_log": "/log: a table session", "series": "/series",
    "payments": "/payments", "vouchers": "/voucher", "logbook": "/logbook",
    "overview": "/overview and /table (trainers)", "refer": "/refer: a warm handover",
    "mapkeep": "/mapkeep (trainers)", "attendance": "/attendance", "members": "/members",
    "prompts": "/prompts (trainers)", "claimcard": "the printed card and SMS of an intake",
    "keyboards": "buttons", "app": "when something goes wrong", "private": "group chats",
}


LOCALES = ROOT / "locales"


def _catalog_path(code: str, locales: Path) -> Path:
    return locales / code / "LC_MESSAGES" / "messages.po"


def _read(code: str, locales: Path) -> Catalog:
    with _catalog_path(code, locales).open("rb") as fh:
        return read_po(fh, locale=None if code == "srn" else code)


def _key(message) -> str:
    msgid = message.id if isinstance(message.id, str) else message.id[0]
    return f"{message.context}|{msgid}" if message.context else msgid


def _where() -> dict[str, str]:
    """Which screens each text appears on, from where the code uses it."""
    found: dict[str, set[str]] = {}
    for filename, _line, message, _comments, context in extract_from_dir(
            ROOT / "bot", method_map=[("**.py", "python")], keywords=DEFAULT_KEYWORDS):
        msgid = message if isinstance(message, str) else message[0]
        key = f"{context}|{msgid}" if context else msgid
        stem = Path(filename).stem
        found.setdefault(key, set()).add(SCREENS.get(stem, stem))
    return {key: ", ".join(sorted(places)) for key, places in found.items()}


def _how_long(english: str) -> str:
    """A button or a label stays short; a sentence has at most 15 words."""
    if len(english) <= 40 and not english.rstrip().endswith((".", "?", "!", ":")):
        return f"button: at most {max(len(english) * 3 // 2, 12)} characters"
    return "at most 15 words a sentence"


def export(code: str, target: Path, locales: Path = LOCALES) -> int:
    """Writes the sheet; returns the number of rows (every message, translated or not)."""
    if code not in LANGUAGES:
        raise ValueError(f"not a language we offer: {code}")
    catalog, dutch, where = _read(code, locales), _read("nl", locales), _where()
    forms = catalog.num_plurals
    book = Workbook()
    sheet = book.active
    sheet.title = code
    sheet.append(HEADERS)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    todo = PatternFill("solid", fgColor="FFF2CC")
    rows = 0
    for message in catalog:
        if not message.id:
            continue
        key = _key(message)
        nl = dutch.get(message.id, context=message.context)
        if isinstance(message.id, str):
            english, nl_text = message.id, nl.string if nl else ""
            current = [message.string or ""]
        else:
            english = " / ".join(message.id)
            nl_text = " / ".join(nl.string) if nl else ""
            current = list(message.string) + [""] * (forms - len(message.string))
        sheet.append([key, where.get(key, ""), english, nl_text, _how_long(english),
                      *current[:MAX_FORMS], *[""] * (MAX_FORMS - len(current[:MAX_FORMS])), ""])
        if not all(current[:forms] if not isinstance(message.id, str) else current):
            sheet.cell(row=sheet.max_row, column=6).fill = todo
        rows += 1
    for column, width in zip("ABCDEFGHIJKL", (30, 28, 50, 50, 22, 50, 30, 30, 30, 30, 30, 30),
                             strict=True):
        sheet.column_dimensions[column].width = width
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.column_dimensions["A"].hidden = True  # the key: needed back, not to be touched
    sheet.freeze_panes = "C2"
    note = book.create_sheet("how to")
    for line in (
        f"Translate column F ('translation') into {LANGUAGES[code].native_name}.",
        f"Texts with a number have {forms} forms: F is the first, the next columns the others.",
        "Keep {words in braces}, <b>tags</b>, /commands and emoji exactly as they are.",
        "Short sentences: at most 15 words. Buttons short. Yellow cells still need a text.",
        "Do not change column A (it is hidden). The order of the rows does not matter.",
    ):
        note.append([line])
    book.save(target)
    return rows


@dataclass
class ImportReport:
    updated: int = 0
    unchanged: int = 0
    empty: int = 0
    problems: list[str] = field(default_factory=list)


def _check(message, strings: list[str], forms: int) -> str | None:
    """What is wrong with a translation, or None."""
    if isinstance(message.id, str):
        wanted = set(PLACEHOLDER.findall(message.id))
        got = set(PLACEHOLDER.findall(strings[0]))
        if got != wanted:
            return (f"placeholders must be {sorted(wanted) or 'none'}, found "
                    f"{sorted(got) or 'none'}")
        if sorted(TAG.findall(message.id)) != sorted(TAG.findall(strings[0])):
            return "the HTML tags must stay as in the source"
        return None
    if len(strings) != forms or not all(strings):
        return f"needs all {forms} plural forms"
    allowed = set(PLACEHOLDER.findall(" ".join(message.id)))
    for form in strings:
        if not set(PLACEHOLDER.findall(form)) <= allowed:
            return f"unknown placeholder in {form!r}"
    if set(PLACEHOLDER.findall(strings[-1])) != allowed:
        return f"the last plural form must hold {sorted(allowed)}"
    return None


def import_sheet(code: str, source: Path, locales: Path = LOCALES) -> ImportReport:
    """Takes the filled-in sheet back into the catalog; a row with a problem is left out and
    reported, every other row is applied. Nothing is marked fuzzy."""
    if code not in LANGUAGES:
        raise ValueError(f"not a language we offer: {code}")
    catalog = _read(code, locales)
    forms = get_plural(code if code != "srn" else "nl").num_plurals
    by_key = {_key(m): m for m in catalog if m.id}
    report = ImportReport()
    book = load_workbook(source, read_only=True)
    try:
        rows = list(book[code].iter_rows(min_row=2, values_only=True))
    finally:
        book.close()
    for number, row in enumerate(rows, start=2):
        if not row or not row[0]:
            continue
        message = by_key.get(str(row[0]))
        if message is None:
            report.problems.append(f"row {number}: this text is no longer used; skipped")
            continue
        cells = [("" if v is None else str(v)).strip() for v in row[5:5 + MAX_FORMS]]
        strings = cells[:1] if isinstance(message.id, str) else cells[:forms]
        if not any(strings):
            report.empty += 1
            continue
        problem = _check(message, strings, forms)
        if problem:
            report.problems.append(f"row {number}: {problem}")
            continue
        new = strings[0] if isinstance(message.id, str) else tuple(strings)
        if new == message.string:
            report.unchanged += 1
            continue
        message.string = new
        message.flags.discard("fuzzy")
        report.updated += 1
    with _catalog_path(code, locales).open("wb") as fh:
        write_po(fh, catalog, omit_header=False)
    return report
