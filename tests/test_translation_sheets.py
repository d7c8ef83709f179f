"""A volunteer translates in a spreadsheet: export, fill in, import; rows that would break the
bot (a lost placeholder, a missing plural form, a changed tag) are refused and reported."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po
from openpyxl import load_workbook

from bot import translation_sheets as sheets

ROOT = Path(__file__).resolve().parent.parent


def catalog(locales: Path, code: str):
    with (locales / code / "LC_MESSAGES" / "messages.po").open("rb") as fh:
        return read_po(fh, locale=code)


def rows_by_english(book, code: str) -> dict[str, int]:
    return {row[2].value: row[0].row for row in book[code].iter_rows(min_row=2)}


def test_export_fill_in_and_import_with_a_report(tmp_path):
    locales = tmp_path / "locales"
    shutil.copytree(ROOT / "locales", locales)
    sheet = tmp_path / "es.xlsx"
    count = sheets.export("es", sheet, locales)
    book = load_workbook(sheet)
    header = [c.value for c in book["es"][1]]
    assert header[:6] == ["key", "where it appears", "English", "Nederlands", "how long",
                          "translation"]
    assert count == book["es"].max_row - 1 > 500
    rows = rows_by_english(book, "es")
    ws = book["es"]
    welcome = rows["Welcome, {name}! You are now part of SAMENredzaam as: {role}."]
    assert "welcome" in ws.cell(welcome, 2).value  # where a volunteer meets it
    assert ws.cell(welcome, 4).value.startswith("Welkom, {name}!")  # the Dutch source beside
    ws.cell(welcome, 6).value = "¡Bienvenida/o, {name}! Ahora participa como: {role}."
    broken = rows["Saved as {theme}. It can now be matched."]
    ws.cell(broken, 6).value = "Guardado como {tema}."  # a translated placeholder
    plural = rows["{n} day / {n} days"]
    ws.cell(plural, 6).value = "{n} día"
    ws.cell(plural, 7).value = "{n} días"
    ws.cell(plural, 8).value = None  # only two of Spanish's three forms
    bold = rows["Before we start"]
    ws.cell(bold, 6).value = "Antes de empezar, por favor"
    book.save(sheet)

    report = sheets.import_sheet("es", sheet, locales)
    assert report.updated == 2  # the welcome and "Before we start"
    assert report.problems == [
        f"row {broken}: placeholders must be ['theme'], found ['tema']",
        f"row {plural}: needs all 3 plural forms"]
    es = catalog(locales, "es")
    assert es.get("Welcome, {name}! You are now part of SAMENredzaam as: {role}.").string \
        .startswith("¡Bienvenida/o")
    kept = es.get("Saved as {theme}. It can now be matched.").string
    assert "{tema}" not in kept  # refused: what was there before stays
    assert sheets.import_sheet("es", sheet, locales).updated == 0  # the same sheet again


def test_the_command_line_reports_problems_with_exit_1(tmp_path):
    locales = tmp_path / "locales"
    shutil.copytree(ROOT / "locales", locales)
    sheet = tmp_path / "tw.xlsx"
    run = [sys.executable, "-m", "bot", "translations"]
    env = {"SAMEN_DATA_DIR": str(tmp_path / "data"), "PATH": "/usr/bin:/bin"}
    done = subprocess.run([*run, "export", "tw", str(sheet)], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and "texts to" in done.stdout
    book = load_workbook(sheet)
    row = rows_by_english(book, "tw")["{name} invites you to take part."]
    book["tw"].cell(row, 6).value = "Wo to nsa frɛ wo"  # the name is lost
    book.save(sheet)
    done = subprocess.run([*run, "import", "tw", str(sheet)], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 1 and f"row {row}: placeholders must be ['name']" in done.stderr
    assert "Traceback" not in done.stderr
    bad = subprocess.run([*run, "export", "xx"], cwd=ROOT, env=env, capture_output=True,
                         text=True, timeout=60)
    assert bad.returncode == 1 and "not a language we offer" in bad.stderr
