"""Partners' incident logs (CSV and Excel): mapping, validation, every refusal, and speed."""

from __future__ import annotations

import io
import time
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np
import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from samtrygg.sources.errors import SourceError
from samtrygg.sources.tabular import IncidentRow, preview, read_incidents

CATEGORIES = ["Brand", "Inbrott", "Skadegörelse/klotter", "Otrygg plats"]
NOW = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)
KARLSKOGA = (14.3, 59.2, 14.8, 59.5)
STOCKHOLM = ZoneInfo("Europe/Stockholm")
HEADER = "id,category,time,lon,lat,place,assessment,description"


def read(text: str, filename: str = "logg.csv", **kw: object) -> list[IncidentRow]:
    kw.setdefault("categories", CATEGORIES)
    kw.setdefault("now", NOW)
    return read_incidents(text.encode("utf-8"), filename, **kw).rows()  # type: ignore[arg-type]


def problems(text: str | bytes, filename: str = "logg.csv", **kw: object) -> list[tuple]:
    kw.setdefault("categories", CATEGORIES)
    kw.setdefault("now", NOW)
    data = text.encode("utf-8") if isinstance(text, str) else text
    with pytest.raises(SourceError) as info:
        read_incidents(data, filename, **kw)  # type: ignore[arg-type]
    return [(e.row, e.field) for e in info.value.errors]


def error_text(text: str, **kw: object) -> str:
    kw.setdefault("categories", CATEGORIES)
    kw.setdefault("now", NOW)
    with pytest.raises(SourceError) as info:
        read_incidents(text.encode("utf-8"), "logg.csv", **kw)  # type: ignore[arg-type]
    return str(info.value)


# --------------------------------------------------------------------------- reading


def test_comma_separated_file_with_default_columns() -> None:
    [row] = read(f"{HEADER}\nA1,brand,2024-03-05 14:30,14.52,59.33,,3,Eld i container\n")
    assert row == IncidentRow(
        row=2,
        source_id="A1",
        category="Brand",
        occurred_at=datetime(2024, 3, 5, 13, 30, tzinfo=UTC),
        has_time=True,
        lon=14.52,
        lat=59.33,
        place=None,
        assessment=3,
        description="Eld i container",
    )


def test_semicolons_decimal_commas_bom_and_swedish_headers() -> None:
    text = (
        "\ufeffKategori;Tid;Longitud;Latitud;Plats;Beskrivning\n"
        "INBROTT;5/3/2024 kl 14.30;14,52;59,33;;Fönster krossat\n"
        "Otrygg plats;2024-03-06;;;Torget;\n"
    )
    rows = read(text)
    assert [(r.category, r.lon, r.lat, r.place, r.has_time) for r in rows] == [
        ("Inbrott", 14.52, 59.33, None, True),
        ("Otrygg plats", None, None, "Torget", False),
    ]
    assert rows[1].occurred_at == datetime(2024, 3, 5, 23, 0, tzinfo=UTC)  # midnight in Sweden


def test_mapping_names_their_columns() -> None:
    text = "Nr;Typ av händelse;När;X;Y\n7;Brand;2024-03-05 14:30;14,52;59,33\n"
    table = read_incidents(
        text.encode(),
        "x.csv",
        categories=CATEGORIES,
        now=NOW,
        mapping={"id": "nr", "category": "Typ av händelse", "time": "NÄR", "lon": "X", "lat": "Y"},
    )
    assert table.columns == {
        "id": "Nr",
        "category": "Typ av händelse",
        "time": "När",
        "lon": "X",
        "lat": "Y",
    }
    assert table.rows()[0].source_id == "7"


@pytest.mark.parametrize(
    ("text", "expected", "has_time"),
    [
        ("2024-03-05", datetime(2024, 3, 4, 23, 0, tzinfo=UTC), False),
        ("2024-03-05 14:30", datetime(2024, 3, 5, 13, 30, tzinfo=UTC), True),
        ("2024-03-05 14.30", datetime(2024, 3, 5, 13, 30, tzinfo=UTC), True),
        ("2024-03-05T14:30:15", datetime(2024, 3, 5, 13, 30, 15, tzinfo=UTC), True),
        ("2024-07-05 14:30", datetime(2024, 7, 5, 12, 30, tzinfo=UTC), True),
        ("2024-03-05T14:30:00Z", datetime(2024, 3, 5, 14, 30, tzinfo=UTC), True),
        ("2024-03-05T14:30:00+03:00", datetime(2024, 3, 5, 11, 30, tzinfo=UTC), True),
        ("2024-3-5 9:05", datetime(2024, 3, 5, 8, 5, tzinfo=UTC), True),
        ("5/3/2024", datetime(2024, 3, 4, 23, 0, tzinfo=UTC), False),
        ("05.03.2024 14:30", datetime(2024, 3, 5, 13, 30, tzinfo=UTC), True),
        ("5/3/2024 kl 14.30", datetime(2024, 3, 5, 13, 30, tzinfo=UTC), True),
        # 02:30 on the spring daylight-saving night does not exist; it means 03:30.
        ("2024-03-31 02:30", datetime(2024, 3, 31, 1, 30, tzinfo=UTC), True),
    ],
)
def test_documented_time_formats(text: str, expected: datetime, has_time: bool) -> None:
    [row] = read(f"category;time;place\nBrand;{text};Torget\n")
    assert (row.occurred_at, row.has_time) == (expected, has_time)


