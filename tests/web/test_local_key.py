"""The key that ``samtrygg demo`` keeps in the data directory (the command line's side is in
``tests/test_cli.py``)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from samtrygg.web.local_key import KEY_FILE, ensure_local_key, read_local_key


def test_the_key_is_made_once_for_the_owner_only_and_then_read(tmp_path: Path) -> None:
    directory = tmp_path / "new" / "data"
    assert read_local_key(directory) is None
    assert ensure_local_key(directory) is True
    path = directory / KEY_FILE
    assert path.stat().st_mode & 0o777 == 0o600
    key = read_local_key(directory)
    assert key is not None and len(key) >= 50
    assert ensure_local_key(directory) is False  # an existing key is never replaced
    assert read_local_key(directory) == key
    other = tmp_path / "other"
    ensure_local_key(other)
    assert read_local_key(other) != key  # random, not a built-in key


@pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX")
def test_a_key_file_others_can_read_is_refused_naming_the_fix(tmp_path: Path) -> None:
    ensure_local_key(tmp_path)
    (tmp_path / KEY_FILE).chmod(0o644)
    with pytest.raises(ImproperlyConfigured, match=r"can be read by other users; run `chmod 600"):
        read_local_key(tmp_path)


def test_a_short_key_is_refused(tmp_path: Path) -> None:
    path = tmp_path / KEY_FILE
    path.write_text("short\n")
    path.chmod(0o600)
    with pytest.raises(ImproperlyConfigured, match="holds no usable key"):
        read_local_key(tmp_path)
