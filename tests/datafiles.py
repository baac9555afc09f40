"""The real data in ``../shared/data``; tests skip, naming the file, where it is absent."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

SHARED_DATA = Path(
    os.environ.get(
        "SAMTRYGG_SHARED_DATA", Path(__file__).resolve().parents[1].parent / "shared" / "data"
    )
)


def shared_file(relative: str) -> Path:
    """Return the path of a shared data file, or skip the test naming the missing file."""
    path = SHARED_DATA / relative
    if not path.exists():
        pytest.skip(f"shared data file missing: ../shared/data/{relative}")
    return path
