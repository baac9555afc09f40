"""``samtrygg analyse wdd``: the weighted displacement difference test from eight counts."""

from __future__ import annotations

import argparse
from typing import Any

from samtrygg.analysis.errors import InputError
from samtrygg.cli.analyse._common import add_input_arguments, emit, format_table

_AREAS = ("treated", "control", "displacement", "displacement_control")
_PERIODS = ("before", "after")

DESCRIPTION = """\
Weighted displacement difference (Wheeler & Ratcliffe 2018): did crime fall more in the
treated area than in the control area, and did it move to (or improve in) the area around it?

Give the counts as options (--treated-before N --treated-after N --control-before N
--control-after N, optionally all four --displacement-* counts), or in a small CSV file with
--counts FILE that has the columns

    area,period,count
    treated,before,60
    treated,after,40
    control,before,50
    control,after,50
    displacement,before,30
    displacement,after,28
    displacement_control,before,25
    displacement_control,after,27

area is one of treated, control, displacement, displacement_control; period is before or
after. Counts given as options override the file. --before-length and --after-length weight
unequal periods (e.g. months) and --area-weights unequal areas: a count x with weight u
enters the estimate as x/u and the variance as x/u².

A negative WDD means crime fell more in the treated area; the CI is WDD ± z(1-alpha/2)·√Var.
JSON output: {"wdd", "variance", "se", "z", "p_value", "ci", "alpha", "local",
"local_variance", "displacement", "displacement_variance", "has_displacement", "counts"}.
"""


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``wdd`` to ``samtrygg analyse``."""
    parser = subparsers.add_parser(
        "wdd",
        help="weighted displacement difference test of a measure",
        description=DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_input_arguments(parser, with_file=False)
    parser.add_argument("--counts", metavar="FILE", help="CSV with area,period,count rows")
    for area in _AREAS:
        for period in _PERIODS:
            flag = f"--{area.replace('_', '-')}-{period}"
            parser.add_argument(
                flag, type=float, default=None, metavar="N",
                help=f"count in the {area.replace('_', ' ')} area {period} the measure",
            )  # fmt: skip
    parser.add_argument(
        "--before-length", type=float, default=1.0, help="length of the before period"
    )
    parser.add_argument(
        "--after-length", type=float, default=1.0, help="length of the after period"
    )
    parser.add_argument(
        "--area-weights",
        metavar="T,C,D,DC",
        help="relative sizes of the treated, control, displacement and displacement-control "
        "areas (default 1,1,1,1)",
    )
    parser.add_argument("--alpha", type=float, default=0.05, help="for the confidence interval")
    parser.set_defaults(func=run)


def _read_counts(path: str) -> dict[str, float]:
    from samtrygg.analysis.io import read_table

    frame = read_table(path)
    columns = {c.strip().lower(): c for c in frame.columns}
    missing = [c for c in ("area", "period", "count") if c not in columns]
    if missing:
        raise InputError(
            f"The counts file {path!r} lacks the column(s) {missing}; it needs area,period,count."
        )
    out: dict[str, float] = {}
    for i, row in enumerate(frame.iter_rows(named=True)):
        area = str(row[columns["area"]] or "").strip().lower().replace("-", "_").replace(" ", "_")
        period = str(row[columns["period"]] or "").strip().lower()
        raw = str(row[columns["count"]] or "").strip()
        if area not in _AREAS:
            raise InputError(
                f"Row {i + 2} of {path!r}: the area {area!r} is not one of {', '.join(_AREAS)}."
            )
        if period not in _PERIODS:
            raise InputError(
                f"Row {i + 2} of {path!r}: the period {period!r} is not before or after."
            )
        try:
            value = float(raw.replace(",", "."))
        except ValueError as exc:
            raise InputError(
                f"Row {i + 2} of {path!r}: the count {raw!r} is not a number."
            ) from exc
        key = f"{area}_{period}"
        if key in out:
            raise InputError(f"Row {i + 2} of {path!r}: {area} {period} is given twice.")
        out[key] = value
    return out


def _area_weights(text: str | None) -> tuple[float, ...]:
    if text is None:
        return (1.0, 1.0, 1.0, 1.0)
    try:
        values = tuple(float(v) for v in text.split(","))
    except ValueError as exc:
        raise InputError(
            f"--area-weights {text!r} must be four numbers separated by commas."
        ) from exc
    if len(values) != 4:
        raise InputError(f"--area-weights {text!r} must be four numbers separated by commas.")
    return values


def run(args: argparse.Namespace) -> int:
    """Run ``samtrygg analyse wdd``."""
    from samtrygg.analysis.interventions import wdd

    counts = _read_counts(args.counts) if args.counts else {}
    for area in _AREAS:
        for period in _PERIODS:
            key = f"{area}_{period}"
            value = getattr(args, key)
            if value is not None:
                counts[key] = value
    need = [f"--{a}-{p}" for a in _AREAS[:2] for p in _PERIODS if f"{a}_{p}" not in counts]
    if need:
        raise InputError(
            f"Give the counts {', '.join(need)} (as options or in a file with --counts)."
        )
    result = wdd(
        counts["treated_before"],
        counts["treated_after"],
        counts["control_before"],
        counts["control_after"],
        counts.get("displacement_before"),
        counts.get("displacement_after"),
        counts.get("displacement_control_before"),
        counts.get("displacement_control_after"),
        time_weights=(args.before_length, args.after_length),
        area_weights=_area_weights(args.area_weights),
        alpha=args.alpha,
    )
    payload: dict[str, Any] = {
        "wdd": result.estimate,
        "variance": result.variance,
        "se": result.se,
        "z": result.z,
        "p_value": result.p_value,
        "ci": [result.ci_low, result.ci_high],
        "alpha": result.alpha,
        "local": result.local,
        "local_variance": result.local_variance,
        "displacement": result.displacement,
        "displacement_variance": result.displacement_variance,
        "has_displacement": result.has_displacement,
        "counts": counts,
    }
    level = f"{100 * (1 - result.alpha):g} %"
    rows: list[list[Any]] = [
        ["wdd", result.estimate],
        ["variance", result.variance],
        ["z", result.z],
        ["p_value", result.p_value],
        ["ci_low", result.ci_low],
        ["ci_high", result.ci_high],
        ["local", result.local],
        ["displacement", result.displacement],
    ]

    def text() -> str:
        lines = [
            "Weighted displacement difference (Wheeler & Ratcliffe 2018)",
            format_table(["measure", "value"], rows),
            f"{level} CI: {result.ci_low:.4g} to {result.ci_high:.4g}. "
            "A negative WDD means crime fell more in the treated area than in the control.",
        ]
        return "\n".join(lines)

    def csv_rows() -> tuple[list[str], list[list[Any]]]:
        return ["measure", "value"], rows

    return emit(args, payload, text, csv_rows)
