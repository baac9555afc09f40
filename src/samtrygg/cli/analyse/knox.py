"""``samtrygg analyse knox``: near-repeat (Knox) analysis of the events in a file.

Rows are distance bands (same location first when the list starts with 0, "more than" last),
columns are time bands (last = "more than"). ``--distance-bands 0,200,400`` gives the rows
same location ``[0, 0.001)``, ``[0.001, 200)``, ``[200, 400)`` and ``>= 400`` metres; without
the leading 0 there is no same-location row and the first row is ``[0, 200)``. Time bands
always start at a lag of 0 days: ``0,7,14`` and ``7,14`` both give ``[0, 7)``, ``[7, 14)`` and
``>= 14`` days. With ``--nrc-compatible`` the bands follow the Near Repeat Calculator
(same location = exactly 0 m, then ``(0, 200)``; float32 coordinates; NRC labels); with
``--labels-true`` the NRC labels are kept and the breaks are moved up by one so the labels
hold. See ``samtrygg.analysis.nearrepeat``.
"""

from __future__ import annotations

import argparse
import math
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from samtrygg.cli.analyse._common import (
    add_input_arguments,
    emit,
    format_table,
    load_events,
    parse_number_list,
)
from samtrygg.cli.analyse.knox_summary import summary

if TYPE_CHECKING:
    from samtrygg.analysis.nearrepeat import KnoxResult


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``knox`` parser."""
    parser = subparsers.add_parser(
        "knox",
        help="near-repeat (Knox) analysis: is risk raised near recent events?",
        description=__doc__.split("\n\n", 1)[1] if __doc__ else None,
    )
    add_input_arguments(parser)
    parser.add_argument(
        "--distance-bands",
        default="0,200,400",
        metavar="LIST",
        help="distance breaks in metres; a leading 0 adds a same-location row (default 0,200,400)",
    )
    parser.add_argument(
        "--time-bands",
        default="0,7,14",
        metavar="LIST",
        help="day-lag breaks; columns start at 0 days (default 0,7,14)",
    )
    parser.add_argument(
        "--iterations", type=int, default=999, help="number of permutations (default 999)"
    )
    parser.add_argument("--metric", choices=("euclidean", "manhattan"), default="euclidean")
    modes = parser.add_mutually_exclusive_group()
    modes.add_argument(
        "--nrc-compatible",
        action="store_true",
        help="reproduce the Near Repeat Calculator (intervals [a-1, b), float32, NRC labels)",
    )
    modes.add_argument(
        "--labels-true",
        action="store_true",
        help="NRC labels with intervals that mean what they say (breaks + 1)",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Run the analysis and write the table in the chosen format."""
    from samtrygg.analysis.nearrepeat import knox

    distance_bands = parse_number_list(args.distance_bands, "--distance-bands")
    time_bands = parse_number_list(args.time_bands, "--time-bands")
    events = load_events(args, require_time=True)
    result = knox(
        events.x,
        events.y,
        events.days,
        distance_bands,
        time_bands,
        args.iterations,
        metric=args.metric,
        nrc_compatible=args.nrc_compatible,
        labels_true=args.labels_true,
        seed=args.seed,
    )
    payload = _payload(result, events.crs)
    return emit(
        args,
        payload,
        lambda: _text(result, events.crs, payload["summary"]),
        lambda: _csv(result),
        report=events.report,
    )


def _intervals(intervals: Any) -> list[list[float | None]]:
    return [[float(lo), None if math.isinf(hi) else float(hi)] for lo, hi in intervals]


def _payload(result: KnoxResult, crs: int) -> dict[str, Any]:
    return {
        "n_events": result.n_events,
        "n_pairs": result.n_pairs,
        "crs": f"EPSG:{crs}",
        "metric": result.metric,
        "mode": result.mode,
        "distance_bands": _intervals(result.distance_intervals),
        "time_bands": _intervals(result.time_intervals),
        "distance_labels": list(result.distance_labels),
        "time_labels": list(result.time_labels),
        "observed": result.observed,
        "expected": result.expected_mean,
        "expected_exact": result.expected_exact,
        "ratio": result.ratio,
        "ratio_exact": result.ratio_exact,
        "p_value": result.p_values,
        "iterations": result.iterations,
        "seed": result.seed,
        "summary": {language: summary(result.findings(), language) for language in ("sv", "en")},
    }


def _grid(result: KnoxResult, values: Any, digits: int | None) -> str:
    rows = []
    for label, row in zip(result.distance_labels, values, strict=True):
        cells = [v.item() if digits is None else round(float(v), digits) for v in row]
        rows.append(
            [label, *[None if isinstance(c, float) and math.isnan(c) else c for c in cells]]
        )
    return format_table(["distance \\ days", *result.time_labels], rows)


def _text(result: KnoxResult, crs: int, summary: dict[str, str]) -> str:
    mode = {"default": "", "nrc": ", NRC-compatible", "labels-true": ", NRC labels made true"}
    parts = [
        f"Near-repeat (Knox) analysis: {result.n_events} events, {result.n_pairs} pairs, "
        f"{result.metric} distance in EPSG:{crs}{mode[result.mode]}, "
        f"{result.iterations} permutations (seed {result.seed}).",
        "",
        "Observed pairs",
        _grid(result, result.observed, None),
        "",
        "Observed / expected (Monte Carlo mean)",
        _grid(result, result.ratio, 2),
        "",
        "Observed / exact expectation E* = N_s N_t / P",
        _grid(result, result.ratio_exact, 2),
        "",
        "p-value (M + 1) / (R + 1)",
        _grid(result, result.p_values, 3),
        "",
        f"Sammanfattning: {summary['sv']}",
        f"Summary: {summary['en']}",
    ]
    return "\n".join(parts)


def _csv(result: KnoxResult) -> tuple[Sequence[str], Iterable[Sequence[Any]]]:
    header = (
        "distance_band",
        "distance_low",
        "distance_high",
        "time_band",
        "time_low",
        "time_high",
        "observed",
        "expected",
        "expected_exact",
        "ratio",
        "ratio_exact",
        "p_value",
    )
    rows = []
    for i, (d_label, (d_low, d_high)) in enumerate(
        zip(result.distance_labels, _intervals(result.distance_intervals), strict=True)
    ):
        for j, (t_label, (t_low, t_high)) in enumerate(
            zip(result.time_labels, _intervals(result.time_intervals), strict=True)
        ):
            rows.append(
                (
                    d_label,
                    d_low,
                    d_high,
                    t_label,
                    t_low,
                    t_high,
                    int(result.observed[i, j]),
                    float(result.expected_mean[i, j]),
                    float(result.expected_exact[i, j]),
                    float(result.ratio[i, j]),
                    float(result.ratio_exact[i, j]),
                    float(result.p_values[i, j]),
                )
            )
    return header, rows
