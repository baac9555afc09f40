"""Options and output shared by every ``samtrygg analyse`` subcommand.

Each subcommand module defines ``register(subparsers)`` that adds its parser with
:func:`add_input_arguments` and sets ``func`` to a callable ``(args) -> int``.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import math
import sys
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from samtrygg.analysis.errors import InputError
from samtrygg.analysis.io import Events, read_events


def add_input_arguments(parser: argparse.ArgumentParser, *, with_file: bool = True) -> None:
    """Add FILE, --x/--y, --crs, --time, --time-format, --filter, --format, --output, --seed."""
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


def load_events(args: argparse.Namespace, *, require_time: bool = False) -> Events:
    """Read the events named on the command line."""
    return read_events(
        args.file,
        x=args.x,
        y=args.y,
        crs=args.crs,
        time=args.time,
        time_format=args.time_format,
        filters=args.filter,
        require_time=require_time,
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
    if isinstance(value, np.ndarray):
        return jsonable(value.tolist())
    if isinstance(value, np.generic):
        return jsonable(value.item())
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


def emit(
    args: argparse.Namespace,
    payload: dict[str, Any],
    text: Callable[[], str],
    csv_rows: Callable[[], tuple[Sequence[str], Iterable[Sequence[Any]]]],
) -> int:
    """Write the result in the chosen format to --output or stdout; return the exit code 0."""
    if args.format == "json":
        out = json.dumps(jsonable(payload), ensure_ascii=False, indent=2) + "\n"
    elif args.format == "csv":
        header, rows = csv_rows()
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(header)
        writer.writerows([jsonable(list(r)) for r in rows])
        out = buffer.getvalue()
    else:
        out = text().rstrip("\n") + "\n"
    if args.output:
        Path(args.output).write_text(out, encoding="utf-8")
    else:
        sys.stdout.write(out)
    return 0