@settings(max_examples=150, deadline=None)
@given(
    when=st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2025, 5, 1)),
    fmt=st.sampled_from(
        ["%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M", "%Y-%m-%dT%H:%M:%S", "%d.%m.%Y %H.%M"]
    ),
)
def test_times_round_trip_through_swedish_local_time(when: datetime, fmt: str) -> None:
    when = when.replace(microsecond=0, second=when.second if "%S" in fmt else 0)
    local = when.replace(tzinfo=STOCKHOLM)
    if local.astimezone(UTC).astimezone(STOCKHOLM).replace(tzinfo=None) != when:
        return  # a wall-clock time that does not exist (spring DST gap)
    [row] = read(f"category;time;place\nBrand;{when.strftime(fmt)};Torget\n")
    assert row.occurred_at == local.astimezone(UTC)


def test_missing_ids_get_a_stable_content_hash() -> None:
    text = "category;time;place\nBrand;2024-03-05;Torget\nBrand;2024-03-06;Torget\n"
    first, second = read(text), read(text)
    assert [r.source_id for r in first] == [r.source_id for r in second]
    assert first[0].source_id.startswith("h:") and first[0].source_id != first[1].source_id


def test_blank_rows_are_skipped_and_counted() -> None:
    text = (
        f"{HEADER}\n1,Brand,2024-03-05,14.5,59.3,,,\n,,,,,,,\n\n2,Brand,2024-03-05,14.5,59.3,,,\n"
    )
    table = read_incidents(text.encode(), "x.csv", categories=CATEGORIES, now=NOW)
    assert [r.row for r in table.rows()] == [2, 5]
    assert table.blank_rows == 2


def test_excel_file_is_read_with_real_dates_and_numbers() -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["Id", "Kategori", "Tid", "Lon", "Lat", "Bedömning"])
    ws.append([101, "brand", datetime(2024, 3, 5, 14, 30), 14.52, 59.33, 2])
    ws.append([None, None, None, None, None, None])
    ws.append([102, "Inbrott", "2024-03-06 08:00", 14.5, 59.3, 4.0])
    buf = io.BytesIO()
    wb.save(buf)
    table = read_incidents(buf.getvalue(), "logg.xlsx", categories=CATEGORIES, now=NOW)
    assert [(r.row, r.source_id, r.category, r.assessment) for r in table.rows()] == [
        (2, "101", "Brand", 2),
        (4, "102", "Inbrott", 4),
    ]
    assert table.rows()[0].occurred_at == datetime(2024, 3, 5, 13, 30, tzinfo=UTC)


def test_excel_merged_header_cells_are_refused_naming_them() -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["Händelse", None, "Tid"])
    ws.append(["Brand", "Torget", "2024-03-05"])
    ws.merge_cells("A1:B1")
    buf = io.BytesIO()
    wb.save(buf)
    with pytest.raises(SourceError, match=r"merged cells \(A1:B1\)"):
        read_incidents(buf.getvalue(), "logg.xlsx", categories=CATEGORIES, now=NOW)
    with pytest.raises(SourceError, match="A1:B1"):
        preview(buf.getvalue(), "logg.xlsx")


def test_excel_header_below_row_one_is_refused() -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.append([])
    ws.append(["category", "time", "place"])
    ws.append(["Brand", "2024-03-05", "Torget"])
    buf = io.BytesIO()
    wb.save(buf)
    with pytest.raises(SourceError, match="in row 2; they must be in row 1"):
        read_incidents(buf.getvalue(), "logg.xlsx", categories=CATEGORIES, now=NOW)


