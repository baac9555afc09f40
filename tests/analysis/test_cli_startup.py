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


RUN_PROBE = """
import sys
from samtrygg.cli import main
code = main({argv!r})
loaded = sorted(m for m in sys.modules if m.split('.')[0] in ('scipy', 'pyproj', 'polars', 'numba'))
print(code, ' '.join(loaded), file=sys.stderr)
"""


@pytest.fixture(scope="module")
def events_file(tmp_path_factory: pytest.TempPathFactory) -> str:
    import numpy as np

    rng = np.random.default_rng(7)
    n = 300
    x = 674_000 + rng.uniform(0, 3000, n)
    y = 6_580_000 + rng.uniform(0, 3000, n)
    days = np.datetime64("2023-01-01") + rng.integers(0, 700, n)
    kind = rng.choice(["inbrott", "klotter"], n)
    path = tmp_path_factory.mktemp("startup") / "events.csv"
    rows = (f"{a:.1f},{b:.1f},{d},{k}" for a, b, d, k in zip(x, y, days, kind, strict=True))
    path.write_text("x,y,date,category\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return str(path)


METRIC = ["--crs", "EPSG:3006"]


@pytest.mark.parametrize(
    ("argv", "not_imported"),
    [
        # Close pairs are found without scipy.spatial; nothing here needs scipy.stats. A small
        # job is simulated with numpy: numba (and the scipy.linalg it loads) would cost more
        # to start than the whole job.
        (["knox", "FILE", *METRIC, "--distance-bands", "0,200", "--time-bands", "0,7",
          "--iterations", "19"], ("scipy.spatial", "scipy.stats", "scipy.signal", "numba",
                                  "scipy.linalg")),
        # Benjamini–Hochberg is computed without scipy.stats.
        (["hotspots", "FILE", *METRIC, "--cell-size", "500", "--permutations", "99"],
         ("scipy.spatial", "scipy.stats", "scipy.signal")),
        # The naive forecast smooths nothing.
        (["backtest", "FILE", *METRIC, "--methods", "naive", "--cell-size", "500",
          "--train-days", "180", "--start", "2024-06-01", "--end", "2024-07-01",
          "--coverage", "10,20"], ("scipy.spatial", "scipy.stats", "scipy.signal",
                                   "scipy.ndimage")),
        # The E-test's Poisson probabilities come from scipy.special; no coordinates are used.
        (["trends", "FILE", "--by", "category"], ("scipy.stats", "scipy.spatial", "pyproj")),
        (["wdd", "--treated-before", "40", "--treated-after", "25", "--control-before", "60",
          "--control-after", "58"], ("scipy.stats", "polars", "pyproj")),
    ],
    ids=["knox", "hotspots", "backtest", "trends", "wdd"],
)  # fmt: skip
def test_each_command_imports_only_what_it_uses(
    events_file: str, argv: list[str], not_imported: tuple[str, ...], tmp_path
) -> None:
    argv = ["analyse", *(events_file if a == "FILE" else a for a in argv)]
    argv += ["--format", "json", "--output", str(tmp_path / "out.json")]
    result = subprocess.run(
        [sys.executable, "-c", RUN_PROBE.format(argv=argv)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    code, *loaded = result.stderr.strip().splitlines()[-1].split(" ")
    assert code == "0", result.stderr
    assert (tmp_path / "out.json").stat().st_size > 0
    for module in not_imported:
        assert module not in loaded, f"{module} imported by analyse {argv[1]}"
