"""Comments and docstrings cite documents that are in the repository."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CITED = re.compile(r"\bdocs/[\w.-]+\.md\b")
# The project's shared documents were copied into docs/; a citation of the original names a file
# a fresh clone does not have.
OUTSIDE = re.compile(r"\b(METHODS|DOMAIN|PRODUCT|CONVENTIONS)\.md\b|shared/docs")


def _sources() -> list[Path]:
    return [
        path
        for folder in ("src", "tests")
        for path in (ROOT / folder).rglob("*")
        if path.suffix in {".py", ".html", ".txt"} and path.is_file()
    ]


def test_every_cited_document_exists_in_docs() -> None:
    missing = {
        f"{path.relative_to(ROOT)}: {name}"
        for path in _sources()
        for name in CITED.findall(path.read_text(encoding="utf-8"))
        if not (ROOT / name).is_file()
    }
    assert not missing, sorted(missing)


def test_no_comment_cites_a_document_outside_the_repository() -> None:
    this = Path(__file__).resolve()
    outside = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in _sources()
        if path.resolve() != this
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if OUTSIDE.search(line)
    ]
    assert not outside, outside
