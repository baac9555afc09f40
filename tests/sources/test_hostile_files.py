"""Hostile and broken incident files are refused before they are read, naming the limit."""

from __future__ import annotations

import io
import time
import tracemalloc
import zipfile
from datetime import UTC, datetime

import openpyxl
import pytest

from samtrygg.sources.errors import SourceError
from samtrygg.sources.limits import DEFAULT_LIMITS, MB, LimitError, LimitRowError, Limits
from samtrygg.sources.tabular import preview, read_incidents

CATEGORIES = ["Brand", "Inbrott"]
NOW = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)
HEADER = "id,category,time,place,description"


def _read(data: bytes, filename: str = "logg.csv", **kw: object) -> object:
    return read_incidents(data, filename, categories=CATEGORIES, now=NOW, **kw)  # type: ignore[arg-type]


def _xlsx(rows: list[list[object]]) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _zip_bomb(unpacked_mb: int) -> bytes:
    """A valid .xlsx whose one description cell unpacks into ``unpacked_mb`` MB of text.

    Made by replacing the sheet of a real workbook, written in chunks so that the test itself
    never holds the text.
    """
    template = _xlsx(
        [["category", "time", "place", "description"], ["Brand", "2024-03-05", "x", "y"]]
    )
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(template)) as src,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst,
    ):
        for item in src.infolist():
            if item.filename != "xl/worksheets/sheet1.xml":
                dst.writestr(item, src.read(item))
                continue
            xml = src.read(item).decode()
            head, tail = xml.split('<c r="D2"', 1)
            tail = tail.split("</c>", 1)[1]
            with dst.open(item.filename, "w") as sheet:
                sheet.write(head.encode() + b'<c r="D2" t="inlineStr"><is><t>')
                chunk = b"A" * MB
                for _ in range(unpacked_mb):
                    sheet.write(chunk)
                sheet.write(b"</t></is></c>" + tail.encode())
    return out.getvalue()


def test_a_zip_bomb_xlsx_is_refused_before_it_is_unpacked() -> None:
    bomb = _zip_bomb(300)
    assert len(bomb) < 2 * MB  # a small upload …
    tracemalloc.start()
    start = time.perf_counter()
    try:
        with pytest.raises(LimitError) as info:
            _read(bomb, "logg.xlsx")
        with pytest.raises(LimitError):
            preview(bomb, "logg.xlsx")
        _size, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert time.perf_counter() - start < 5
    # … that is refused without unpacking the 300 MB, naming the limit.
    assert peak < 20 * MB
    assert info.value.kind == "bytes" and info.value.limit == DEFAULT_LIMITS.max_bytes
    assert info.value.found is not None and info.value.found > 300 * MB
    assert "100 MB" in str(info.value) and "when unpacked" in str(info.value)


def test_an_xlsx_just_under_the_unpacked_limit_is_read() -> None:
    data = _zip_bomb(2)
    with pytest.raises(SourceError) as info:
        _read(data, "logg.xlsx", limits=Limits(max_bytes=3 * MB, max_text=10))
    # Read, and then refused for the long description only, which names its length.
    [error] = info.value.errors
    assert isinstance(error, LimitRowError)
    assert (error.row, error.field, error.limit, error.found) == (2, "description", 10, 2 * MB)


def test_a_csv_over_the_size_limit_is_refused() -> None:
    data = (HEADER + "\n" + "1,Brand,2024-03-05,Torget,x\n" * 5000).encode()
    with pytest.raises(LimitError) as info:
        _read(data, limits=Limits(max_bytes=50_000))
    assert info.value.kind == "bytes" and info.value.found == len(data)


@pytest.mark.parametrize("quoted", [False, True])
def test_a_csv_with_too_many_rows_is_refused(quoted: bool) -> None:
    place = '"Torget\nnorra"' if quoted else "Torget"
    data = (HEADER + "\n" + f"1,Brand,2024-03-05,{place},x\n" * 101).encode()
    with pytest.raises(LimitError, match="101 rows; at most 100") as info:
        _read(data, limits=Limits(max_rows=100))
    assert info.value.kind == "rows"
    with pytest.raises(LimitError):
        preview(data, "logg.csv", limits=Limits(max_rows=100))


def test_an_xlsx_with_too_many_rows_or_cells_is_refused() -> None:
    rows: list[list[object]] = [["category", "time", "place", "description"]]
    rows += [["Brand", "2024-03-05", "Torget", f"händelse {i}"] for i in range(30)]
    data = _xlsx(rows)
    with pytest.raises(LimitError, match="at most 20 are accepted") as info:
        _read(data, "logg.xlsx", limits=Limits(max_rows=20))
    assert info.value.kind == "rows"
    with pytest.raises(LimitError, match="4 columns") as info:
        _read(data, "logg.xlsx", limits=Limits(max_cells=100))
    assert info.value.kind == "cells"
    assert len(_read(data, "logg.xlsx", limits=Limits(max_rows=30)).rows()) == 30  # type: ignore[attr-defined]


def test_over_long_values_are_refused_per_row_and_not_quoted() -> None:
    long_text = "lång " * 500  # 2,500 characters
    data = (
        f"{HEADER}\n1,Brand,2024-03-05,Torget,{long_text}\n"
        f"{'9' * 101},Brand,2024-03-05,{'P' * 201},kort\n3,Brand,2024-03-05,Torget,kort\n"
    ).encode()
    with pytest.raises(SourceError) as info:
        _read(data)
    found = [(e.row, e.field, e.limit) for e in info.value.errors]  # type: ignore[attr-defined]
    assert found == [(2, "description", 2000), (3, "id", 100), (3, "place", 200)]
    assert long_text.strip() not in str(info.value)
    assert "at most 2000 are accepted" in str(info.value)


def test_nul_bytes_are_refused_naming_the_row() -> None:
    data = f"{HEADER}\n1,Brand,2024-03-05,Torget,ok\n2,Brand,2024-03-05,Tor\x00get,ok\n".encode()
    with pytest.raises(SourceError) as info:
        _read(data)
    [error] = info.value.errors
    assert (error.row, error.field) == (3, "place")
    assert "NUL" in error.message


def test_preview_shortens_long_values() -> None:
    data = f"{HEADER}\n1,Brand,2024-03-05,Torget,{'x' * 5000}\n".encode()
    shown = preview(data, "logg.csv").rows[0][-1]
    assert len(shown) == DEFAULT_LIMITS.max_value and shown.endswith("…")


def test_a_zip_bomb_is_refused_as_a_bra_table_too() -> None:
    from samtrygg.sources.bra import read_bra

    with pytest.raises(LimitError) as info:
        read_bra(_zip_bomb(120), "bra.xlsx")
    assert info.value.kind == "bytes"
