"""A template incident file for an organisation: its own column names and the category list.

Partners who start a log get a file that imports without any mapping: the columns named as the
organisation's saved mapping names them (or as the importer recognises them), and in Excel a
second sheet with the partnership's categories and a drop-down list in the category column.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.worksheet.datavalidation import DataValidation

from samtrygg.csvexport import csv_bytes, safe_cell
from samtrygg.sources.tabular import FIELDS

# Column names the importer recognises without a mapping (samtrygg.sources.tabular._ALIASES).
DEFAULT_HEADERS = {
    "id": "Löpnummer",
    "category": "Kategori",
    "time": "Tidpunkt",
    "lon": "Longitud",
    "lat": "Latitud",
    "place": "Plats",
    "assessment": "Bedömning",
    "description": "Beskrivning",
    "sharing": "Delning",
}
SHEET = "Händelser"
CATEGORY_SHEET = "Kategorier"


def headers(saved: Mapping[str, str]) -> list[str]:
    """The template's columns: the saved mapping's names, in our order; all fields if none.

    A field the saved mapping leaves out or marks as not in the file is left out, except
    category and time, which every file needs.
    """
    if not saved:
        return [DEFAULT_HEADERS[f] for f in FIELDS]
    out = []
    for field in FIELDS:
        name = saved.get(field)
        if name:
            out.append(name)
        elif field in ("category", "time"):
            out.append(DEFAULT_HEADERS[field])
    return out


def as_csv(columns: Sequence[str]) -> bytes:
    """The header row as a CSV file for Swedish Excel (:mod:`samtrygg.csvexport`).

    The headers are the names the import recognises (the organisation's own, or Swedish ones
    that need no mapping), so they are not translated into the reader's language.
    """
    return csv_bytes([columns])


def as_xlsx(
    columns: Sequence[str],
    categories: Sequence[tuple[str, str]],
    category_column: str | None,
) -> bytes:
    """An .xlsx with the header row, the categories on their own sheet and a drop-down list.

    ``categories`` are (name, description) pairs; ``category_column`` is the header of the
    category column (the drop-down's column).
    """
    book = Workbook()
    sheet = book.active
    assert sheet is not None  # a new workbook has one sheet
    sheet.title = SHEET
    # Names and descriptions are people's text: keep any that starts like a formula as text.
    sheet.append([safe_cell(c) for c in columns])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    listing = book.create_sheet(CATEGORY_SHEET)
    listing.append(["Kategori", "Beskrivning"])
    listing["A1"].font = listing["B1"].font = Font(bold=True)
    for name, description in categories:
        listing.append([safe_cell(name), safe_cell(description)])
    if category_column is not None and category_column in columns and categories:
        letter = sheet.cell(row=1, column=list(columns).index(category_column) + 1).column_letter
        rule = DataValidation(
            type="list",
            formula1=f"='{CATEGORY_SHEET}'!$A$2:$A${len(categories) + 1}",
            allow_blank=True,
            showErrorMessage=False,  # the partner's own words stay allowed; they are mapped
        )
        sheet.add_data_validation(rule)
        rule.add(f"{letter}2:{letter}5000")
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
