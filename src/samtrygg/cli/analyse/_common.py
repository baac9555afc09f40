"""Options and output shared by every ``samtrygg analyse`` subcommand.

Each subcommand module defines ``register(subparsers)`` that adds its parser with
:func:`add_input_arguments` and sets ``func`` to a callable ``(args) -> int``.

This module and ``register`` import nothing heavy (numpy, scipy, polars, pyproj, numba): the
parser is built for every ``samtrygg`` call, including ``--help``, and each command imports what
it needs when it runs.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from samtrygg.analysis.errors import InputError

if TYPE_CHECKING:
    from samtrygg.analysis.io import Events
    from samtrygg.analysis.quality import InputReport


# samtrygg.analysis.studyarea.DEFAULT_MAX_CELLS (a test keeps them equal); repeated here so that
# building the parser does not import numpy.
DEFAULT_MAX_CELLS = 1_000_000


def add_input_arguments(
    parser: argparse.ArgumentParser, *, with_file: bool = True, checks: bool = True
) -> None:
    """Add FILE, --x/--y, --crs, --time, --time-format, --filter, --format, --output, --seed.

    With a file and ``checks``, also the input checks (:func:`add_check_arguments`).
    """
    if with_file:
        parser.add_argument("file", metavar="FILE", help="CSV or Parquet file of events")
    parser.add_argument("--x", help="x or longitude column (default: detected)")
    parser.add_argument("--y", help="y or latitude column (default: detected)")
    parser.add_argument("--crs", help="CRS of the coordinates (default EPSG:4326 for lon/lat)")
    parser.add_argument("--time", help="time column (default: detected)")
    parser.add_argument(
        "--time-format", help="strftime format of the time column (default ISO 8601)"
    )
    parser.add_argument(
        "--filter", action="append", default=[], metavar="COL=VALUE", help="keep matching rows"
    )
    parser.add_argument("--format", choices=("text", "json", "csv"), default="text")
    parser.add_argument("--output", help="write the result to this file instead of stdout")
    parser.add_argument("--seed", type=int, default=12345, help="seed for random numbers")
    if with_file and checks:
        add_check_arguments(parser)


def add_check_arguments(parser: argparse.ArgumentParser, *, study_area: bool = True) -> None:
    """Add --drop-duplicates and, with ``study_area``, --outside and --boundary."""
    parser.add_argument(
        "--drop-duplicates",
        action="store_true",
        help="leave out rows that repeat an earlier row exactly (same place and time); "
        "they are counted either way",
    )
    if not study_area:
        return
    parser.add_argument(
        "--outside",
        choices=("exclude", "refuse"),
        default="exclude",
        help="events outside the study area (the data's robust extent or --boundary): leave "
        "them out and report them (default), or stop with an error naming the row",
    )
    parser.add_argument(
        "--boundary",
        metavar="FILE",
        help="study area as GeoJSON or GeoPackage polygons (e.g. the municipality); also masks "
        "the grid, so lakes and land outside it are not analysed",
    )


def add_grid_arguments(parser: argparse.ArgumentParser) -> None:
    """Add --max-cells."""
    parser.add_argument(
        "--max-cells",
        type=int,
        default=DEFAULT_MAX_CELLS,
        metavar="N",
        help=f"refuse grids of more than N cells (default {DEFAULT_MAX_CELLS:,})",
    )


def check_max_cells(args: argparse.Namespace) -> int:
    """--max-cells, checked."""
    if args.max_cells < 1:
        raise InputError(f"--max-cells must be 1 or more, got {args.max_cells}.")
    return int(args.max_cells)


def load_events(args: argparse.Namespace, *, require_time: bool = False) -> Events:
    """Read the events named on the command line, checked and limited to the study area."""
    from samtrygg.analysis.io import read_events

    boundary = None
    if getattr(args, "boundary", None):
        from samtrygg.cli.analyse._boundary import read_boundary

        boundary = read_boundary(args.boundary)
    return read_events(
        args.file,
        x=args.x,
        y=args.y,
        crs=args.crs,
        time=args.time,
        time_format=args.time_format,
        filters=args.filter,
        require_time=require_time,
        outside=getattr(args, "outside", "exclude"),
        boundary=boundary,
        drop_duplicates=getattr(args, "drop_duplicates", False),
    )


def parse_number_list(text: str, name: str) -> list[float]:
    """Parse ``"0,200,400"``; bands must be non-negative and strictly increasing."""
    try:
        values = [float(v) for v in text.split(",") if v.strip() != ""]
    except ValueError as exc:
        raise InputError(f"{name} {text!r} must be numbers separated by commas.") from exc
    if not values:
        raise InputError(f"{name} is empty; give numbers separated by commas.")
    if any(v < 0 for v in values):
        raise InputError(f"{name} {text!r} has a negative value; bands start at 0.")
    if any(b <= a for a, b in zip(values, values[1:], strict=False)):
        raise InputError(f"{name} {text!r} must be strictly increasing.")
    return values


def jsonable(value: Any) -> Any:
    """Turn numpy values, NaN and infinities into plain JSON values (NaN/inf become null)."""
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    # numpy arrays and scalars, without importing numpy here.
    if type(value).__module__ == "numpy":
        return jsonable(value.tolist() if hasattr(value, "shape") and value.shape else value.item())
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def format_table(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    """A plain aligned text table for people."""
    body = [[_cell(v) for v in row] for row in rows]
    widths = [
        max(len(h), *(len(r[i]) for r in body)) if body else len(h) for i, h in enumerate(header)
    ]
    lines = ["  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True))]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(v.rjust(w) for v, w in zip(r, widths, strict=True)) for r in body]
    return "\n".join(lines)


def _cell(value: Any) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)


@contextmanager
def _opened(args: argparse.Namespace) -> Iterator[IO[str]]:
    if args.output:
        with Path(args.output).open("w", encoding="utf-8", newline="") as handle:
            yield handle
    else:
        yield sys.stdout


def emit(
    args: argparse.Namespace,
    payload: dict[str, Any],
    text: Callable[[], str],
    csv_rows: Callable[[], tuple[Sequence[str], Iterable[Sequence[Any]]]],
    *,
    report: InputReport | None = None,
    stream: tuple[str, Callable[[], Iterable[str]]] | None = None,
    csv_chunks: Callable[[], Iterable[str]] | None = None,
) -> int:
    """Write the result in the chosen format to --output or stdout; return the exit code 0.

    ``report`` (what was noticed about the input) goes into the JSON as ``"input"``, before the
    text output as "Input:" lines, and to stderr with CSV. ``stream = (key, chunks)`` writes the
    JSON list ``key`` from ``chunks()``, newline-delimited JSON texts (one item per line), so
    that a large list (a grid's cells) is never held in memory; ``csv_chunks()``, when given,
    yields the CSV text (header first) in pieces instead of ``csv_rows``.
    """
    lines = report.lines() if report is not None else []
    if report is not None:
        payload = {**payload, "input": report.to_dict()}
    with _opened(args) as out:
        if args.format == "json":
            _write_json(out, payload, stream)
        elif args.format == "csv":
            for line in lines:
                print(f"samtrygg: {line}", file=sys.stderr)
            if csv_chunks is not None:
                for chunk in csv_chunks():
                    out.write(chunk)
            else:
                header, rows = csv_rows()
                writer = csv.writer(out, lineterminator="\n")
                writer.writerow(header)
                for row in rows:
                    writer.writerow(jsonable(list(row)))
        else:
            prefix = "".join(f"Input: {line}\n" for line in lines)
            out.write(prefix + (("\n" if prefix else "") + text()).rstrip("\n") + "\n")
    return 0


def _write_json(
    out: IO[str],
    payload: dict[str, Any],
    stream: tuple[str, Callable[[], Iterable[str]]] | None,
) -> None:
    if stream is None:
        out.write(json.dumps(jsonable(payload), ensure_ascii=False, indent=2) + "\n")
        return
    key, chunks = stream
    rest = {k: v for k, v in payload.items() if k != key}
    head = json.dumps(jsonable({**rest, key: []}), ensure_ascii=False, indent=2)
    # The list is the last member: write everything before its "[]", then the items chunk by
    # chunk (one write per chunk, not per item).
    marker = f"{json.dumps(key)}: []"
    cut = head.rindex(marker) + len(marker) - 1
    out.write(head[:cut])
    first = True
    for chunk in chunks():
        body = chunk.strip("\n")
        if not body:
            continue
        out.write(("\n    " if first else ",\n    ") + body.replace("\n", ",\n    "))
        first = False
    out.write(("\n  " if not first else "") + head[cut:] + "\n")
