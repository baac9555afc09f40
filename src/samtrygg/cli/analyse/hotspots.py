"""``samtrygg analyse hotspots``: Getis–Ord Gi* hot- and coldspots on a grid of event counts.

Every cell of the grid is reported, zero counts included; x and y are the cell centre. The
z-score is esda's ``G_Local(y, lat2W(n_rows, n_cols, rook=False), transform="B", star=True).Zs``
with y the counts flattened row-major (row = y index, col = x index).
"""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from samtrygg.analysis.errors import InputError
from samtrygg.cli.analyse import _common

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    from samtrygg.analysis.geo import Grid
    from samtrygg.analysis.hotspots import GiStarResult

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
    _common.add_grid_arguments(parser)
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
    import numpy as np

    from samtrygg.analysis.geo import Grid, auto_cell_size
    from samtrygg.analysis.hotspots import gi_star, grid_weights

    max_cells = _common.check_max_cells(args)
    if args.cell_size is not None and not args.cell_size > 0:
        raise InputError(f"--cell-size must be a positive number of metres; got {args.cell_size}.")
    events = _common.load_events(args)
    area = events.study_area
    cell_size = auto_cell_size(events.x, events.y) if args.cell_size is None else args.cell_size
    if area is not None and area.mask is not None:
        # The whole boundary is gridded: its empty cells are part of the study area too.
        xmin, ymin, xmax, ymax = area.bounds
        grid = Grid.covering(
            [xmin, xmax], [ymin, ymax], cell_size, crs=events.crs, max_cells=max_cells
        )
    else:
        grid = Grid.covering(events.x, events.y, cell_size, crs=events.crs, max_cells=max_cells)
    counts = np.asarray(grid.counts(events.x, events.y), dtype=float).ravel()
    cx, cy = grid.centres()
    inside = np.ones(counts.size, dtype=bool)
    if area is not None and area.mask is not None:
        inside = area.cells_inside(cx, cy).ravel()
    sites = np.flatnonzero(inside)
    if sites.size < 3:
        raise InputError(
            f"The study area covers only {sites.size} cell(s) of {cell_size:g} m; "
            "choose a smaller --cell-size."
        )
    values = counts[sites]
    if not np.ptp(values) > 0:
        raise InputError(
            "Every cell holds the same number of events, so there are no hot- or coldspots to "
            "find; choose another --cell-size."
        )
    options: dict[str, Any] = {
        "neighbourhood": args.neighbourhood,
        "permutations": args.permutations,
        "correction": args.correction,
        "alpha": args.alpha,
        "p_source": args.p_source,
        "seed": args.seed,
    }
    if sites.size == counts.size:
        result = gi_star(counts.reshape(grid.shape), **options)
    else:
        # Masked cells (water, land outside the boundary) are neither sites nor neighbours.
        w = grid_weights(grid.n_rows, grid.n_cols, args.neighbourhood, include_self=True)
        result = gi_star(values, w[sites][:, sites], **options)
    payload = _payload(args, grid, result, len(events), automatic=args.cell_size is None)
    payload["masked_cells"] = int(counts.size - sites.size)
    centres = (cx.ravel()[sites], cy.ravel()[sites])
    return _common.emit(
        args,
        payload,
        lambda: _text(payload, grid, result, sites, centres),
        lambda: (CELL_KEYS, ()),
        report=events.report,
        stream=("cells", lambda: _cell_json(_cell_frames(grid, result, sites, centres))),
        csv_chunks=lambda: _cell_csv(_cell_frames(grid, result, sites, centres)),
    )


# Cells per piece written: bounds the memory of the output whatever the grid's size.
CHUNK = 65_536


def _cell_frames(
    grid: Grid,
    result: GiStarResult,
    sites: npt.NDArray[np.int64],
    centres: tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]],
) -> Iterator[Any]:
    """The analysed cells as polars DataFrames of at most CHUNK rows, in CELL_KEYS order."""
    import numpy as np
    import polars as pl

    for lo in range(0, sites.size, CHUNK):
        part = slice(lo, lo + CHUNK)
        rows, cols = np.divmod(sites[part], grid.n_cols)
        columns = (
            rows, cols, centres[0][part], centres[1][part], result.values[part].astype(np.int64),
            result.z_scores[part], result.p_norm[part], result.p_sim[part],
            result.p_adjusted[part], result.classes[part].astype(str),
        )  # fmt: skip
        yield pl.DataFrame(dict(zip(CELL_KEYS, columns, strict=True)))


def _cell_json(frames: Iterator[Any]) -> Iterator[str]:
    """The cells as newline-delimited JSON, one chunk at a time (polars writes NaN as null)."""
    for frame in frames:
        yield frame.write_ndjson()


def _cell_csv(frames: Iterator[Any]) -> Iterator[str]:
    for i, frame in enumerate(frames):
        yield frame.write_csv(include_header=i == 0)


def _payload(
    args: argparse.Namespace, grid: Grid, result: GiStarResult, n_events: int, *, automatic: bool
) -> dict[str, Any]:
    import numpy as np

    from samtrygg.analysis.multiple_testing import DEFAULT_ALTERNATIVE, bh_floor

    m = int(result.values.size)
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
    }


def _text(
    payload: dict[str, Any],
    grid: Grid,
    result: GiStarResult,
    sites: npt.NDArray[np.int64],
    centres: tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]],
) -> str:
    import numpy as np

    significant = np.flatnonzero(result.classes != "none")
    order = significant[np.argsort(-np.abs(result.z_scores[significant]), kind="stable")]
    masked = payload["masked_cells"]
    lines = [
        f"Gi* hotspots: {payload['n_events']} events in {payload['n_rows']} × {payload['n_cols']} "
        f"cells of {payload['cell_size']:g} m ({payload['crs']}"
        f"{', cell size chosen automatically' if payload['cell_size_automatic'] else ''})"
        f"{f'; {masked} cells outside the boundary left out' if masked else ''}.",
        f"{payload['n_hot']} hot and {payload['n_cold']} cold cells at alpha {payload['alpha']:g} "
        f"({payload['correction']} correction of the {payload['p_source']} p, "
        f"{payload['permutations']} permutations, {payload['neighbourhood']} neighbours).",
    ]
    if payload["note"]:
        lines.append(f"Note: {payload['note']}")
    if order.size:
        shown = order[:TEXT_ROWS]
        rows, cols = divmod(sites[shown], grid.n_cols)
        lines.append("")
        lines.append(
            _common.format_table(
                ["class", "row", "col", "x", "y", "count", "z", "p_adjusted"],
                (
                    [
                        str(result.classes[i]),
                        int(r),
                        int(c),
                        round(float(centres[0][i])),
                        round(float(centres[1][i])),
                        int(result.values[i]),
                        round(float(result.z_scores[i]), 2),
                        float(result.p_adjusted[i]),
                    ]
                    for i, r, c in zip(shown, rows, cols, strict=True)
                ),
            )  # fmt: skip
        )
        if order.size > TEXT_ROWS:
            lines.append(f"… and {order.size - TEXT_ROWS} more; use --format json or csv.")
    return "\n".join(lines)
