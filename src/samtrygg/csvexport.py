"""Spreadsheet downloads that open correctly in Swedish Excel: the one home of their format.

Excel opens a CSV file with the separators of the computer's regional settings, not those of the
page it came from: on a Swedish computer the list separator is the semicolon and the decimal mark
the comma, whatever language the person reads Samtrygg in. A comma-separated file opens as one
column there, and "14.515" becomes a date or a whole number. So every CSV download is written the
same way, in both languages:

* semicolons between cells, CRLF line ends, cells with ``;``, quotes or line breaks quoted;
* UTF-8 with a byte order mark, which is how Excel recognises UTF-8 (å, ä, ö);
* numbers that are not whole with a decimal comma and without thousands separators
  (``14,515312``); whole numbers as they are;
* dates as ISO ``YYYY-MM-DD`` and times as ``YYYY-MM-DD HH:MM``, which Swedish Excel reads as
  dates and which no reader misreads;
* ``True``/``False`` as the translated "Yes"/"No".

Column headers are the caller's, translated into the reader's language before they get here.
Text that a spreadsheet would run as a formula (starting with ``=``, ``+``, ``-``, ``@``, a tab or a
carriage return) gets an apostrophe in front (:func:`safe_cell`), in CSV and in Excel files alike.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal
from numbers import Integral, Real
from typing import Any

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
DELIMITER = ";"
BOM = "\ufeff"


def safe_cell(value: Any) -> Any:
    """A value for a spreadsheet cell: text starting like a formula is kept as text.

    Parameters
    ----------
    value
        Any cell value; only text is changed.

    Returns
    -------
    Any
        ``value``, with an apostrophe in front if it is text that starts like a formula.
    """
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def decimal_comma(value: float | Decimal) -> str:
    """A number with a decimal comma, all its digits and no exponent (``14.5`` → ``14,5``)."""
    text = format(value if isinstance(value, Decimal) else Decimal(repr(value)), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text.replace(".", ",")


def csv_cell(value: Any) -> str:
    """The text of one CSV cell in the format above (formula-like text neutralised)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, Integral):
        return str(int(value))
    if isinstance(value, Decimal | Real):
        number = value if isinstance(value, Decimal) else float(value)
        # NaN and infinities are no numbers Excel knows: an empty cell, like a missing value.
        return decimal_comma(number) if math.isfinite(number) else ""
    if isinstance(value, datetime):
        # Spreadsheets know no time zones: an aware time is written as local wall-clock time.
        when = timezone.localtime(value) if timezone.is_aware(value) else value
        return when.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    return str(safe_cell(str(value)))


def csv_bytes(rows: Iterable[Sequence[Any]]) -> bytes:
    """The rows (the first one is the header) as the bytes of a CSV file for Swedish Excel."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=DELIMITER, lineterminator="\r\n")
    for row in rows:
        writer.writerow([csv_cell(v) for v in row])
    return (BOM + out.getvalue()).encode("utf-8")


def download(body: bytes, content_type: str, filename: str) -> HttpResponse:
    """A response that the browser saves as ``filename``."""
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def csv_download(rows: Iterable[Sequence[Any]], filename: str) -> HttpResponse:
    """:func:`csv_bytes` of the rows as a download named ``filename``."""
    return download(csv_bytes(rows), CSV_CONTENT_TYPE, filename)
