"""The Kolada reader: the v2, v3 and v1 answer shapes, totals only, nulls, regions and bad input."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from samtrygg.sources.errors import SourceError
from samtrygg.sources.kolada import kpi_titles, read_kolada, region_for_code


def v2(*records: dict[str, Any]) -> bytes:
    return json.dumps({"count": len(records), "values": list(records)}).encode()


def rec(mun: str = "1883", period: Any = 2023, value: Any = 1234.5, **extra: Any) -> dict[str, Any]:
    return {
        "kpi": "N07403",
        "municipality": mun,
        "period": period,
        "values": [
            {"gender": "T", "count": 1, "status": "", "value": value},
            {"gender": "K", "count": 1, "status": "", "value": 10.0},
            {"gender": "M", "count": 1, "status": "", "value": 11.0},
        ],
        **extra,
    }


def test_a_v2_answer_gives_one_total_row_per_region_and_year(tmp_path: Path) -> None:
    path = tmp_path / "n07403.json"
    path.write_bytes(v2(rec("1883", 2023, 1234.5), rec("0018", 2023, 900), rec("0000", 2023, 800)))
    result = read_kolada(path, kpi_title="Anmälda våldsbrott, antal/100 000 inv", unit="per 100k")
    assert not result.errors
    assert [(r.region_code, r.region_name, r.level, r.year, r.value) for r in result.rows] == [
        ("1883", "Karlskoga", "kommun", 2023, 1234.5),
        ("18", "Örebro län", "län", 2023, 900.0),
        ("00", "Riket", "riket", 2023, 800.0),
    ]
    assert {r.indicator_code for r in result.rows} == {"N07403"}
    assert {r.unit for r in result.rows} == {"per 100k"}
    assert {r.source for r in result.rows} == {"Kolada"}
    assert result.skipped == {"not the total (women or men)": 6}


def test_a_null_value_is_skipped_with_its_reason() -> None:
    result = read_kolada(v2(rec(value=None), rec(period=2024, value=5)))
    assert [r.year for r in result.rows] == [2024]
    assert result.skipped["no value (null)"] == 1
    assert not result.errors


def test_a_string_period_is_a_year_and_the_name_falls_back_to_the_kpi_id() -> None:
    result = read_kolada(v2(rec(period="2022")))
    assert result.rows[0].year == 2022
    assert result.rows[0].indicator_name == "N07403"


def test_the_v3_shape_with_periods_inside_is_read() -> None:
    data = {
        "values": [
            {
                "kpi": "N07403",
                "municipality": "1862",
                "values": [
                    {"period": 2022, "gender": "T", "status": "", "value": 700},
                    {"period": 2023, "gender": "T", "status": "", "value": 750},
                ],
            }
        ]
    }
    result = read_kolada(json.dumps(data).encode())
    assert [(r.region_name, r.year, r.value) for r in result.rows] == [
        ("Degerfors", 2022, 700.0),
        ("Degerfors", 2023, 750.0),
    ]


def test_the_old_v1_shape_uses_its_total_value() -> None:
    data = {"values": [{"kpi": "N07403", "municipality": "1883", "period": "2009",
                        "value": 40.5, "value_m": None, "value_f": None}]}  # fmt: skip
    result = read_kolada(json.dumps(data).encode())
    assert [(r.year, r.value) for r in result.rows] == [(2009, 40.5)]


def test_kpi_metadata_names_the_indicator() -> None:
    meta = {"values": [{"id": "N07403", "title": "Anmälda våldsbrott", "unit": "antal/100 000"}]}
    result = read_kolada(v2(rec()), metadata=json.dumps(meta).encode())
    assert result.rows[0].indicator_name == "Anmälda våldsbrott"
    assert result.rows[0].unit == "antal/100 000"
    assert kpi_titles(meta)["N07403"]["title"] == "Anmälda våldsbrott"


def test_a_utf8_bom_is_accepted() -> None:
    assert len(read_kolada(b"\xef\xbb\xbf" + v2(rec()))) == 1


@pytest.mark.parametrize(
    "data, fragment",
    [
        (b"", "empty"),
        (b'{"values": [', "not valid JSON"),
        (b'{"kpi": "N07403"}', "not a Kolada data answer"),
        ('{"values": [{"kpi": "Ö"}]}'.encode("cp1252"), "UTF-8"),
    ],
)
def test_a_file_that_is_not_a_kolada_answer_is_refused(data: bytes, fragment: str) -> None:
    with pytest.raises(SourceError, match=fragment):
        read_kolada(data)


def test_every_bad_record_is_listed_with_its_index_and_field() -> None:
    records = [
        rec(),
        {"kpi": "N07403", "period": 2023, "values": []},
        rec(value="mycket"),
        rec(period="förra året"),
        rec(mun="9999"),
        rec(mun="G12345"),
        "text",
        {"kpi": "N07403", "municipality": "1883", "period": 2023},
    ]
    result = read_kolada(v2(*records))
    found = {(e.row, e.field) for e in result.errors}
    assert found == {
        (1, "municipality"),
        (2, "values[0].value"),
        (3, "period"),
        (4, "municipality"),
        (5, "municipality"),
        (6, None),
        (7, "values"),
    }
    messages = " ".join(e.message for e in result.errors)
    assert "'mycket' is not a number" in messages
    assert "'9999' is not a Swedish municipality" in messages
    assert "municipality group" in messages
    with pytest.raises(SourceError, match="7 problems"):
        result.raise_for_errors()


def test_a_repeat_with_another_value_is_an_error_and_an_exact_repeat_is_skipped() -> None:
    result = read_kolada(v2(rec(value=1), rec(value=1), rec(value=2)))
    assert len(result.rows) == 1
    assert result.skipped["repeated"] == 1
    assert len(result.errors) == 1 and "twice" in result.errors[0].message


def test_an_answer_without_values_says_so() -> None:
    result = read_kolada(v2())
    assert result.errors and "no values" in result.errors[0].message


def test_region_codes_follow_kolada_and_scb() -> None:
    assert region_for_code("0000") == ("00", "Riket", "riket")
    assert region_for_code("0018") == ("18", "Örebro län", "län")
    assert region_for_code("1883") == ("1883", "Karlskoga", "kommun")
    assert region_for_code("0099") is None
    assert region_for_code("9999") is None


@given(st.floats(allow_nan=False, allow_infinity=False, width=32), st.integers(1900, 2100))
def test_any_finite_value_and_year_round_trip(value: float, year: int) -> None:
    result = read_kolada(v2(rec(period=year, value=value)))
    assert not result.errors
    assert result.rows[0].year == year and result.rows[0].value == pytest.approx(value)
