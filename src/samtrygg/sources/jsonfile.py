"""Reading a JSON file that a user saved from an API (the police events, Kolada).

Shared by the readers so that a file path or its bytes, a UTF-8 byte-order mark, gzip
compression and broken JSON are handled, and explained, the same way everywhere.
"""

from __future__ import annotations

import gzip
import json
import os
from pathlib import Path
from typing import Any

from samtrygg.sources.errors import SourceError, gettext_noop

__all__ = ["load_json"]


def load_json(
    data: bytes | str | os.PathLike[str],
    *,
    encoding_hint: str,
    json_hint: str = "",
    empty_hint: str = "",
) -> Any:
    """Parse ``data`` (bytes, or a path to read) as JSON; raise SourceError saying what to do.

    Parameters
    ----------
    data : bytes, str or path-like
        The file's content, or its path.
    encoding_hint : str
        Said after "The file is not UTF-8 JSON;" when it cannot be decoded.
    json_hint : str
        Added to the message for broken JSON (e.g. "save the answer without editing it").
    empty_hint : str
        When given, an empty file is refused with this sentence instead of a JSON error.

    Returns
    -------
    object
        The parsed JSON value.

    Examples
    --------
    >>> load_json(b'\\xef\\xbb\\xbf[1, 2]', encoding_hint="")
    [1, 2]
    >>> load_json(b'{"a": ', encoding_hint="")
    Traceback (most recent call last):
    ...
    samtrygg.sources.errors.SourceError: The file is not valid JSON (line 1, column 7: Expecting value).
    """  # noqa: E501
    if isinstance(data, (str, os.PathLike)):
        try:
            raw = Path(data).read_bytes()
        except OSError as exc:
            raise SourceError(
                gettext_noop("The file %(name)r cannot be read (%(reason)s)."),
                params={"name": str(data), "reason": exc.strerror},
            ) from None
    else:
        raw = bytes(data)
    if raw[:2] == b"\x1f\x8b":
        try:
            raw = gzip.decompress(raw)
        except (OSError, EOFError) as exc:
            raise SourceError(
                gettext_noop("The gzip file is damaged (%(reason)s); download it again."),
                params={"reason": str(exc)},
            ) from None
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    if empty_hint and not raw.strip():
        raise SourceError(gettext_noop("The file is empty; %(hint)s"), params={"hint": empty_hint})
    try:
        return json.loads(raw)
    except UnicodeDecodeError:
        raise SourceError(
            gettext_noop("The file is not UTF-8 JSON; %(hint)s"), params={"hint": encoding_hint}
        ) from None
    except json.JSONDecodeError as exc:
        where = {"line": exc.lineno, "column": exc.colno, "reason": exc.msg}
        if json_hint:
            raise SourceError(
                gettext_noop(
                    "The file is not valid JSON (line %(line)d, column %(column)d: %(reason)s); "
                    "%(hint)s."
                ),
                params={**where, "hint": json_hint},
            ) from None
        raise SourceError(
            gettext_noop(
                "The file is not valid JSON (line %(line)d, column %(column)d: %(reason)s)."
            ),
            params=where,
        ) from None
