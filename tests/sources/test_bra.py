"""The Brå reader: the documented long table, Swedish numbers, encodings, Excel and bad input."""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl
import pytest

from samtrygg.sources.bra import read_bra
from samtrygg.sources.errors import SourceError

HEADER = "region_code;year;offence;count;per_100k\n"


def rows_of(text: str, name: str = "bra.csv", **kw: object) -> list[tuple[object, ...]]:
    result = read_bra(text.encode(), name, **kw)  # type: ignore[arg-type]
    assert not result.errors, result.errors
    return [(r.indicator_code, r.region_code, r.year, r.value, r.unit) for r in result.rows]


def test_the_long_table_gives_one_row_per_region_year_and_measure() -> None:
    text = HEADER + "1883;2024;Samtliga brott;2 345;7 890,5\n18;2024;Samtliga brott;30 000;9 800\n"
    assert rows_of(text) == [
        ("bra:samtliga brott:count", "1883", 2024, 2345.0, "antal"),
        ("bra:samtliga brott:per_100k", "1883", 2024, 7890.5, "per 100 000 invånare"),
        ("bra:samtliga brott:count", "18", 2024, 30000.0, "antal"),
        ("bra:samtliga brott:per_100k", "18", 2024, 9800.0, "per 100 000 invånare"),
    ]


def test_commas_a_bom_swedish_headers_names_and_no_break_spaces_are_read(tmp_path: Path) -> None:
    text = '\ufeffOmråde,År,Brottstyp,Antal\nKarlskoga kommun,2023,Misshandel,"1\u00a0234"\n'
    text += "Örebro län,2023,Misshandel,5000\nRiket,2023,Misshandel,90000\n"
    path = tmp_path / "bra.csv"
    path.write_text(text, encoding="utf-8")
    result = read_bra(path.read_bytes(), path.name)
    assert not result.errors
    assert [(r.region_code, r.region_name, r.level, r.value) for r in result.rows] == [
        ("1883", "Karlskoga", "kommun", 1234.0),
        ("18", "Örebro län", "län", 5000.0),
        ("00", "Riket", "riket", 90000.0),
    ]
    assert result.rows[0].indicator_name == "Misshandel"


def test_kolada_style_county_and_country_codes_are_accepted() -> None:
    text = "region_code;year;offence;per_100k\n0018;2022;Rån;1 000,0\n0000;2022;Rån;900\n"
    assert [r[1] for r in rows_of(text)] == ["18", "00"]


def test_missing_figures_and_blank_rows_are_skipped_and_counted() -> None:
    text = HEADER + "1883;2024;Rån;..;\n;;;;\n1862;2024;Rån;12;3,4\n"
    result = read_bra(text.encode(), "bra.csv")
    assert not result.errors
    assert len(result.rows) == 2
    assert result.skipped == {"no value": 2, "blank row": 1}


def test_an_excel_file_is_read(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["region_code", "year", "offence", "count"])
    ws.append(["1883", 2021, "Samtliga brott", 2100])
    ws.append(["1883", 2022, "Samtliga brott", 2200.5])
    buf = io.BytesIO()
    wb.save(buf)
    result = read_bra(buf.getvalue(), "bra.xlsx")
    assert not result.errors
    assert [(r.year, r.value) for r in result.rows] == [(2021, 2100.0), (2022, 2200.5)]


def test_a_mapping_names_other_columns() -> None:
    text = "Kommun-id;Året;Typ;Värde\n1883;2024;Rån;5\n"
    mapping = {"region_code": "Kommun-id", "year": "Året", "offence": "Typ", "count": "Värde"}
    assert rows_of(text, mapping=mapping) == [("bra:rån:count", "1883", 2024, 5.0, "antal")]


def test_every_bad_row_is_listed_with_its_row_number_and_column() -> None:
    text = HEADER + (
        "1883;2024;Rån;tolv;\n"  # row 2: not a number
        "9999;2024;Rån;1;\n"  # row 3: unknown region
        "1883;förra året;Rån;1;\n"  # row 4: not a year
        "1883;2023;;1;\n"  # row 5: no offence
        "1883;2022;Rån;1;\n"
        "1883;2022;Rån;2;\n"  # row 7: repeated with another value
    )
    result = read_bra(text.encode(), "bra.csv")
    assert [(e.row, e.field) for e in result.errors] == [
        (2, "count"),
        (3, "region_code"),
        (4, "year"),
        (5, "offence"),
        (7, "count"),
    ]
    assert "'tolv' is not a number" in result.errors[0].message
    assert "'9999' is not a Swedish kommunkod" in result.errors[1].message


def test_an_unknown_region_name_is_refused_with_what_to_do() -> None:
    result = read_bra("region;year;offence;count\nAtlantis;2024;Rån;1\n".encode(), "b.csv")
    assert result.errors[0].field == "region"
    assert "check the spelling" in result.errors[0].message


@pytest.mark.parametrize(
    "data, fragment",
    [
        (b"", "empty"),
        (b"region_code;year\n1883;2024\n", "lacks the column"),
        (b"region;year\n" + bytes(range(256)) * 3, "encoding could not be recognised"),
    ],
)
def test_a_file_that_cannot_be_read_is_refused(data: bytes, fragment: str) -> None:
    with pytest.raises(SourceError, match=fragment):
        read_bra(data, "bra.csv")


def test_a_windows_1252_file_from_excel_is_read() -> None:
    data = "region;year;offence;count\nÖrebro län;2024;Rån;1\n".encode("cp1252")
    (row,) = read_bra(data, "bra.csv").rows
    assert (row.region_name, row.region_code, row.indicator_name) == ("Örebro län", "18", "Rån")
