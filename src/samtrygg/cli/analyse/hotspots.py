"""``samtrygg analyse hotspots``: Getis–Ord Gi* hot- and coldspots on a grid of event counts.

Every cell of the grid is reported, zero counts included; x and y are the cell centre. The
z-score is esda's ``G_Local(y, lat2W(n_rows, n_cols, rook=False), transform="B", star=True).Zs``
with y the counts flattened row-major (row = y index, col = x index).
"""

from __future__ import annotations

import argparse
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np

from samtrygg.analysis.errors import InputError
from samtrygg.analysis.geo import Grid, auto_cell_size
from samtrygg.analysis.hotspots import GiStarResult, gi_star
from samtrygg.analysis.multiple_testing import DEFAULT_ALTERNATIVE, bh_floor
from samtrygg.cli.analyse import _common

CELL_KEYS = (
    "row", "col", "x", "y", "count", "gi_star_z", "p_norm", "p_sim", "p_adjusted", "class",
)  # fmt: skip
TEXT_ROWS = 40


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``hotspots`` parser."""
    parser = subparsers.add_parser(
        "hotspots",
        help="Getis–Ord Gi* hot- and coldspots on a grid",
        description=(
            "Count events per grid cell and test each cell with Getis–Ord Gi* (the cell and its "
            "neighbours, binary weights) by conditional permutation, corrected for multiple "
            "testing."
        ),
    )
    _common.add_input_arguments(parser)
    parser.add_argument(
        "--cell-size", type=float, default=None, help="cell side in metres (default: automatic)"
    )
    parser.add_argument("--permutations", type=int, default=999, help="permutations (default 999)")
    parser.add_argument(
        "--correction", choices=("fdr", "holm", "none"), default="fdr", help="default fdr (BH)"
    )
    parser.add_argument("--alpha", type=float, default=0.05, help="significance level (0.05)")
    parser.add_argument(
        "--neighbourhood", choices=("queen", "rook"), default="queen", help="8 or 4 neighbours"
    )
    parser.add_argument(
        "--p-source",
        choices=("auto", "exact", "permutation", "analytic"),
        default="auto",
        help="p corrected into p_adjusted (default auto: the exact permutation p)",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Compute Gi* for the events in ``args.file`` and print the result."""
    events = _common.load_events(args)
    if args.cell_size is not None and not args.cell_size > 0:
        raise InputError(f"--cell-size must be a positive number of metres; got {args.cell_size}.")
    cell_size = auto_cell_size(events.x, events.y) if args.cell_size is None else args.cell_size
    grid = Grid.covering(events.x, events.y, cell_size, crs=events.crs)
    counts = np.asarray(grid.counts(events.x, events.y), dtype=float)
    if grid.n_rows * grid.n_cols < 3:
        raise InputError(
            f"The events cover only {grid.n_rows * grid.n_cols} cell(s) of {cell_size:g} m; "
            "choose a smaller --cell-size."
        )
    if not np.ptp(counts) > 0:
        raise InputError(
            "Every cell holds the same number of events, so there are no hot- or coldspots to "
            "find; choose another --cell-size."
        )
    result = gi_star(
        counts,
        neighbourhood=args.neighbourhood,
        permutations=args.permutations,
        correction=args.correction,
        alpha=args.alpha,
        p_source=args.p_source,
        seed=args.seed,
    )
    payload = _payload(args, grid, result, len(events), automatic=args.cell_size is None)
    return _common.emit(
        args,
        payload,
        lambda: _text(payload),
        lambda: _csv(payload["cells"]),
    )


def _payload(
    args: argparse.Namespace, grid: Grid, result: GiStarResult, n_events: int, *, automatic: bool
) -> dict[str, Any]:
    cx, cy = grid.centres()
    rows, cols = np.divmod(np.arange(grid.n_rows * grid.n_cols), grid.n_cols)
    cells = [
        {
            "row": int(r),
            "col": int(c),
            "x": float(cx[r, c]),
            "y": float(cy[r, c]),
            "count": int(result.values[i]),
            "gi_star_z": float(result.z_scores[i]),
            "p_norm": float(result.p_norm[i]),
            "p_sim": float(result.p_sim[i]),
            "p_adjusted": float(result.p_adjusted[i]),
            "class": str(result.classes[i]),
        }
        for i, (r, c) in enumerate(zip(rows, cols, strict=True))
    ]
    m = len(cells)
    note = None
    if result.p_source == "permutation" and args.correction == "fdr":
        needed = bh_floor(m, result.permutations, args.alpha)
        note = (
            f"With {result.permutations} permutations no p is below 1/{result.permutations + 1}; "
            f"BH can only flag cells when at least {needed} of the {m} cells reach that value."
        )
    return {
        "crs": f"EPSG:{grid.crs}",
        "cell_size": grid.cell_size,
        "cell_size_automatic": automatic,
        "origin": [grid.x0, grid.y0],
        "n_rows": grid.n_rows,
        "n_cols": grid.n_cols,
        "n_events": n_events,
        "xy": "cell centre",
        "neighbourhood": args.neighbourhood,
        "weights": "binary, the cell itself included (Gi*)",
        "permutations": result.permutations,
        "alternative": DEFAULT_ALTERNATIVE,
        "p_norm": "one-sided 1 - Phi(|z|), as esda; double it for two-sided",
        "p_sim": "equal-tailed two-sided pseudo p, min(1, 2 min(M_ge + 1, M_le + 1) / (R + 1))",
        "p_source": result.p_source,
        "correction": args.correction,
        "alpha": args.alpha,
        "seed": args.seed,
        "n_hot": int(np.sum(result.classes == "hot")),
        "n_cold": int(np.sum(result.classes == "cold")),
        "note": note,
        "cells": cells,
    }


def _text(payload: dict[str, Any]) -> str:
    cells = payload["cells"]
    significant = sorted(
        (c for c in cells if c["class"] != "none"), key=lambda c: -abs(c["gi_star_z"])
    )
    lines = [
        f"Gi* hotspots: {payload['n_events']} events in {payload['n_rows']} × {payload['n_cols']} "
        f"cells of {payload['cell_size']:g} m ({payload['crs']}"
        f"{', cell size chosen automatically' if payload['cell_size_automatic'] else ''}).",
        f"{payload['n_hot']} hot and {payload['n_cold']} cold cells at alpha {payload['alpha']:g} "
        f"({payload['correction']} correction of the {payload['p_source']} p, "
        f"{payload['permutations']} permutations, {payload['neighbourhood']} neighbours).",
    ]
    if payload["note"]:
        lines.append(f"Note: {payload['note']}")
    if significant:
        shown = significant[:TEXT_ROWS]
        lines.append("")
        lines.append(
            _common.format_table(
                ["class", "row", "col", "x", "y", "count", "z", "p_adjusted"],
                (
                    [
                        c["class"],
                        c["row"],
                        c["col"],
                        round(c["x"]),
                        round(c["y"]),
                        c["count"],
                        round(c["gi_star_z"], 2),
                        c["p_adjusted"],
                    ]
                    for c in shown
                ),
            )  # fmt: skip
        )
        if len(significant) > TEXT_ROWS:
            lines.append(f"… and {len(significant) - TEXT_ROWS} more; use --format json or csv.")
    return "\n".join(lines)


def _csv(cells: Sequence[dict[str, Any]]) -> tuple[Sequence[str], Iterable[Sequence[Any]]]:
    return CELL_KEYS, ([c[k] for k in CELL_KEYS] for c in cells)
