"""The secret key of a local set-up, kept in the data directory.

``samtrygg demo`` makes a random key once and keeps it in ``<data dir>/secret_key`` (readable by
its owner only), so that the command line (``samtrygg import …``, ``samtrygg export …``) and the
server work on the same machine without ``SECRET_KEY``. Production sets ``SECRET_KEY`` and has no
such file; with neither, the settings refuse to start. This module runs before Django is set up.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

KEY_FILE = "secret_key"
# Django asks for at least 50 characters; token_urlsafe(50) gives 67.
MIN_LENGTH = 50
PROJECT_DIR = Path(__file__).resolve().parents[3]


def data_dir() -> Path:
    """The data directory: ``$SAMTRYGG_DATA_DIR``, else ``data/`` in the project."""
    return Path(os.environ.get("SAMTRYGG_DATA_DIR", str(PROJECT_DIR / "data"))).resolve()


def read_local_key(directory: Path) -> str | None:
    """The key kept in ``directory``, or None where there is none.

    A key file that others may read, or that is too short, is refused: it would sign sessions
    and password-reset links with a key that is not secret.
    """
    path = directory / KEY_FILE
    if not path.is_file():
        return None
    if os.name == "posix" and path.stat().st_mode & 0o077:
        raise ImproperlyConfigured(
            f"{path} can be read by other users; run `chmod 600 {path}` or delete it and run "
            "`samtrygg demo` again."
        )
    key = path.read_text(encoding="utf-8").strip()
    if len(key) < MIN_LENGTH:
        raise ImproperlyConfigured(
            f"{path} holds no usable key (fewer than {MIN_LENGTH} characters); delete it and "
            "run `samtrygg demo` again, or set SECRET_KEY."
        )
    return key


def ensure_local_key(directory: Path) -> bool:
    """Make the key file in ``directory`` unless it exists; return whether it was made."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / KEY_FILE
    try:
        # O_EXCL: two demos started at once cannot both write a key, and an existing key
        # (which signs existing sessions) is never replaced.
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return False
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(secrets.token_urlsafe(MIN_LENGTH) + "\n")
    return True
