"""``samtrygg analyse …``: the analysis core on plain CSV or Parquet files."""

from __future__ import annotations

import argparse
import importlib

# One module per subcommand; each defines ``register(subparsers)``.
SUBCOMMANDS = ("knox", "hotspots", "backtest", "trends", "wdd")


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``analyse`` and its subcommands to the top-level parser."""
    parser = subparsers.add_parser("analyse", help="analyse events in a CSV or Parquet file")
    inner = parser.add_subparsers(dest="analysis", required=True, metavar="ANALYSIS")
    for name in SUBCOMMANDS:
        module = importlib.import_module(f"samtrygg.cli.analyse.{name}")
        module.register(inner)
