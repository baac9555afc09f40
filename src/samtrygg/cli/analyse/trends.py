"""``samtrygg analyse trends``: counts per week or month per group, and what changed.

The last complete period is tested against the previous period and the same period a year
before (Poisson E-test or exact binomial test, exposures = days), so only changes that chance
cannot explain are flagged.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from samtrygg.analysis.errors import InputError
from samtrygg.cli.analyse._common import (
    add_check_arguments,
    add_input_arguments,
    emit,
    format_table,
)

if TYPE_CHECKING:
    import numpy as np

    from samtrygg.analysis.quality import InputReport
    from samtrygg.analysis.trends import CountSeries

DESCRIPTION = """\
Count events per week (Monday to Sunday) or calendar month for each value of --by, with
periods without events shown as 0. The last complete period is compared with the previous
period and with the same period a year earlier (12 months or 52 weeks); a change is flagged
only when its p-value is below --alpha.

Only the time column (and --by) is analysed; coordinates are not needed. Times in the future
and times with and without UTC offsets are refused (naming the row); rows that repeat an
earlier row exactly (same coordinates, if there are any, time and --by value) are counted and,
with --drop-duplicates, left out.

JSON output: {"period", "by", "method", "alpha", "first_day", "last_day",
"series": [{"group", "periods", "counts"}],
"changes": [{"group", "comparison" ("previous" or "last_year"), "period", "count",
"baseline_period", "baseline", "expected", "difference", "z", "p_value", "flagged"}]}.
CSV output: one row per group and period (group, period, count).
"""


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``trends`` to ``samtrygg analyse``."""
    parser = subparsers.add_parser(
        "trends",
        help="counts per week or month and tests of the latest change",
        description=DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_input_arguments(parser, with_file=True, checks=False)
    add_check_arguments(parser, study_area=False)
    parser.add_argument("--by", help="column whose values each get a series (default: one series)")
    parser.add_argument("--period", choices=("week", "month"), default="month")
    parser.add_argument("--alpha", type=float, default=0.05, help="flag p-values below this")
    parser.add_argument(
        "--method",
        choices=("etest", "binomial"),
        default="etest",
        help="count test (default etest)",
    )
    parser.add_argument(
        "--timezone",
        help="convert times from UTC to this zone before counting (e.g. Europe/Stockholm)",
    )
    parser.set_defaults(func=run)


def _load(
    args: argparse.Namespace,
) -> tuple[np.ndarray[Any, Any], list[str] | None, InputReport]:
    import polars as pl

    from samtrygg.analysis.io import checked_times, detect_xy, read_rows
    from samtrygg.analysis.quality import InputReport
    from samtrygg.analysis.trends import to_local_time

    frame, rows = read_rows(args.file, args.filter)
    report = InputReport(n_rows=frame.height)
    tcol, times = checked_times(frame, rows, report, time=args.time, time_format=args.time_format)
    if tcol is None or times is None:
        raise InputError(f"No time column found among {frame.columns}; name it with --time.")
    if args.by is not None and args.by not in frame.columns:
        raise InputError(f"The --by column {args.by!r} is not in the file; it has {frame.columns}.")
    key = [tcol] + ([args.by] if args.by is not None else [])
    try:
        key += list(detect_xy(frame.columns, args.x, args.y))
    except InputError:
        if args.x is not None or args.y is not None:
            raise
    repeated = ~frame.select(pl.struct(key).is_first_distinct()).to_series().to_numpy()
    report.duplicate_rows = rows[repeated].tolist()
    report.duplicates_dropped = bool(args.drop_duplicates)
    if args.drop_duplicates and repeated.any():
        frame, times = frame.filter(pl.Series(~repeated)), times[~repeated]
    report.n_used = frame.height
    if args.timezone:
        times = to_local_time(times, args.timezone)
    groups = None
    if args.by is not None:
        groups = [str(v) if v is not None else "" for v in frame.get_column(args.by).to_list()]
    return times, groups, report


def _changes(series: CountSeries, args: argparse.Namespace) -> list[dict[str, Any]]:
    from samtrygg.analysis.trends import CountComparison, compare_periods

    if series.last_complete() is None:
        return []
    ch = compare_periods(series, alpha=args.alpha, method=args.method)
    rows: list[dict[str, Any]] = []
    parts: list[tuple[str, str | None, CountComparison | None]] = [
        ("previous", ch.previous_label, ch.previous),
        ("last_year", ch.last_year_label, ch.last_year),
    ]
    for name, label, comp in parts:
        if comp is None:
            continue
        for i, group in enumerate(comp.labels):
            rows.append(
                {
                    "group": group,
                    "comparison": name,
                    "period": ch.current_label,
                    "count": int(comp.current[i]),
                    "baseline_period": label,
                    "baseline": int(comp.baseline[i]),
                    "expected": float(comp.expected[i]),
                    "difference": float(comp.difference[i]),
                    "z": float(comp.z[i]),
                    "p_value": float(comp.p_values[i]),
                    "flagged": bool(comp.flagged[i]),
                }
            )
    return rows


def run(args: argparse.Namespace) -> int:
    """Run ``samtrygg analyse trends``."""
    if not 0.0 < args.alpha < 1.0:
        raise InputError(f"--alpha must lie strictly between 0 and 1, got {args.alpha}.")
    from samtrygg.analysis.trends import count_series

    times, groups, report = _load(args)
    series = count_series(times, groups, period=args.period)
    labels = series.labels()
    changes = _changes(series, args)
    payload = {
        "period": series.period,
        "by": args.by,
        "method": args.method,
        "alpha": args.alpha,
        "first_day": str(series.first_day),
        "last_day": str(series.last_day),
        "complete": series.complete.tolist(),
        "series": [
            {"group": g, "periods": labels, "counts": series.counts[i].tolist()}
            for i, g in enumerate(series.groups)
        ],
        "changes": changes,
    }

    def text() -> str:
        lines = [f"Events per {series.period}, {series.first_day} to {series.last_day}"]
        header = ["period", *series.groups]
        rows = [[lab, *series.counts[:, j].tolist()] for j, lab in enumerate(labels)]
        lines.append(format_table(header, rows))
        if changes:
            lines.append("")
            lines.append(f"Changes in {changes[0]['period']} ({args.method}, alpha {args.alpha}):")
            lines.append(
                format_table(
                    ["group", "against", "count", "baseline", "difference", "z", "p", "flagged"],
                    [
                        [
                            c["group"],
                            c["baseline_period"],
                            c["count"],
                            c["baseline"],
                            c["difference"],
                            c["z"],
                            c["p_value"],
                            "yes" if c["flagged"] else "",
                        ]
                        for c in changes
                    ],  # fmt: skip
                )
            )
        else:
            lines.append("No complete period to test.")
        return "\n".join(lines)

    def csv_rows() -> tuple[list[str], list[list[Any]]]:
        rows = [
            [g, lab, int(series.counts[i, j])]
            for i, g in enumerate(series.groups)
            for j, lab in enumerate(labels)
        ]
        return ["group", "period", "count"], rows

    return emit(args, payload, text, csv_rows, report=report)