def test_an_empty_mapping_says_the_field_is_not_in_the_file() -> None:
    text = f"{HEADER}\n7,Brand,2024-03-05 14:30,14.52,59.33,Torget,2,Intern anteckning\n"
    table = read_incidents(
        text.encode(), "x.csv", categories=CATEGORIES, now=NOW, mapping={"description": ""}
    )
    assert "description" not in table.columns
    assert table.rows()[0].description in ("", None)
    with pytest.raises(SourceError) as refused:
        read_incidents(text.encode(), "x.csv", categories=CATEGORIES, now=NOW, mapping={"time": ""})
    assert [(e.row, e.field) for e in refused.value.errors] == [(1, "time")]


def test_preview_gives_headers_rows_and_suggested_mapping() -> None:
    text = "Kategori;Tid;Plats;Övrigt\n" + "Brand;2024-03-05;Torget;x\n" * 10
    p = preview(text.encode(), "logg.csv", n=3)
    assert p.headers == ["Kategori", "Tid", "Plats", "Övrigt"]
    assert len(p.rows) == 3 and p.rows[0] == ["Brand", "2024-03-05", "Torget", "x"]
    assert (p.format, p.separator) == ("csv", ";")
    assert p.suggested == {"category": "Kategori", "time": "Tid", "place": "Plats"}


# --------------------------------------------------------------------------- refusals


def test_every_bad_row_is_listed_with_its_row_number_and_column() -> None:
    text = (
        f"{HEADER}\n"
        "1,Brand,2024-03-05 14:30,14.52,59.33,,3,ok\n"  # row 2: fine
        "2,Spöke,2024-03-05,14.52,59.33,,3,\n"  # row 3: unknown category
        "3,Inbrott,32/13/2024,abc,59.33,,7,\n"  # row 4: time, lon, assessment
        "4,Inbrott,2030-01-01,,,,2,\n"  # row 5: future, no location
        '5,Brand,2024-03-05,14.5,59.3,,,"två\nrader"\n'  # rows 6-7: fine
        "5,Brand,2024-03-05,14.5,59.3,,,\n"  # row 8: duplicate id
        "6,,,14.5,,,0,\n"  # row 9: many
    )
    assert problems(text) == [
        (3, "category"),
        (4, "time"),
        (4, "lon"),
        (4, "assessment"),
        (5, "time"),
        (5, "place"),
        (8, "id"),
        (9, "category"),
        (9, "time"),
        (9, "lon"),
        (9, "assessment"),
    ]


def test_missing_columns_are_named() -> None:
    found = problems("a;b\n1;2\n")
    assert found == [(1, "category"), (1, "time"), (1, "place")]
    assert "The column 'time' is missing" in error_text("category;place\nBrand;Torget\n")
    found = problems("category;time;lon\nBrand;2024-03-05;14.5\n")
    assert found == [(1, "lat")]
    found = problems("category;time;place\nBrand;2024-03-05;x\n", mapping={"id": "Löpnr"})
    assert found == [(1, "Löpnr")]


def test_windows_1252_is_detected_and_read() -> None:
    text = "kategori;tid;plats\nBrand;2024-03-05;Älvgatan\nInbrott;2024-03-06;Östra torget\n"
    table = read_incidents(text.encode("cp1252"), "x.csv", categories=CATEGORIES, now=NOW)
    assert table.encoding == "Windows-1252"
    assert table.frame["place"].to_list() == ["Älvgatan", "Östra torget"]
    utf8 = read_incidents(text.encode(), "x.csv", categories=CATEGORIES, now=NOW)
    assert utf8.encoding == "UTF-8" and utf8.frame.equals(table.frame)
    bom = read_incidents(b"\xef\xbb\xbf" + text.encode(), "x.csv", categories=CATEGORIES, now=NOW)
    assert bom.encoding == "UTF-8 (with BOM)" and bom.frame.equals(table.frame)


def test_an_unrecognisable_encoding_says_save_as_utf8_and_names_the_row() -> None:
    data = b"category;time;place\nBrand;2024-03-05;" + bytes(range(128, 256)) * 4 + b"\n"
    with pytest.raises(SourceError, match="save it as UTF-8") as info:
        read_incidents(data, "x.csv", categories=CATEGORIES, now=NOW)
    assert info.value.errors[0].row == 2


def test_future_time_and_assessment_range() -> None:
    text = (
        "category;time;place;assessment\n"
        f"Brand;{(NOW + timedelta(days=1)):%Y-%m-%d};Torget;4\n"
        f"Brand;{NOW:%Y-%m-%d};Torget;5\n"
    )
    assert problems(text) == [(2, "time"), (3, "assessment")]
    rows = read(
        text.replace(";5\n", ";5\n").replace(";4\n", ";1\n").split("\n", 1)[0]
        + f"\nBrand;{NOW:%Y-%m-%d};Torget;5\n",
        assessment_range=(1, 5),
    )
    assert rows[0].assessment == 5


