"""The Django apps import each other in one direction only: down the order below.

Each module of an app may import the library (``analysis``, ``sources``, ``rendering``), the
packages and apps listed before its own, and itself, never an app listed after it: a lower app that
needs something from a higher one gets it through a registry or a signal (see
docs/architecture.md). Imports inside functions count too: they hide a cycle, they do not
break it.
"""

from __future__ import annotations

import ast
from pathlib import Path

import samtrygg

ROOT = Path(samtrygg.__file__).parent

# Below every app: the library and the Django-free rendering, which never import an app.
LIBRARY = ("analysis", "sources", "rendering", "documents")
# The apps, lowest first. ``documents`` is the Word/PDF module that ``rendering`` replaces.
APP_ORDER = (
    "partnerships",
    "freezing",
    "accounts",
    "areas",
    "gazetteer",
    "incidents",
    "picture",
    "reference",
    "lagesbild",
    "plans",
    "agreements",
    "followup",
    "walks",
    "dialogues",
    "surveys",
    "public",
    "web",
    "demo",
    "cli",
)
# Modules that still break the order, with the reason; each entry names its way out. The demo
# data moves into the ``demo`` package (above every app it fills), which removes these.
KNOWN_EXCEPTIONS: dict[str, str] = {}


def _rank(package: str) -> int:
    if package in LIBRARY:
        return -1
    return APP_ORDER.index(package)


def _imported_packages(path: Path) -> list[tuple[int, str]]:
    """(line, samtrygg package) for every import in the module, at any depth."""
    parts = path.relative_to(ROOT.parent).with_suffix("").parts
    return _imports_in(path.read_text(encoding="utf-8"), parts)


def _imports_in(source: str, module_parts: tuple[str, ...]) -> list[tuple[int, str]]:
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(source)):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: resolve against the module's package
                base = list(module_parts[: len(module_parts) - node.level])
                names = [".".join([*base, *(node.module or "").split(".")]).rstrip(".")]
            elif node.module == "samtrygg":
                names = [f"samtrygg.{alias.name}" for alias in node.names]
            elif node.module:
                names = [node.module]
        for name in names:
            parts = name.split(".")
            if parts[0] == "samtrygg" and len(parts) > 1:
                found.append((node.lineno, parts[1]))
    return found


def _packages() -> list[str]:
    return sorted(p.name for p in ROOT.iterdir() if (p / "__init__.py").exists())


def test_every_package_has_a_place_in_the_order() -> None:
    unknown = [p for p in _packages() if p not in LIBRARY and p not in APP_ORDER]
    assert not unknown, f"Give {unknown} a place in APP_ORDER (tests/test_app_order.py)."


def test_apps_import_only_apps_below_them() -> None:
    wrong: list[str] = []
    checked = 0
    for package in _packages():
        if package in LIBRARY:
            continue
        for path in sorted((ROOT / package).rglob("*.py")):
            relative = path.relative_to(ROOT).as_posix()
            if "/migrations/" in relative or relative in KNOWN_EXCEPTIONS:
                continue
            checked += 1
            for line, imported in _imported_packages(path):
                if imported in (package, "__init__") or imported not in (*LIBRARY, *APP_ORDER):
                    continue
                if _rank(imported) > _rank(package):
                    wrong.append(f"{relative}:{line} imports samtrygg.{imported}")
    assert checked > 50
    assert not wrong, "Imports against the app order:\n" + "\n".join(wrong)


def test_the_library_imports_no_app() -> None:
    wrong = [
        f"{path.relative_to(ROOT).as_posix()}:{line} imports samtrygg.{imported}"
        for package in LIBRARY
        if (ROOT / package).is_dir()
        for path in sorted((ROOT / package).rglob("*.py"))
        for line, imported in _imported_packages(path)
        if imported not in LIBRARY
    ]
    assert not wrong, "\n".join(wrong)


def test_the_order_test_sees_imports_inside_functions_and_relative_ones() -> None:
    source = (
        "from samtrygg.partnerships.models import Partnership\n"
        "def f():\n"
        "    from samtrygg.agreements import models\n"
        "    import samtrygg.web.demo\n"
        "    from ..followup import services\n"
        "    from samtrygg import public\n"
    )
    found = sorted(p for _line, p in _imports_in(source, ("samtrygg", "plans", "deletion")))
    assert found == ["agreements", "followup", "partnerships", "public", "web"]
    assert [p for p in found if _rank(p) > _rank("plans")] == [
        "agreements",
        "followup",
        "public",
        "web",
    ]
