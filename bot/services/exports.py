"""The overview as a CSV file and as an XLSX workbook, from the same rows."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from typing import Any

from openpyxl import Workbook

from bot.i18n import Translator
from bot.services.programme import OverviewRow


def headers(t: Translator) -> list[str]:
    return [t.gettext("Kwartiermaker"), t.gettext("Stage"), t.gettext("Series"),
            t.gettext("Themes"), t.gettext("Planned"), t.gettext("Sessions logged"),
            t.gettext("With report"), t.gettext("People reached"), t.gettext("Needs"),
            t.gettext("Offers"), t.gettext("Matches"), t.gettext("Remaining needs"),
            t.gettext("Voucher"), t.gettext("Amount due (EUR)")]


def values(row: OverviewRow, stage: str, themes: str, voucher: str) -> list:
    return [row.organiser, stage, row.series, themes, row.planned, row.logged, row.with_report,
            row.reached, row.needs, row.offers, row.matches, row.remaining, voucher,
            Decimal(row.due_cents) / 100]


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def inert(value: object) -> object:
    """A text a spreadsheet would run as a formula (a name typed as ``=HYPERLINK(...)``) gets
    a leading apostrophe, so it is shown as text; numbers stay numbers."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def to_csv(head: list[str], lines: list[list]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([inert(h) for h in head])
    writer.writerows([[f"{v:.2f}" if isinstance(v, Decimal) else inert(v) for v in line]
                      for line in lines])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")  # the BOM lets Excel read UTF-8


XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx_data(head: list[str], lines: list[list], title: str, *, rtl: bool = False
              ) -> dict[str, Any]:
    """The workbook's content as JSON-ready data: stored with its reply and made into a file
    (``xlsx_of``) when the reply is sent, outside the update's transaction."""
    return {"head": head, "title": title, "rtl": rtl,
            "lines": [[float(v) if isinstance(v, Decimal) else v for v in line]
                      for line in lines]}


def xlsx_of(data: dict[str, Any]) -> bytes:
    return to_xlsx(data["head"], data["lines"], data["title"], rtl=data.get("rtl", False))


def to_xlsx(head: list[str], lines: list[list], title: str, *, rtl: bool = False) -> bytes:
    """The workbook; for a right-to-left reader the sheet runs from the right, as Excel shows
    an Arabic sheet."""
    book = Workbook()
    sheet = book.active
    sheet.title = title[:31]
    sheet.sheet_view.rightToLeft = rtl
    sheet.append([inert(h) for h in head])
    for line in lines:
        sheet.append([float(v) if isinstance(v, Decimal) else inert(v) for v in line])
    for row in sheet.iter_rows():
        for cell in row:
            if cell.data_type == "f":  # openpyxl reads a leading "=" as a formula: never
                cell.data_type = "s"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