def test_points_outside_the_partnership_are_refused() -> None:
    text = (
        "category;time;lon;lat\nBrand;2024-03-05;14,52;59,33\nBrand;2024-03-05;18,0;59,3\n"
        "Brand;2024-03-05;59,33;14,52\nBrand;2024-03-05;200;59\n"
    )
    assert problems(text, bbox=KARLSKOGA) == [(3, "lon"), (4, "lon"), (5, "lon")]
    message = error_text(text, bbox=KARLSKOGA)
    assert "outside the partnership's area" in message and "seem swapped" in message
    assert "not a valid longitude" in message


def test_personal_data_in_free_text_is_refused_without_repeating_it() -> None:
    text = (
        "category;time;place;description\n"
        "Brand;2024-03-05;Torget;Ring 070-123 45 67\n"
        "Brand;2024-03-05;Anna 811218-9876;Skriv till anna@example.se\n"
        "Brand;2024-03-05;Torget;Tid 2024-03-05 14:30, 12 personer\n"
    )
    assert problems(text) == [(2, "description"), (3, "place"), (3, "description")]
    message = error_text(text)
    assert "Describe places and situations, not people" in message
    assert "070-123" not in message and "811218" not in message and "anna@" not in message


def test_repeated_rows_without_ids_are_refused() -> None:
    text = "category;time;place\nBrand;2024-03-05;Torget\nBrand;2024-03-05;Torget\n"
    assert "repeats row 2" in error_text(text)


@pytest.mark.parametrize(
    ("data", "filename", "message"),
    [
        (b"", "x.csv", "empty"),
        (b"\n\n", "x.csv", "empty"),
        (b"category;time;place\n;;\n", "x.csv", "no incident rows"),
        (b"PK\x03\x04broken", "x.xlsx", "cannot be read as an Excel workbook"),
        (b"x", "x.xls", "Old Excel files"),
        (b"category;time;time\nBrand;1;2\n", "x.csv", "appears twice"),
    ],
)
def test_unreadable_files_are_refused(data: bytes, filename: str, message: str) -> None:
    with pytest.raises(SourceError, match=message):
        read_incidents(data, filename, categories=CATEGORIES, now=NOW)


def test_no_categories_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="categories"):
        read_incidents(b"category;time\n", "x.csv", categories=[])


# --------------------------------------------------------------------------- speed


def test_parses_two_hundred_thousand_rows_quickly() -> None:
    n = 200_000
    rng = np.random.default_rng(0)
    stamps = (
        np.datetime64("2023-01-01T00:00") + rng.integers(0, 700 * 1440, n).astype("timedelta64[m]")
    ).astype(str)
    lon, lat = rng.uniform(14.4, 14.7, n), rng.uniform(59.25, 59.45, n)
    cats = np.array(CATEGORIES)[rng.integers(0, 4, n)]
    lines = [HEADER] + [
        f"{i},{cats[i]},{stamps[i].replace('T', ' ')},{lon[i]:.6f},{lat[i]:.6f},,"
        f"{1 + i % 4},Klotter på vägg {i % 50}"
        for i in range(n)
    ]
    data = ("\n".join(lines) + "\n").encode()
    start = time.perf_counter()
    table = read_incidents(data, "big.csv", categories=CATEGORIES, bbox=KARLSKOGA, now=NOW)
    elapsed = time.perf_counter() - start
    print(f"{n:,} rows in {elapsed:.2f} s = {n / elapsed:,.0f} rows/s")
    assert len(table) == n
    assert table.frame["occurred_at"].min() >= datetime(2022, 12, 31, tzinfo=UTC)
    assert table.frame["has_time"].all()
    assert elapsed < 20


def test_dates_are_dates() -> None:
    # A guard for the fixtures above: NOW is after every fixed date used in the tests.
    assert NOW.date() > date(2024, 3, 31)


def test_a_sharing_column_gives_each_row_its_level_in_english_or_swedish() -> None:
    text = (
        "kategori;tid;plats;delning\n"
        "Brand;2024-03-05;Torget;Samverkan\n"
        "Brand;2024-03-06;Torget;egen  organisation\n"
        "Brand;2024-03-07;Torget;\n"
        "Brand;2024-03-08;Torget;Intern\n"
    )
    assert problems(text) == [(5, "delning")]
    table = read_incidents(
        text.encode(), "x.csv", categories=CATEGORIES, now=NOW,
        values={"sharing": {"intern": "organisation"}},
    )  # fmt: skip
    assert table.frame["sharing"].to_list() == [
        "partnership", "organisation", None, "organisation",
    ]  # fmt: skip
