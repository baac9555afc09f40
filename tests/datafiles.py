"""The real data the tests read, carried in ``tests/data`` (sources and licences in its README)."""

from __future__ import annotations

from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parent / "data"


def data_file(relative: str) -> Path:
    """Return the path of a file under ``tests/data``; fail the test naming it where it is absent.

    A missing file is a broken checkout, never a reason to skip: the reference tests are the ones
    that prove the numbers.
    """
    path = DATA / relative
    if not path.is_file():
        pytest.fail(f"test data file missing: tests/data/{relative} (see tests/data/README.md)")
    return path
