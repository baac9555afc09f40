"""The survey readers: realistic made-up files, every bad input named by row and column."""

from __future__ import annotations

import io
import json
from collections import Counter

import openpyxl
import pytest

from samtrygg.sources.errors import SourceError
from samtrygg.sources.surveys import (
    read_long_table,
    read_ntu,
    read_polisen_survey,
    read_scb_index,
)
from tests.datafiles import data_file

LONG = "area;year;item;answer;count;n;response_rate\n"


def errors_of(table: object) -> list[tuple[object, object, str]]:
    return [(e.row, e.field, e.message) for e in table.errors]  # type: ignore[attr-defined]


def test_the_polisen_file_reads_every_level_year_and_item() -> None:
    path = data_file("surveys/polisen_trygghetsmatning.csv")
    table = read_polisen_survey(path.read_bytes(), path.name)
    assert table.errors == ()
    assert len(table.rows) == 440
    assert Counter(r.level for r in table.rows) == {"kommun": 110, "lpo": 110, "delområde": 220}
    assert {r.year for r in table.rows} == {2023, 2024}
    first = table.rows[0]
    # 37,2 % of 900 respondents; the response rate 52,0 % as a share.
    assert (first.area, first.item, first.answer, first.count, first.n) == (
        "Karlskoga", "problem_nedskrapning", "Inget problem", 335, 900
    )  # fmt: skip
    assert first.response_rate == pytest.approx(0.52)
    assert first.item_text.startswith("Hur stort problem")


def test_the_own_long_table_keeps_counts_as_typed() -> None:
    path = data_file("surveys/own_survey_long.csv")
    table = read_long_table(path.read_bytes(), path.name)
    assert table.errors == ()
    small = [r for r in table.rows if r.area == "Baggetorp"]
    assert {r.n for r in small} == {4}
    assert all(r.source == "own" and r.level == "område" for r in table.rows)


def test_ntu_and_scb_files_give_estimates() -> None:
    ntu = read_ntu(data_file("surveys/ntu_lpo.csv").read_bytes(), "ntu_lpo.csv")
    assert ntu.errors == () and len(ntu.rows) == 12
    assert {r.unit for r in ntu.rows} == {"procent"}
    assert all(r.low is not None and r.high is not None and r.low <= r.value <= r.high  # type: ignore[operator]
               for r in ntu.rows)  # fmt: skip
    scb = read_scb_index(data_file("surveys/scb_safety_index_kolada.json").read_bytes())
    assert [(r.area_code, r.year, r.value) for r in scb.rows] == [
        ("1883", 2022, 58.0), ("1883", 2024, 61.0), ("00", 2024, 63.0)
    ]  # fmt: skip
    assert scb.skipped == {"not the total (women or men)": 3}


def test_excel_files_are_read_too() -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["area", "year", "item", "answer", "count", "n"])
    sheet.append(["Centrum", 2024, "trygg_ute_sent", "Mycket trygg", 40, 120])
    buf = io.BytesIO()
    book.save(buf)
    table = read_long_table(buf.getvalue(), "own.xlsx")
    assert [(r.area, r.year, r.count, r.n) for r in table.rows] == [("Centrum", 2024, 40, 120)]


def test_every_bad_cell_is_named_by_row_and_column() -> None:
    text = LONG + (
        ";2024;a;Ja;1;10;50\n"  # row 2: no area
        "X;24;a;Ja;1;10;50\n"  # row 3: year
        "X;2024;a;;1;10;50\n"  # row 4: no answer
        "X;2024;b;Ja;1,5;10;50\n"  # row 5: count not whole
        "X;2024;c;Ja;11;10;50\n"  # row 6: count above n
        "X;2024;d;Ja;1;0;50\n"  # row 7: n zero
        "X;2024;e;Ja;1;10;150\n"  # row 8: response rate
    )
    problems = errors_of(read_long_table(text.encode(), "x.csv"))
    assert [(row, col) for row, col, _ in problems] == [
        (2, "area"), (3, "year"), (4, "answer"), (5, "count"), (6, "count"), (7, "n"),
        (8, "response_rate"),
    ]  # fmt: skip
    assert all(msg.endswith(".") and len(msg) > 20 for _, _, msg in problems)


def test_inconsistent_items_and_repeats_are_refused() -> None:
    text = LONG + (
        "X;2024;a;Ja;6;10;50\n"
        "X;2024;a;Nej;6;10;50\n"  # adds up to 12 > 10
        "X;2024;b;Ja;1;10;50\n"
        "X;2024;b;Nej;1;12;50\n"  # n differs within the item
        "X;2024;c;Ja;1;10;50\n"
        "X;2024;c;Ja;2;10;50\n"  # conflicting repeat
        "X;2024;d;Ja;1;10;40\n"  # other response rate for the same area and year
    )
    problems = errors_of(read_long_table(text.encode(), "x.csv"))
    messages = " | ".join(m for _, _, m in problems)
    assert [r for r, _, _ in problems] == [5, 7, 8, 3]
    assert "add up to 12, more than its n (10)" in messages
    assert "already appears in row 6" in messages
    assert "response rate differs from row 2" in messages


def test_missing_columns_are_listed_with_what_was_found() -> None:
    with pytest.raises(SourceError, match=r"lacks the column\(s\) answer, count or share"):
        read_long_table(b"area;year;item;n\nX;2024;a;10\n", "x.csv")
    with pytest.raises(SourceError, match="level"):
        read_polisen_survey(LONG.encode() + b"X;2024;a;Ja;1;10;50\n", "x.csv")


def test_polisen_levels_must_be_known() -> None:
    text = "Område;Nivå;År;Frågekod;Svarsalternativ;Andel (%);Antal svarande\n"
    text += "X;Län;2024;a;Ja;10;100\n"
    problems = errors_of(read_polisen_survey(text.encode(), "tm.csv"))
    assert problems[0][:2] == (2, "Nivå")


def test_withheld_figures_are_skipped_and_counted() -> None:
    text = LONG + "X;2024;a;Ja;..;10;50\nX;2024;a;Nej;4;10;50\n"
    table = read_long_table(text.encode(), "x.csv")
    assert table.errors == () and table.skipped == {"no figure (..)": 1}


def test_ntu_intervals_must_contain_the_estimate() -> None:
    text = "lpo;year;indicator;percent;ci_low;ci_high;n\nA;2024;Otrygg;24;27;30;800\n"
    text += "A;2024;Oro;124;1;2;800\n"
    problems = errors_of(read_ntu(text.encode(), "ntu.csv"))
    assert [(r, c) for r, c, _ in problems] == [(2, "ci_low"), (3, "percent")]


def test_scb_values_outside_0_to_100_are_refused() -> None:
    answer = {"values": [{"kpi": "N07403", "municipality": "1883", "period": 2024,
                          "values": [{"gender": "T", "value": 1234.5}]}]}  # fmt: skip
    problems = errors_of(read_scb_index(json.dumps(answer).encode()))
    assert problems[0][1] == "value" and "outside 0–100" in problems[0][2]


def test_an_empty_table_says_so() -> None:
    assert "no survey figures" in read_long_table(LONG.encode(), "x.csv").errors[0].message
