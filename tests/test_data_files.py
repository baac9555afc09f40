"""The test data in ``tests/data``: each file whole and named in the README, and it never skips."""

from __future__ import annotations

import hashlib

import pytest

from tests.datafiles import DATA, data_file

# Files that describe or make the data rather than being data.
NOT_DATA = {"README.md", "SHA256SUMS", ".gitattributes"}


def _data_files() -> set[str]:
    return {
        path.relative_to(DATA).as_posix()
        for path in DATA.rglob("*")
        if path.is_file()
        and path.name not in NOT_DATA
        and path.suffix != ".py"
        and "__pycache__" not in path.parts
    }


def _checksums() -> dict[str, str]:
    lines = (DATA / "SHA256SUMS").read_text(encoding="utf-8").splitlines()
    return {name: digest for digest, name in (line.split("  ", 1) for line in lines if line)}


def test_every_data_file_has_its_checksum_and_its_bytes_match() -> None:
    checksums = _checksums()
    assert set(checksums) == _data_files()
    for name, digest in checksums.items():
        assert hashlib.sha256((DATA / name).read_bytes()).hexdigest() == digest, name


def test_the_readme_names_every_data_file() -> None:
    readme = (DATA / "README.md").read_text(encoding="utf-8")
    missing = [
        name for name in sorted(_data_files()) if f"`{name.rsplit('/', 1)[-1]}`" not in readme
    ]
    assert missing == []


def test_a_missing_data_file_fails_the_test_instead_of_skipping_it() -> None:
    with pytest.raises(pytest.fail.Exception, match=r"tests/data/nowhere/absent\.csv"):
        data_file("nowhere/absent.csv")
    assert data_file("crime_points/memphis_robberies_2019.csv").is_file()
