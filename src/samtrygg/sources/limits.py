"""How much of an uploaded file the readers accept, checked before the file is read.

A small file can unpack into a huge one: an .xlsx is a ZIP archive, and 307 KB of it once held a
300 MB text. The readers therefore check the unpacked size (the sizes the archive declares for
its members, which Python's :mod:`zipfile` enforces while unpacking), and count rows, cells and
features while reading, so that a hostile file is refused before it fills the memory. Every
refusal is a :class:`LimitError` naming the limit, so that callers can word it in their language.

Examples
--------
>>> limits = Limits(max_rows=10)
>>> try:
...     limits.check_table(rows=11, columns=3)
... except LimitError as exc:
...     print(exc.kind, exc.limit, exc.found)
rows 10 11
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass

from samtrygg.sources.errors import RowError, SourceError

__all__ = ["DEFAULT_LIMITS", "LimitError", "LimitRowError", "Limits"]

MB = 1024 * 1024


class LimitError(SourceError):
    """A file exceeds one of the :class:`Limits`; nothing of it was used.

    Attributes
    ----------
    kind : str
        ``"bytes"`` (the unpacked content), ``"rows"``, ``"cells"`` or ``"features"``.
    limit : int
        The limit that was exceeded (bytes for ``"bytes"``).
    found : int or None
        How much the file has, where known (at least this much when counting stopped early).
    """

    def __init__(self, kind: str, limit: int, found: int | None, message: str) -> None:
        self.kind = kind
        self.limit = limit
        self.found = found
        super().__init__(message)


@dataclass(frozen=True)
class LimitRowError(RowError):
    """A value that cannot be stored: too long (``kind="text"``) or holding NUL (``"nul"``).

    ``limit`` and ``found`` are the allowed and the actual number of characters of a long value.
    """

    kind: str = "text"
    limit: int | None = None
    found: int | None = None


@dataclass(frozen=True)
class Limits:
    """The most an imported file may hold.

    Attributes
    ----------
    max_bytes : int
        Size of the content: a CSV or GeoJSON file as it is, an .xlsx once unpacked.
    max_rows : int
        Data rows of a table (the header not counted).
    max_cells : int
        Rows times columns of a table.
    max_text : int
        Characters in one free-text value (an incident's description).
    max_value : int
        Characters in any other value (place, category, time, numbers; also area names).
    max_id : int
        Characters in a row's own id.
    max_features : int
        Features (areas) of a GeoJSON file or GeoPackage layer.
    """

    max_bytes: int = 100 * MB
    max_rows: int = 1_000_000
    max_cells: int = 10_000_000
    max_text: int = 2000
    max_value: int = 200
    max_id: int = 100
    max_features: int = 10_000

    def check_bytes(self, size: int, *, unpacked: bool = False) -> None:
        """Refuse content larger than ``max_bytes``.

        Parameters
        ----------
        size : int
            The content's size in bytes.
        unpacked : bool
            Whether ``size`` is the unpacked size of an archive (named so in the message).

        Returns
        -------
        None
            Raises :class:`LimitError` when the content is too large.
        """
        if size > self.max_bytes:
            how = "when unpacked " if unpacked else ""
            raise LimitError(
                "bytes",
                self.max_bytes,
                size,
                f"The file holds {_mb(size)} {how}and at most {_mb(self.max_bytes)} are "
                "accepted. Split it into smaller files.",
            )

    def check_zip(self, data: bytes) -> None:
        """Refuse an archive (.xlsx) whose members unpack into more than ``max_bytes``.

        A damaged archive passes; the reader that opens it reports the damage.

        Parameters
        ----------
        data : bytes
            The archive as uploaded.

        Returns
        -------
        None
            Raises :class:`LimitError` when the members' declared sizes add up to too much.
        """
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                size = sum(member.file_size for member in archive.infolist())
        except (zipfile.BadZipFile, OSError, ValueError):
            return
        self.check_bytes(size, unpacked=True)

    def check_table(self, rows: int, columns: int) -> None:
        """Refuse a table with more than ``max_rows`` rows or ``max_cells`` cells.

        Parameters
        ----------
        rows : int
            Number of data rows.
        columns : int
            Number of columns.

        Returns
        -------
        None
            Raises :class:`LimitError` when the table is too large.
        """
        if rows > self.max_rows:
            raise LimitError(
                "rows",
                self.max_rows,
                rows,
                f"The file has {rows} rows; at most {self.max_rows} are accepted. "
                "Split it into smaller files.",
            )
        if rows * columns > self.max_cells:
            raise LimitError(
                "cells",
                self.max_cells,
                rows * columns,
                f"The file has {rows * columns} cells ({rows} rows of {columns} columns); at "
                f"most {self.max_cells} are accepted. Delete the columns that are not needed, or "
                "split the file.",
            )

    def check_features(self, count: int) -> None:
        """Refuse more than ``max_features`` features.

        Parameters
        ----------
        count : int
            Number of features (areas) in the file.

        Returns
        -------
        None
            Raises :class:`LimitError` when there are too many.
        """
        if count > self.max_features:
            raise LimitError(
                "features",
                self.max_features,
                count,
                f"The file has {count} areas; at most {self.max_features} are accepted. "
                "Import the areas of your municipality only.",
            )


def _mb(size: int) -> str:
    return f"{size / MB:.0f} MB" if size >= MB else f"{size} bytes"


DEFAULT_LIMITS = Limits()
