"""``samtrygg analyse wdd`` with counts as options or in a file."""

from __future__ import annotations

import argparse
import json
import math
import sys

import pytest

from samtrygg.analysis.errors import AnalysisError


def cli(argv: list[str]) -> int:
    """Run ``samtrygg`` (or, while sibling subcommands are missing, our own parser)."""
    try:
        from samtrygg.cli import build_parser

        build_parser()
    except ModuleNotFoundError:
        from samtrygg.cli.analyse import wdd

        parser = argparse.ArgumentParser(prog="samtrygg analyse")
        wdd.register(parser.add_subparsers(dest="analysis", required=True))
        args = parser.parse_args(argv[1:])
        try:
            return int(args.func(args))
        except AnalysisError as exc:
            print(f"samtrygg: {exc}", file=sys.stderr)
            return 2
    from samtrygg.cli import main

    return main(argv)


BASE = ["analyse", "wdd", "--treated-before", "60", "--treated-after", "40",
        "--control-before", "50", "--control-after", "55"]  # fmt: skip
DISP = ["--displacement-before", "30", "--displacement-after", "28",
        "--displacement-control-before", "25", "--displacement-control-after", "27"]  # fmt: skip


def test_wdd_from_options_as_json(capsys):
    assert cli([*BASE, *DISP, "--format", "json"]) == 0
    out = json.loads(capsys.readouterr().out)
    # Hand-worked in test_interventions: WDD = -29, Var = 315.
    assert out["wdd"] == -29 and out["variance"] == 315
    assert out["local"] == -25 and out["displacement"] == -4
    assert out["z"] == pytest.approx(-29 / math.sqrt(315))
    assert out["ci"][0] == pytest.approx(-63.7859, abs=1e-4)
    assert 0 < out["p_value"] < 1 and out["has_displacement"]


def test_wdd_from_a_counts_file(tmp_path, capsys):
    path = tmp_path / "counts.csv"
    path.write_text(
        "area,period,count\ntreated,before,60\ntreated,after,40\ncontrol,before,50\n"
        "control,after,55\ndisplacement,before,30\ndisplacement,after,28\n"
        "displacement_control,before,25\ndisplacement_control,after,27\n",
        encoding="utf-8",
    )
    assert cli(["analyse", "wdd", "--counts", str(path), "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["wdd"] == -29


def test_options_override_the_file_and_weights_apply(tmp_path, capsys):
    path = tmp_path / "counts.csv"
    path.write_text(
        "area;period;count\ntreated;before;120\ntreated;after;1\ncontrol;before;60\n"
        "control;after;33\n",
        encoding="utf-8",
    )
    argv = ["analyse", "wdd", "--counts", str(path), "--treated-after", "40",
            "--before-length", "12", "--after-length", "6", "--format", "json"]  # fmt: skip
    assert cli(argv) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["wdd"] == pytest.approx(-23 / 6)
    assert not out["has_displacement"] and out["displacement"] == 0


def test_area_weights_option(capsys):
    argv = ["analyse", "wdd", "--treated-before", "40", "--treated-after", "20",
            "--control-before", "30", "--control-after", "30", "--area-weights", "2,1,1,1",
            "--format", "json"]  # fmt: skip
    assert cli(argv) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["wdd"] == pytest.approx(-10.0) and out["variance"] == pytest.approx(75.0)


def test_text_and_csv_output(capsys):
    assert cli([*BASE, "--alpha", "0.1"]) == 0
    text = capsys.readouterr().out
    assert "Weighted displacement difference" in text and "90 % CI" in text
    assert cli([*BASE, "--format", "csv"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "measure,value" and lines[1] == "wdd,-25.0"


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["analyse", "wdd", "--treated-before", "5"], "--treated-after"),
        ([*BASE, "--displacement-before", "3"], "all four displacement"),
        ([*BASE, "--alpha", "1.5"], "alpha"),
        (
            [
                "analyse",
                "wdd",
                "--treated-before",
                "-5",
                "--treated-after",
                "1",
                "--control-before",
                "1",
                "--control-after",
                "1",
            ],
            "treated_before",
        ),  # fmt: skip
        (["analyse", "wdd", "--counts", "/nonexistent/counts.csv"], "does not exist"),
        ([*BASE, "--area-weights", "1,2"], "four numbers"),
        ([*BASE, "--area-weights", "1,0,1,1"], "area_weights"),
    ],
)
def test_bad_input_gives_one_sentence_and_exit_2(capsys, argv, message):
    assert cli(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("samtrygg: ") and message in err


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("area,period\ntreated,before\n", "lacks the column"),
        ("area,period,count\npark,before,3\n", "area 'park'"),
        ("area,period,count\ntreated,during,3\n", "period 'during'"),
        ("area,period,count\ntreated,before,many\n", "count 'many'"),
        ("area,period,count\ntreated,before,1\ntreated,before,2\n", "given twice"),
    ],
)
def test_bad_counts_files_are_named_by_row(tmp_path, capsys, body, message):
    path = tmp_path / "counts.csv"
    path.write_text(body, encoding="utf-8")
    assert cli(["analyse", "wdd", "--counts", str(path)]) == 2
    assert message in capsys.readouterr().err
