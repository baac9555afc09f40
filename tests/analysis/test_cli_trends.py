"""``samtrygg analyse trends`` on small files and on the Chicago burglaries."""

from __future__ import annotations

import argparse
import json
import sys

import pytest

from samtrygg.analysis.errors import AnalysisError
from tests.datafiles import data_file


def cli(argv: list[str]) -> int:
    """Run ``samtrygg`` (or, while sibling subcommands are missing, our own parser)."""
    try:
        from samtrygg.cli import build_parser

        build_parser()
    except ModuleNotFoundError:
        from samtrygg.cli.analyse import trends

        parser = argparse.ArgumentParser(prog="samtrygg analyse")
        trends.register(parser.add_subparsers(dest="analysis", required=True))
        args = parser.parse_args(argv[1:])
        try:
            return int(args.func(args))
        except AnalysisError as exc:
            print(f"samtrygg: {exc}", file=sys.stderr)
            return 2
    from samtrygg.cli import main

    return main(argv)


def _write(tmp_path, text: str) -> str:
    path = tmp_path / "events.csv"
    path.write_text(text, encoding="utf-8")
    return str(path)


EVENTS = """time,kategori
2023-03-10,inbrott
2023-03-11,inbrott
2024-02-10,inbrott
2024-02-11,skadegörelse
2024-03-01,inbrott
2024-03-02,inbrott
2024-03-03,inbrott
2024-03-04,inbrott
2024-03-05,inbrott
2024-03-06,inbrott
2024-03-07,inbrott
2024-03-08,inbrott
2024-03-31,skadegörelse
"""


def test_monthly_series_are_zero_filled_per_group(tmp_path, capsys):
    path = _write(tmp_path, EVENTS)
    code = cli(
        ["analyse", "trends", path, "--by", "kategori", "--period", "month", "--format", "json"]
    )
    assert code == 0
    out = json.loads(capsys.readouterr().out)
    assert out["period"] == "month" and out["by"] == "kategori"
    groups = {s["group"]: s for s in out["series"]}
    assert set(groups) == {"inbrott", "skadegörelse"}
    periods = groups["inbrott"]["periods"]
    assert periods[0] == "2023-03" and periods[-1] == "2024-03" and len(periods) == 13
    assert groups["inbrott"]["counts"][0] == 2 and groups["inbrott"]["counts"][-1] == 8
    assert groups["skadegörelse"]["counts"] == [0] * 11 + [1, 1]


def test_changes_compare_the_last_full_period_with_previous_and_last_year(tmp_path, capsys):
    path = _write(tmp_path, EVENTS)
    cli(["analyse", "trends", path, "--by", "kategori", "--format", "json"])
    changes = json.loads(capsys.readouterr().out)["changes"]
    by_key = {(c["group"], c["comparison"]): c for c in changes}
    prev = by_key[("inbrott", "previous")]
    assert prev["period"] == "2024-03" and prev["baseline_period"] == "2024-02"
    assert (prev["count"], prev["baseline"]) == (8, 1)
    assert prev["expected"] == pytest.approx(31 / 29)
    assert prev["difference"] == pytest.approx(8 - 31 / 29)
    assert prev["flagged"] and 0 < prev["p_value"] < 0.05
    year = by_key[("inbrott", "last_year")]
    assert year["baseline_period"] == "2023-03" and year["baseline"] == 2
    assert {"z", "p_value", "flagged"} <= set(year)


def test_weekly_csv_output(tmp_path, capsys):
    path = _write(tmp_path, "date\n2024-01-01\n2024-01-02\n2024-01-16\n")
    assert cli(["analyse", "trends", path, "--period", "week", "--format", "csv"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert lines == [
        "group,period,count",
        "all,2024-01-01,2",
        "all,2024-01-08,0",
        "all,2024-01-15,1",
    ]


def test_text_output_and_output_file(tmp_path, capsys):
    path = _write(tmp_path, EVENTS)
    target = tmp_path / "out.txt"
    assert cli(["analyse", "trends", path, "--output", str(target)]) == 0
    text = target.read_text(encoding="utf-8")
    assert "Events per month" in text and "2024-03" in text
    assert capsys.readouterr().out == ""


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--by", "area"], "--by column 'area'"),
        (["--time", "when"], "time column 'when'"),
        (["--alpha", "2"], "--alpha"),
        (["--filter", "kategori"], "COLUMN=VALUE"),
        (["--filter", "kategori=rån"], "no events"),
    ],
)
def test_unusable_options_give_one_sentence_and_exit_2(tmp_path, capsys, extra, message):
    path = _write(tmp_path, EVENTS)
    assert cli(["analyse", "trends", path, *extra]) == 2
    err = capsys.readouterr().err
    assert err.startswith("samtrygg: ") and message in err
    assert "Traceback" not in err


def test_chicago_monthly_counts(capsys):
    path = data_file("crime_points/chicago_burglary_2014_2017.csv")
    assert cli(["analyse", "trends", str(path), "--period", "month", "--format", "json"]) == 0
    out = json.loads(capsys.readouterr().out)
    counts = out["series"][0]["counts"]
    assert counts[:12] == [959, 764, 910, 955, 1038, 1052, 1153, 1167, 1085, 1140, 956, 1155]
    assert sum(counts) == 45_319
    assert {c["baseline_period"] for c in out["changes"]} == {"2017-11", "2016-12"}


def test_memphis_weekly_counts_by_offense_in_local_time(capsys):
    path = data_file("crime_points/memphis_robberies_2019.csv")
    code = cli(["analyse", "trends", str(path), "--by", "offense_type", "--period", "week",
                "--timezone", "America/Chicago", "--format", "json"])  # fmt: skip
    assert code == 0
    out = json.loads(capsys.readouterr().out)
    assert [s["group"] for s in out["series"]] == ["personal robbery"]
    assert sum(out["series"][0]["counts"]) == 2245
    assert out["series"][0]["periods"][0] == "2018-12-31"  # 1 Jan 01:30 UTC is 31 Dec locally
