"""``samtrygg analyse knox``: the output contract, the formats and one-sentence errors."""

from __future__ import annotations

import csv
import importlib.util
import io
import json
from pathlib import Path

import pytest

from samtrygg.cli import main
from tests.datafiles import data_file

CONTRACT_KEYS = {
    "n_events",
    "distance_bands",
    "time_bands",
    "observed",
    "expected",
    "ratio",
    "p_value",
    "iterations",
    "summary",
}


@pytest.fixture(autouse=True)
def _only_present_subcommands(monkeypatch):
    # ``analyse`` imports every subcommand; while sibling modules are still being written,
    # register only the ones that exist so that the real ``main`` can be used.
    from samtrygg.cli import analyse

    present = tuple(
        name
        for name in analyse.SUBCOMMANDS
        if importlib.util.find_spec(f"samtrygg.cli.analyse.{name}") is not None
    )
    monkeypatch.setattr(analyse, "SUBCOMMANDS", present)


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(["analyse", "knox", *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture(scope="module")
def chicago_2014(tmp_path_factory) -> Path:
    """The 2014 rows of the Chicago file (the NRC 2014 run), as a CSV of their own."""
    lines = data_file("crime_points/chicago_burglary_2014_2017.csv").read_text().splitlines()
    path = tmp_path_factory.mktemp("knox") / "chicago_2014.csv"
    path.write_text("\n".join([lines[0], *(r for r in lines[1:] if r.endswith("/2014"))]) + "\n")
    return path


@pytest.fixture
def small(tmp_path) -> Path:
    path = tmp_path / "events.csv"
    path.write_text(
        "x,y,date\n"
        "500000,6500000,2024-03-01\n"
        "500050,6500000,2024-03-03\n"
        "500050,6500000,2024-03-20\n"
        "500900,6500300,2024-03-04\n"
        "501500,6500000,2024-04-01\n"
    )
    return path


@pytest.mark.parametrize(
    ("metric", "table"),
    [
        ("euclidean", [[292, 1216], [1638, 34014], [2722603, 73297848]]),
        ("manhattan", [[292, 1216], [1230, 25613], [2723011, 73306249]]),
    ],
)
def test_json_output_reproduces_the_nrc_2014_table(capsys, chicago_2014, metric, table):
    code, out, err = run(
        capsys,
        str(chicago_2014),
        "--crs",
        "EPSG:26971",
        "--distance-bands",
        "0,200",
        "--time-bands",
        "0,7",
        "--iterations",
        "99",
        "--metric",
        metric,
        "--nrc-compatible",
        "--format",
        "json",
    )
    assert (code, err) == (0, "")
    data = json.loads(out)
    assert data.keys() >= CONTRACT_KEYS
    assert data["n_events"] == 12334
    assert data["observed"] == table
    assert data["distance_bands"] == [[0, 0], [0, 200], [200, None]]
    assert data["time_bands"] == [[0, 7], [7, None]]
    assert data["distance_labels"] == ["Same location", "1 to 200", "More than 200"]
    assert data["iterations"] == 99 and data["metric"] == metric and data["crs"] == "EPSG:26971"
    assert data["p_value"][0][0] == pytest.approx(0.01)
    assert abs(data["ratio"][1][0] - 1.28) <= 0.03
    assert (
        "Inom 1–200 m från en händelse är risken förhöjd i upp till 7 dagar, ca 28 %"
        in (data["summary"]["sv"])
    )
    assert "Within 1–200 m" in data["summary"]["en"]


def test_band_lists_map_to_rows_and_columns_as_documented(capsys, small):
    code, out, _ = run(
        capsys,
        str(small),
        "--crs",
        "EPSG:3006",
        "--distance-bands",
        "0,200,400",
        "--time-bands",
        "0,7,14",
        "--iterations",
        "19",
        "--format",
        "json",
    )
    data = json.loads(out)
    assert code == 0
    assert data["distance_bands"] == [[0, 0.001], [0.001, 200], [200, 400], [400, None]]
    assert data["time_bands"] == [[0, 7], [7, 14], [14, None]]
    assert data["distance_labels"] == ["same location", "0–200 m", "200–400 m", "≥ 400 m"]
    assert data["time_labels"] == ["0–6 days", "7–13 days", "≥ 14 days"]
    # 5 events, 10 pairs: one same-location pair 17 days apart, two pairs 50 m apart.
    assert data["observed"][0] == [0, 0, 1]
    assert sum(data["observed"][1]) == 2
    assert sum(map(sum, data["observed"])) == 10
    assert len(data["p_value"]) == 4 and len(data["p_value"][0]) == 3


def test_band_list_without_zero_has_no_same_location_row(capsys, small):
    _, out, _ = run(
        capsys, str(small), "--crs", "EPSG:3006", "--distance-bands", "200", "--format", "json"
    )
    data = json.loads(out)
    assert data["distance_bands"] == [[0, 200], [200, None]]
    assert [sum(r) for r in data["observed"]] == [3, 7]


def test_text_format_is_a_table_with_both_summaries(capsys, small):
    code, out, _ = run(capsys, str(small), "--crs", "EPSG:3006", "--iterations", "99")
    assert code == 0
    assert "Observed pairs" in out and "p-value" in out
    assert "same location" in out and "0–6 days" in out and "≥ 14 days" in out
    assert "Sammanfattning: " in out and "Summary: " in out


def test_csv_format_has_one_row_per_cell(capsys, small):
    _, out, _ = run(capsys, str(small), "--crs", "EPSG:3006", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert len(rows) == 4 * 3
    assert rows[0]["distance_band"] == "same location" and rows[0]["time_band"] == "0–6 days"
    assert rows[-1]["distance_high"] == "" and rows[-1]["time_high"] == ""
    assert sum(int(r["observed"]) for r in rows) == 10


def test_output_option_writes_the_file_and_the_seed_makes_it_repeatable(capsys, small, tmp_path):
    target = tmp_path / "out.json"
    args = [str(small), "--crs", "EPSG:3006", "--format", "json", "--seed", "7"]
    code, out, _ = run(capsys, *args, "--output", str(target))
    assert code == 0 and out == ""
    _, again, _ = run(capsys, *args)
    assert json.loads(target.read_text()) == json.loads(again)


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["missing.csv"], "does not exist"),
        (["{small}", "--crs", "EPSG:3006", "--distance-bands=-5,200"], "negative value"),
        (["{small}", "--crs", "EPSG:3006", "--distance-bands", "400,200"], "strictly increasing"),
        (["{small}", "--crs", "EPSG:3006", "--time-bands", "7,x"], "numbers separated by commas"),
        (["{small}", "--crs", "EPSG:3006", "--iterations", "0"], "iterations 0 must be at least"),
        (["{small}"], "--crs"),
        (["{nodates}", "--crs", "EPSG:3006"], "No time column"),
        (["{onepoint}", "--crs", "EPSG:3006"], "lie at the same point"),
    ],
)
def test_bad_input_exits_2_with_one_sentence(capsys, small, tmp_path, args, expected):
    nodates = tmp_path / "nodates.csv"
    nodates.write_text("x,y\n500000,6500000\n500100,6500000\n")
    onepoint = tmp_path / "onepoint.csv"
    onepoint.write_text("x,y,date\n500000,6500000,2024-01-01\n500000,6500000,2024-01-05\n")
    names = {"small": small, "nodates": nodates, "onepoint": onepoint}
    code, out, err = run(capsys, *[a.format(**names) for a in args])
    assert code == 2 and out == ""
    assert expected in err
    assert err.startswith("samtrygg: ") and err.count("\n") == 1 and err.rstrip().endswith(".")
