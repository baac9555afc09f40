"""The dependency arrows point one way: the library and the rendering never import Django."""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import samtrygg.analysis
import samtrygg.rendering
import samtrygg.sources


def _modules(package: object) -> list[str]:
    prefix = package.__name__ + "."  # type: ignore[attr-defined]
    return [m.name for m in pkgutil.walk_packages(package.__path__, prefix)]  # type: ignore[attr-defined]


def test_analysis_sources_and_rendering_never_import_django() -> None:
    modules = (
        _modules(samtrygg.analysis) + _modules(samtrygg.sources) + _modules(samtrygg.rendering)
    )
    assert {"samtrygg.rendering.documents", "samtrygg.rendering.svgmap"} <= set(modules)
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "bad = sorted(m for m in sys.modules if m == 'django' or m.startswith('django.'))\n"
        "print(','.join(bad))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "", f"Django was imported: {result.stdout.strip()}"


def test_the_250_m_cell_is_one_constant() -> None:
    """Every 250 m grid cell comes from ``samtrygg.analysis.geo.CELL_SIZE``, defined once."""
    import re
    from pathlib import Path

    src = Path(samtrygg.analysis.__file__).resolve().parents[1]
    assignment = re.compile(
        r"^[ \t]*[A-Z_]+[ \t]*(?::[^=\n]+)?=[ \t]*250(?:\.0*)?[ \t]*(?:#.*)?$", re.M
    )
    found = sorted(
        f"{path.relative_to(src)}: {match.group().strip()}"
        for path in src.rglob("*.py")
        if "migrations" not in path.parts
        for match in assignment.finditer(path.read_text(encoding="utf-8"))
    )
    assert found == ["analysis/geo.py: CELL_SIZE = 250.0"]


def test_no_app_imports_the_demo() -> None:
    """Demo data lives in ``samtrygg.demo``; only the command line loads it, no app imports it."""
    import re
    from pathlib import Path

    src = Path(samtrygg.analysis.__file__).resolve().parents[1]
    uses = re.compile(
        r"^\s*(?:from|import)\s+samtrygg\.demo\b|^\s*from\s+samtrygg\s+import\s+demo\b"
    )
    importers = sorted(
        str(path.relative_to(src))
        for path in src.rglob("*.py")
        if path.relative_to(src).parts[0] not in ("demo", "cli")
        and any(uses.match(line) for line in path.read_text(encoding="utf-8").splitlines())
    )
    assert importers == []
    assert not [p for p in src.rglob("demo.py")], "demo code belongs in samtrygg/demo/"
