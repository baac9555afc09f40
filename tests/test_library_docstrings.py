"""Every public function of the library documents its parameters and what it returns (numpydoc)."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
from collections.abc import Callable, Iterator
from types import ModuleType
from typing import Any

import pytest

import samtrygg.analysis
import samtrygg.sources


def _public_modules() -> Iterator[ModuleType]:
    for package in (samtrygg.analysis, samtrygg.sources):
        for info in pkgutil.iter_modules(package.__path__):
            if not info.name.startswith("_"):
                yield importlib.import_module(f"{package.__name__}.{info.name}")


def _public_functions() -> Iterator[tuple[str, Callable[..., Any]]]:
    """Functions in ``__all__`` (or without a leading underscore) and their classes' methods."""
    for module in _public_modules():
        names = getattr(module, "__all__", None)
        if names is None:
            names = [n for n in vars(module) if not n.startswith("_")]
        for name in names:
            obj = getattr(module, name)
            if getattr(obj, "__module__", None) != module.__name__:
                continue  # re-exported from another module, checked there
            if inspect.isfunction(obj):
                yield f"{module.__name__}.{name}", obj
            elif inspect.isclass(obj):
                for attr, member in vars(obj).items():
                    if not attr.startswith("_") and inspect.isfunction(member):
                        yield f"{module.__name__}.{name}.{attr}", member


FUNCTIONS = dict(_public_functions())


def _has_section(doc: str, title: str) -> bool:
    return f"\n{title}\n{'-' * len(title)}\n" in f"\n{doc}\n"


def _documented_names(doc: str) -> set[str]:
    """Names in the Parameters section: ``x, y : array_like`` documents x and y."""
    match = re.search(r"\nParameters\n-+\n(.*?)(?:\n\n\S[^\n]*\n-{3,}\n|\Z)", f"\n{doc}\n", re.S)
    if match is None:
        return set()
    names: set[str] = set()
    for line in match.group(1).splitlines():
        if line and not line[0].isspace():
            names |= {n.strip().lstrip("*") for n in line.split(" : ")[0].split(",")}
    return names


def test_the_walk_finds_the_library_functions() -> None:
    # A guard against a walk that silently finds nothing (and so checks nothing).
    assert "samtrygg.analysis.hotspots.gi_star" in FUNCTIONS
    assert "samtrygg.sources.geodata.read_areas" in FUNCTIONS
    assert "samtrygg.analysis.forecast.GridSEPP.fit" in FUNCTIONS
    assert len(FUNCTIONS) > 100


@pytest.mark.parametrize("name", sorted(FUNCTIONS))
def test_public_function_has_parameters_and_returns_sections(name: str) -> None:
    function = FUNCTIONS[name]
    doc = inspect.getdoc(function) or ""
    signature = inspect.signature(function)
    parameters = [p for p in signature.parameters if p not in ("self", "cls")]
    if parameters:
        assert _has_section(doc, "Parameters"), f"{name} has no Parameters section"
        undocumented = set(parameters) - _documented_names(doc)
        assert not undocumented, f"{name} does not document {sorted(undocumented)}"
    if signature.return_annotation not in ("None", None, inspect.Signature.empty):
        assert _has_section(doc, "Returns") or _has_section(doc, "Yields"), (
            f"{name} has no Returns section"
        )
