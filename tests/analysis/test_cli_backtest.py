"""``samtrygg analyse backtest``: the output contract, the formats and one-sentence errors."""

from __future__ import annotations

import csv
import importlib.util
import io
import json
from pathlib import Path

import numpy as np
import pytest

from samtrygg.cli import main


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
    code = main(["analyse", "backtest", *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture(scope="module")
def events_file(tmp_path_factory) -> Path:
    """900 events around a few hotspots in SWEREF 99 TM, 2024-01-01 to 2024-06-29."""
    rng = np.random.default_rng(0)
    n = 900
    centres = rng.uniform(0, 2000, size=(5, 2))
    which = rng.integers(0, 5, n)
    x = 500000 + centres[which, 0] + rng.normal(0, 80, n)
    y = 6600000 + centres[which, 1] + rng.normal(0, 80, n)
    days = np.datetime64("2024-01-01") + rng.integers(0, 181, n).astype("timedelta64[D]")
    path = tmp_path_factory.mktemp("backtest") / "events.csv"
    rows = [f"{a:.1f},{b:.1f},{d}" for a, b, d in zip(x, y, days, strict=True)]
    path.write_text("x,y,date\n" + "\n".join(rows) + "\n")
    return path


BASE = ("--crs", "EPSG:3006", "--cell-size", "200", "--train-days", "90")
PERIOD = ("--start", "2024-04-01", "--end", "2024-06-30")


def test_json_has_the_contract_keys(capsys, events_file):
    code, out, err = run(
        capsys, str(events_file), *BASE, *PERIOD, "--methods", "naive,kde,prospective,sepp",
        "--coverage", "1,2,5,10,20", "--format", "json", "--bootstrap", "100",
    )  # fmt: skip
    assert code == 0, err
    payload = json.loads(out)
    assert {"folds", "methods"} <= set(payload)
    assert payload["folds"] == 12  # 2024-04-01 + 11 weeks + 7 days = 2024-06-24 <= 2024-06-30
    assert len(payload["origins"]) == 12 and payload["origins"][0] == "2024-04-01"
    assert set(payload["methods"]) == {"naive", "kde", "prospective", "sepp"}
    for name, method in payload["methods"].items():
        assert set(method["coverage"]) == {"1", "2", "5", "10", "20"}, name
        five = method["coverage"]["5"]
        for key in ("hit_rate", "pai", "pei_star"):
            assert isinstance(five[key], float)
            low, high = five[f"{key}_ci"]
            assert low <= five[key] <= high
        assert 0 <= five["pei_star"] <= 1
    assert payload["methods"]["naive"]["coverage"]["5"]["pai_ratio_to_naive"] == pytest.approx(1.0)


def test_text_is_a_readable_table(capsys, events_file):
    code, out, _ = run(capsys, str(events_file), *BASE, *PERIOD, "--methods", "naive,kde")
    assert code == 0
    assert "Rolling-origin backtest: 12 origins from 2024-04-01 to 2024-06-17" in out
    header = next(line for line in out.splitlines() if line.startswith("method"))
    assert "hit rate" in header and "PAI" in header and "PEI*" in header
    assert sum(line.lstrip().startswith("kde") for line in out.splitlines()) == 5


def test_csv_has_one_row_per_method_and_coverage(capsys, events_file, tmp_path):
    target = tmp_path / "out.csv"
    code, out, _ = run(
        capsys, str(events_file), *BASE, *PERIOD, "--methods", "naive", "--coverage", "5,10",
        "--format", "csv", "--output", str(target),
    )  # fmt: skip
    assert code == 0 and out == ""
    rows = list(csv.DictReader(io.StringIO(target.read_text())))
    assert [(r["method"], r["coverage_pct"]) for r in rows] == [("naive", "5"), ("naive", "10")]


def test_offset_sensitivity_is_reported_on_request(capsys, events_file):
    code, out, _ = run(
        capsys, str(events_file), *BASE, *PERIOD, "--methods", "naive", "--format", "json",
        "--offset-sensitivity", "--bootstrap", "50",
    )  # fmt: skip
    assert code == 0
    sens = json.loads(out)["offset_sensitivity"]
    assert sens["offsets_m"] == [[0.0, 0.0], [100.0, 0.0], [0.0, 100.0], [100.0, 100.0]]
    five = sens["methods"]["naive"]["coverage"]["5"]
    assert len(five["pai"]) == 4 and five["pai_spread"] >= 0


def test_same_seed_gives_the_same_output(capsys, events_file):
    args = (str(events_file), *BASE, *PERIOD, "--methods", "naive", "--format", "json")
    first = run(capsys, *args, "--seed", "7")[1]
    assert run(capsys, *args, "--seed", "7")[1] == first


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (("--start", "2024-05-01", "--end", "2024-04-01"), "must come after"),
        (("--start", "2024-02-01", "--end", "2024-06-30"), "training data"),
        (("--start", "2024-04-01", "--end", "2024-09-30"), "data end"),
        (("--start", "01/04/2024", "--end", "2024-06-30"), "ISO date"),
        ((*PERIOD, "--coverage", "0,5"), "per cent"),
        ((*PERIOD, "--coverage", "5,150"), "per cent"),
        ((*PERIOD, "--methods", "naive,oracle"), "Unknown method"),
        ((*PERIOD, "--horizon-days", "0"), "horizon_days"),
        ((*PERIOD, "--cell-size", "-5"), "cell-size"),
    ],
)
def test_errors_are_one_sentence_and_exit_2(capsys, events_file, extra, message):
    code, out, err = run(capsys, str(events_file), *BASE, *extra)
    assert code == 2
    assert out == ""
    assert err.startswith("samtrygg: ") and message in err
    assert "Traceback" not in err


def test_a_file_without_times_is_refused(capsys, tmp_path):
    path = tmp_path / "no_time.csv"
    path.write_text("x,y\n500000,6600000\n500100,6600100\n")
    code, _, err = run(capsys, str(path), "--crs", "EPSG:3006", *PERIOD)
    assert code == 2 and "time" in err
