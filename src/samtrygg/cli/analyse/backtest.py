"""``samtrygg analyse backtest``: rolling-origin backtest of short-term forecasts.

JSON output: ``folds`` is the number of origins; ``methods[name].coverage["5"]`` holds the means
over folds ``hit_rate``, ``pai`` and ``pei_star``, their block-bootstrap 95 % intervals
``hit_rate_ci``, ``pai_ci`` and ``pei_star_ci`` as ``[low, high]``, and, when ``naive`` was run,
``pai_ratio_to_naive`` with ``pai_ratio_to_naive_ci``. ``origins`` lists the origin dates;
``offset_sensitivity`` is added with ``--offset-sensitivity``.
"""

from __future__ import annotations

import argparse
import math
from collections.abc import Iterable, Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

from samtrygg.analysis.errors import InputError
from samtrygg.cli.analyse import _common

if TYPE_CHECKING:
    import numpy as np

    from samtrygg.analysis.backtest import BacktestResult, OffsetSensitivity

__all__ = ["register", "run"]

# samtrygg.analysis.backtest.METHODS (a test keeps them equal); named here so that building the
# parser does not import the forecasting stack.
METHODS = ("naive", "kde", "prospective", "sepp")


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``backtest`` parser."""
    parser = subparsers.add_parser(
        "backtest",
        help="rolling-origin backtest of grid forecasts (naive, kde, prospective, sepp)",
        description=(
            "Refit each forecasting method at every origin from --start to --end on the events "
            "before it and score the next --horizon-days: hit rate, PAI and PEI* at each coverage, "
            "averaged over origins with block-bootstrap 95 % intervals."
        ),
    )
    _common.add_input_arguments(parser)
    _common.add_grid_arguments(parser)
    parser.add_argument(
        "--methods",
        default=",".join(METHODS),
        help=f"comma-separated (default {','.join(METHODS)})",
    )
    parser.add_argument("--cell-size", type=float, default=150.0, help="cell side in metres (150)")
    parser.add_argument("--train-days", type=float, default=365.0, help="training window (365)")
    parser.add_argument("--step-days", type=float, default=7.0, help="days between origins (7)")
    parser.add_argument("--horizon-days", type=float, default=7.0, help="forecast horizon (7)")
    parser.add_argument(
        "--history-days",
        type=float,
        default=None,
        help="withhold events older than this before each origin (default: use all)",
    )
    parser.add_argument("--start", required=True, help="first origin, ISO date (YYYY-MM-DD)")
    parser.add_argument(
        "--end", required=True, help="end of the last test window, ISO date (exclusive)"
    )
    parser.add_argument(
        "--coverage", default="1,2,5,10,20", help="coverages in per cent (default 1,2,5,10,20)"
    )
    parser.add_argument("--bootstrap", type=int, default=1000, help="bootstrap replicates (1000)")
    parser.add_argument(
        "--offset-sensitivity",
        action="store_true",
        help="also re-run on grids shifted by half a cell and report the spread",
    )
    parser.set_defaults(func=run)


def _parse_date(text: str, name: str) -> np.datetime64:
    import numpy as np

    try:
        return np.datetime64(date.fromisoformat(text.strip()), "D")
    except ValueError as exc:
        raise InputError(f"{name} {text!r} is not an ISO date; write it as YYYY-MM-DD.") from exc


def _parse_coverage(text: str) -> list[float]:
    try:
        values = [float(v) for v in text.split(",") if v.strip()]
    except ValueError as exc:
        raise InputError(
            f"--coverage {text!r} must be per cent values separated by commas."
        ) from exc
    if not values:
        raise InputError("--coverage is empty; give per cent values such as 1,5,10.")
    for v in values:
        if not (math.isfinite(v) and 0 < v <= 100):
            raise InputError(f"--coverage {v:g} is not a per cent value in (0, 100].")
    if len(set(values)) != len(values):
        raise InputError(f"--coverage {text!r} repeats a value.")
    return [v / 100 for v in values]


def _parse_methods(text: str) -> list[str]:
    names = [m.strip().lower() for m in text.split(",") if m.strip()]
    if not names:
        raise InputError(f"--methods is empty; choose from {','.join(METHODS)}.")
    return names


def run(args: argparse.Namespace) -> int:
    """Run the backtest and print the table (or JSON/CSV)."""
    import numpy as np

    from samtrygg.analysis.backtest import grid_offset_sensitivity, rolling_origin_backtest
    from samtrygg.analysis.geo import Grid

    max_cells = _common.check_max_cells(args)
    methods = _parse_methods(args.methods)
    coverages = _parse_coverage(args.coverage)
    start = _parse_date(args.start, "--start")
    end = _parse_date(args.end, "--end")
    if end <= start:
        raise InputError(f"--end {args.end} must come after --start {args.start}.")
    if not args.cell_size > 0:
        raise InputError(
            f"--cell-size must be a positive number of metres, got {args.cell_size:g}."
        )
    if args.bootstrap < 0:
        raise InputError(f"--bootstrap must be 0 or more, got {args.bootstrap}.")
    events = _common.load_events(args, require_time=True)
    assert events.times is not None  # require_time guarantees it
    # Built here to refuse an oversized grid with the user's --max-cells before any work.
    grid = Grid.covering(events.x, events.y, args.cell_size, crs=events.crs, max_cells=max_cells)
    options: dict[str, Any] = {
        "start": start,
        "end": end,
        "methods": methods,
        "train_days": args.train_days,
        "step_days": args.step_days,
        "horizon_days": args.horizon_days,
        "history_days": args.history_days,
        "coverages": coverages,
        "seed": args.seed,
    }
    result = rolling_origin_backtest(
        events.x,
        events.y,
        events.times,
        cell_size=args.cell_size,
        grid=grid,
        n_boot=args.bootstrap,
        **options,
    )
    sensitivity = (
        grid_offset_sensitivity(
            events.x, events.y, events.times, cell_size=args.cell_size, **options
        )
        if args.offset_sensitivity
        else None
    )
    payload = result.to_dict()
    payload["crs"] = f"EPSG:{events.crs}"
    payload["origins"] = [str(np.datetime64(int(o), "D")) for o in result.origins]
    if sensitivity is not None:
        payload["offset_sensitivity"] = sensitivity.to_dict()
    return _common.emit(
        args,
        payload,
        lambda: _text(result, sensitivity),
        lambda: _csv(result),
        report=events.report,
    )


def _rows(result: BacktestResult) -> Iterable[Sequence[Any]]:
    for name in result.methods:
        for m, c in enumerate(result.coverages):
            row: list[Any] = [name, f"{c * 100:g}"]
            for metric in ("hit_rate", "pai", "pei_star"):
                lo, hi = result.ci[name][metric][m]
                row += [float(result.mean[name][metric][m]), float(lo), float(hi)]
            ratio = result.pai_ratio.get(name)
            row.append(None if ratio is None else float(ratio[m]))
            yield row


def _csv(result: BacktestResult) -> tuple[Sequence[str], Iterable[Sequence[Any]]]:
    header = [
        "method", "coverage_pct", "hit_rate", "hit_rate_low", "hit_rate_high",
        "pai", "pai_low", "pai_high", "pei_star", "pei_star_low", "pei_star_high",
        "pai_ratio_to_naive",
    ]  # fmt: skip
    return header, list(_rows(result))


def _interval(lo: float, hi: float) -> str:
    if not (math.isfinite(lo) and math.isfinite(hi)):
        return "–"
    return f"{lo:.3g}–{hi:.3g}"


def _text(result: BacktestResult, sensitivity: OffsetSensitivity | None) -> str:
    import numpy as np

    s = result.settings
    first = str(np.datetime64(int(result.origins[0]), "D"))
    last = str(np.datetime64(int(result.origins[-1]), "D"))
    lines = [
        f"Rolling-origin backtest: {result.origins.size} origins from {first} to {last}, "
        f"every {s['step_days']:g} days; horizon {s['horizon_days']:g} days; "
        f"training window {s['train_days']:g} days; {s['cell_size']:g} m cells "
        f"({s['grid_cells']} cells).",
        f"Means over origins; 95 % intervals from a block bootstrap over origins "
        f"({s['n_boot']} replicates, seed {s['seed']}).",
        "",
    ]
    rows = []
    for name in result.methods:
        for m, c in enumerate(result.coverages):
            ratio = result.pai_ratio.get(name)
            rows.append(
                [
                    name,
                    f"{c * 100:g} %",
                    f"{result.mean[name]['hit_rate'][m]:.3f}",
                    _interval(*result.ci[name]["hit_rate"][m]),
                    f"{result.mean[name]['pai'][m]:.2f}",
                    _interval(*result.ci[name]["pai"][m]),
                    f"{result.mean[name]['pei_star'][m]:.3f}",
                    _interval(*result.ci[name]["pei_star"][m]),
                    "–" if ratio is None else f"{ratio[m]:.3f}",
                ]
            )
    header = ["method", "coverage", "hit rate", "95 % CI", "PAI", "95 % CI", "PEI*", "95 % CI"]
    lines.append(_common.format_table([*header, "PAI/naive"], rows))
    if sensitivity is not None:
        lines += ["", "Grid-offset sensitivity (spread = max − min of the mean PAI over offsets):"]
        srows = []
        for name in result.methods:
            for m, c in enumerate(result.coverages):
                values = [r.mean[name]["pai"][m] for r in sensitivity.results]
                srows.append(
                    [name, f"{c * 100:g} %", *(f"{v:.2f}" for v in values),
                     f"{sensitivity.spread[name]['pai'][m]:.2f}"]
                )  # fmt: skip
        offsets = [f"({dx:g},{dy:g})" for dx, dy in sensitivity.offsets]
        lines.append(_common.format_table(["method", "coverage", *offsets, "spread"], srows))
    return "\n".join(lines)
