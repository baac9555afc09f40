"""Messy partner files through every ``samtrygg analyse`` command: refused naming the row, or
reported and left out; never computed silently.

The events are a synthetic cluster in Karlskoga (lon/lat, or SWEREF 99 TM metres) over two
years; each test spoils one row and checks what the command says about it.
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pytest

from samtrygg.cli import main

N = 240
BAD = 7  # index of the spoiled event; its file row is BAD + 2 (the header is row 1)
ROW = BAD + 2


def _events(seed: int = 3) -> tuple[np.ndarray, np.ndarray, list[str]]:
    rng = np.random.default_rng(seed)
    lon = np.r_[rng.normal(14.52, 0.004, N // 2), rng.uniform(14.48, 14.56, N - N // 2)]
    lat = np.r_[rng.normal(59.33, 0.002, N // 2), rng.uniform(59.31, 59.35, N - N // 2)]
    start = date(2023, 1, 1)
    days = rng.integers(0, 730, N)
    days[:2] = (0, 729)  # the full two years, whatever the seed
    return lon, lat, [str(start + timedelta(days=int(d))) for d in days]


def _write(tmp_path: Path, header: str, rows: list[str], name: str = "events.csv") -> str:
    path = tmp_path / name
    path.write_text(header + "\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return str(path)


def _lonlat_file(tmp_path: Path, spoil: tuple[str, str, str] | None = None) -> str:
    lon, lat, times = _events()
    rows = [f"{a:.6f},{b:.6f},{t}" for a, b, t in zip(lon, lat, times, strict=True)]
    if spoil is not None:
        rows[BAD] = ",".join(spoil)
    return _write(tmp_path, "lon,lat,time", rows)


# Each command with the options that make it quick on the synthetic events.
COMMANDS = {
    "knox": ["knox", "--iterations", "19", "--distance-bands", "0,100,200"],
    "hotspots": ["hotspots", "--permutations", "19", "--cell-size", "250"],
    "backtest": [
        "backtest", "--methods", "naive", "--start", "2024-01-01", "--end", "2024-03-01",
        "--bootstrap", "0", "--step-days", "14", "--train-days", "300",
    ],
}  # fmt: skip
ALL = [*COMMANDS, "trends"]


def _run(
    command: str, path: str, capsys: pytest.CaptureFixture[str], *extra: str
) -> tuple[int, str, str]:
    base = COMMANDS.get(command, ["trends"])
    argv = ["analyse", base[0], path, *base[1:], *extra]
    code = main(argv)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def _json(command: str, path: str, capsys: pytest.CaptureFixture[str], *extra: str) -> dict:  # type: ignore[type-arg]
    code, out, err = _run(command, path, capsys, "--format", "json", *extra)
    assert code == 0, err
    return json.loads(out)  # type: ignore[no-any-return]


OUTLIERS = {
    "latitude 90": ("14.52", "90.0", "2024-01-05"),
    "0,0": ("0", "0", "2024-01-05"),
    "500 km away": ("22.9", "60.9", "2024-01-05"),
    "sign slip": ("-14.52", "59.33", "2024-01-05"),
    "one row swapped": ("59.33", "14.52", "2024-01-05"),
}


@pytest.mark.parametrize("command", list(COMMANDS))
@pytest.mark.parametrize("case", list(OUTLIERS))
def test_a_wild_point_is_left_out_and_reported_with_its_row(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], command: str, case: str
) -> None:
    path = _lonlat_file(tmp_path, OUTLIERS[case])
    out = _json(command, path, capsys)
    outside = out["input"]["outside_study_area"]
    assert outside["count"] == 1 and outside["rows"] == [ROW]
    assert out["input"]["events_used"] == N - 1
    if case == "one row swapped":
        assert "swapped" in outside["reasons"][0]
    code, text, _ = _run(command, path, capsys)
    assert code == 0 and f"row {ROW}" in text and "left out" in text


@pytest.mark.parametrize("command", list(COMMANDS))
def test_outside_refuse_stops_naming_the_row(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], command: str
) -> None:
    path = _lonlat_file(tmp_path, OUTLIERS["500 km away"])
    code, out, err = _run(command, path, capsys, "--outside", "refuse")
    assert code == 2 and out == ""
    assert f"Row {ROW}" in err and "study area" in err


def test_an_outlier_leaves_the_hotspot_grid_and_results_as_without_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    clean = _json("hotspots", _lonlat_file(tmp_path), capsys)
    (tmp_path / "events.csv").unlink()
    spoiled = _json("hotspots", _lonlat_file(tmp_path, ("0", "0", "2024-01-05")), capsys)
    # The spoiled row was a real event; without it the grid may shrink but never grows.
    assert spoiled["n_rows"] * spoiled["n_cols"] <= clean["n_rows"] * clean["n_cols"]
    assert spoiled["n_events"] == clean["n_events"] - 1


def test_the_backtest_pai_is_not_inflated_by_a_far_point(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lon, lat, times = _events()
    rows = [f"{a:.6f},{b:.6f},{t}" for a, b, t in zip(lon, lat, times, strict=True)]
    clean = _json("backtest", _write(tmp_path, "lon,lat,time", rows, "clean.csv"), capsys)
    rows.append("22.9,60.9,2023-06-01")
    spoiled = _json("backtest", _write(tmp_path, "lon,lat,time", rows, "far.csv"), capsys)
    assert spoiled["input"]["outside_study_area"]["rows"] == [N + 2]
    assert spoiled["methods"]["naive"] == clean["methods"]["naive"]


def test_a_far_point_in_metres_cannot_make_a_huge_grid(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rng = np.random.default_rng(1)
    x, y = rng.uniform(500_000, 502_000, 100), rng.uniform(6_540_000, 6_542_000, 100)
    rows = [f"{a:.1f},{b:.1f}" for a, b in zip(x, y, strict=True)] + ["1000000.0,7040000.0"]
    path = _write(tmp_path, "x,y", rows)
    out = _json("hotspots", path, capsys, "--crs", "EPSG:3006", "--cell-size", "10")
    assert out["n_rows"] * out["n_cols"] <= 201 * 201  # 2 km at 10 m, not 500 km
    assert out["input"]["outside_study_area"]["rows"] == [102]
    assert len(out["cells"]) == out["n_rows"] * out["n_cols"]


def test_a_grid_over_the_cap_is_refused_naming_cell_size_and_count(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _lonlat_file(tmp_path)
    code, _, err = _run("hotspots", path, capsys, "--cell-size", "5", "--max-cells", "10000")
    assert code == 2
    assert "5 m cells" in err and "more than the maximum of 10,000" in err
    assert "--cell-size" in err and "--max-cells" in err
    code, _, err = _run("backtest", path, capsys, "--cell-size", "5", "--max-cells", "10000")
    assert code == 2 and "maximum of 10,000" in err


@pytest.mark.parametrize("command", ALL)
def test_a_future_date_is_refused_naming_the_row(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], command: str
) -> None:
    future = str(date.today() + timedelta(days=30))
    path = _lonlat_file(tmp_path, ("14.52", "59.33", future))
    code, out, err = _run(command, path, capsys)
    assert code == 2 and out == ""
    assert f"Row {ROW}" in err and "future" in err


@pytest.mark.parametrize("command", ALL)
def test_duplicates_are_counted_and_can_be_dropped(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], command: str
) -> None:
    lon, lat, times = _events()
    rows = [f"{a:.6f},{b:.6f},{t}" for a, b, t in zip(lon, lat, times, strict=True)]
    path = _write(tmp_path, "lon,lat,time", rows + rows[:30])
    kept = _json(command, path, capsys)
    assert kept["input"]["duplicates"]["count"] == 30
    assert kept["input"]["duplicates"]["rows"][0] == N + 2
    assert kept["input"]["duplicates"]["dropped"] is False
    assert kept["input"]["events_used"] == N + 30
    dropped = _json(command, path, capsys, "--drop-duplicates")
    assert dropped["input"]["duplicates"]["dropped"] is True
    assert dropped["input"]["events_used"] == N
    code, text, _ = _run(command, path, capsys)
    assert "30 row(s) repeat an earlier row" in text and "--drop-duplicates" in text


def test_dropping_duplicates_restores_the_knox_table(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lon, lat, times = _events()
    rows = [f"{a:.6f},{b:.6f},{t}" for a, b, t in zip(lon, lat, times, strict=True)]
    clean = _json("knox", _write(tmp_path, "lon,lat,time", rows, "clean.csv"), capsys)
    doubled_path = _write(tmp_path, "lon,lat,time", rows + rows, "doubled.csv")
    doubled = _json("knox", doubled_path, capsys)
    assert doubled["observed"] != clean["observed"]
    dropped = _json("knox", doubled_path, capsys, "--drop-duplicates")
    assert dropped["observed"] == clean["observed"]


@pytest.mark.parametrize("command", ALL)
def test_times_with_and_without_offsets_are_refused_naming_rows(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], command: str
) -> None:
    path = _lonlat_file(tmp_path, ("14.52", "59.33", "2024-01-05T10:00:00+01:00"))
    code, _, err = _run(command, path, capsys)
    assert code == 2
    assert f"Row {ROW} has a time with a UTC offset" in err and "row 2 has none" in err


@pytest.mark.parametrize("command", ALL)
def test_different_offsets_are_reported(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], command: str
) -> None:
    lon, lat, times = _events()
    stamps = [f"{t}T12:00:00{'+02:00' if t[5:7] in ('06', '07') else '+01:00'}" for t in times]
    rows = [f"{a:.6f},{b:.6f},{t}" for a, b, t in zip(lon, lat, stamps, strict=True)]
    out = _json(command, _write(tmp_path, "lon,lat,time", rows), capsys)
    (note,) = out["input"]["notes"]
    assert "different UTC offsets" in note and "+01:00 from row" in note and "+02:00" in note


@pytest.mark.parametrize("command", list(COMMANDS))
def test_swapped_columns_are_refused_with_the_fix(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], command: str
) -> None:
    lon, lat, times = _events()
    rows = [f"{b:.6f},{a:.6f},{t}" for a, b, t in zip(lon, lat, times, strict=True)]
    code, _, err = _run(command, _write(tmp_path, "lon,lat,time", rows), capsys)
    assert code == 2
    assert "look swapped: row 2" in err and "--x lat --y lon" in err


@pytest.mark.parametrize("command", list(COMMANDS))
def test_degrees_with_a_metric_crs_are_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], command: str
) -> None:
    lon, lat, times = _events()
    rows = [f"{a:.6f},{b:.6f},{t}" for a, b, t in zip(lon, lat, times, strict=True)]
    path = _write(tmp_path, "longitud,latitud,time", rows)
    code, _, err = _run(command, path, capsys, "--x", "longitud", "--y", "latitud",
                        "--crs", "EPSG:3006")  # fmt: skip
    assert code == 2
    assert "Row 2" in err and "degrees" in err and "--crs EPSG:4326" in err
    assert "EPSG:3006 for" not in err
    # Swedish column names are lon/lat by themselves.
    assert _json(command, path, capsys)["input"]["events_used"] == N


def test_a_boundary_masks_cells_and_leaves_out_events_outside_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # A square around the events with a "lake" north of them (the events reach 59.35).
    shell = [[14.47, 59.30], [14.57, 59.30], [14.57, 59.37], [14.47, 59.37], [14.47, 59.30]]
    lake = [[14.54, 59.355], [14.565, 59.355], [14.565, 59.365], [14.54, 59.365], [14.54, 59.355]]
    boundary = tmp_path / "kommun.geojson"
    boundary.write_text(
        json.dumps({"type": "Feature", "properties": {},
                    "geometry": {"type": "Polygon", "coordinates": [shell, lake]}})
    )  # fmt: skip
    path = _lonlat_file(tmp_path, ("14.555", "59.36", "2024-01-05"))  # in the lake
    out = _json("hotspots", path, capsys, "--boundary", str(boundary))
    assert out["input"]["study_area"]["source"] == "boundary"
    assert out["input"]["outside_study_area"]["rows"] == [ROW]
    assert out["masked_cells"] > 0
    assert len(out["cells"]) == out["n_rows"] * out["n_cols"] - out["masked_cells"]
    from pyproj import Transformer

    to_lonlat = Transformer.from_crs(3006, 4326, always_xy=True)
    for cell in out["cells"]:
        lon, lat = to_lonlat.transform(cell["x"], cell["y"])
        assert not (14.54 < lon < 14.565 and 59.355 < lat < 59.365), cell


def test_a_boundary_file_without_polygons_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    boundary = tmp_path / "points.geojson"
    boundary.write_text(json.dumps({"type": "Point", "coordinates": [14.5, 59.3]}))
    code, _, err = _run("hotspots", _lonlat_file(tmp_path), capsys, "--boundary", str(boundary))
    assert code == 2 and "no polygon" in err


def test_the_parser_constants_match_the_library() -> None:
    from samtrygg.analysis.backtest import METHODS
    from samtrygg.analysis.studyarea import DEFAULT_MAX_CELLS
    from samtrygg.cli.analyse import _common, backtest

    assert backtest.METHODS == METHODS
    assert _common.DEFAULT_MAX_CELLS == DEFAULT_MAX_CELLS
