"""The one CSV format of every download: what Swedish Excel opens as columns and numbers."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime
from decimal import Decimal

import numpy as np
from django.utils import translation

from samtrygg.csvexport import csv_bytes, csv_cell, decimal_comma, safe_cell


def _parse(body: bytes) -> list[list[str]]:
    assert body.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"), newline=""), delimiter=";"))


def test_rows_are_separated_by_semicolons_with_a_bom_and_crlf() -> None:
    body = csv_bytes([["Plats", "Antal"], ["Torget; norra delen", 3], ['Säg "hej"', 1.5]])
    assert body.decode("utf-8-sig").split("\r\n")[0] == "Plats;Antal"
    assert _parse(body) == [["Plats", "Antal"], ["Torget; norra delen", "3"], ['Säg "hej"', "1,5"]]


def test_numbers_that_are_not_whole_get_a_decimal_comma() -> None:
    assert csv_cell(14.515031) == "14,515031"
    assert csv_cell(-0.25) == "-0,25"  # a negative number is a number, not a formula
    assert csv_cell(Decimal("1234.50")) == "1234,5"  # no thousands separator
    assert csv_cell(1e-05) == "0,00001"  # no exponent Excel would misread
    assert csv_cell(np.float64(2.5)) == "2,5"
    assert csv_cell(3.0) == "3"
    assert csv_cell(12) == "12" and csv_cell(-4) == "-4" and csv_cell(np.int64(7)) == "7"
    assert csv_cell(float("nan")) == "" and csv_cell(None) == ""
    assert decimal_comma(0.1) == "0,1"


def test_dates_are_iso_and_times_local() -> None:
    assert csv_cell(date(2025, 3, 10)) == "2025-03-10"
    assert csv_cell(datetime(2025, 3, 10, 10, 5)) == "2025-03-10 10:05"
    # An aware time is written as Stockholm's wall-clock time (UTC+1 in March).
    assert csv_cell(datetime(2025, 3, 10, 9, 5, tzinfo=UTC)) == "2025-03-10 10:05"


def test_yes_and_no_follow_the_language() -> None:
    with translation.override("sv"):
        assert (csv_cell(True), csv_cell(False)) == ("Ja", "Nej")
    with translation.override("en"):
        assert (csv_cell(True), csv_cell(False)) == ("Yes", "No")


def test_formula_like_text_is_kept_as_text() -> None:
    for text in ("=HYPERLINK(1)", "+46 70", "-5", "@SUM(A1)", "\tx", "\rx"):
        assert safe_cell(text) == "'" + text
        assert _parse(csv_bytes([[text]])) == [["'" + text]]
    assert safe_cell("Torget") == "Torget" and safe_cell(5) == 5
    assert csv_cell("Torget") == "Torget"
