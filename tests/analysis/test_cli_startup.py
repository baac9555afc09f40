"""Building the ``samtrygg`` parser imports nothing heavy, so ``--help`` and every command start
quickly; each command imports what it needs when it runs."""

from __future__ import annotations

import subprocess
import sys

import pytest

HEAVY = ("django", "numpy", "scipy", "polars", "pyproj", "numba", "shapely", "pandas")

PROBE = """
import sys
from samtrygg.cli import main
try:
    main({argv!r})
except SystemExit:
    pass
heavy = sorted({{m.split('.')[0] for m in sys.modules}} & set({heavy!r}))
print(','.join(heavy), file=sys.stderr)
"""


@pytest.mark.parametrize(
    "argv",
    [
        ["--help"],
        ["analyse", "--help"],
        ["analyse", "knox", "--help"],
        ["analyse", "hotspots", "--help"],
        ["analyse", "backtest", "--help"],
        ["analyse", "trends", "--help"],
        ["analyse", "wdd", "--help"],
    ],
)
def test_help_imports_no_heavy_library(argv: list[str]) -> None:
    result = subprocess.run(
        [sys.executable, "-c", PROBE.format(argv=argv, heavy=HEAVY)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert "usage:" in result.stdout
    assert result.stderr.strip().splitlines()[-1:] in ([], [""]), result.stderr
