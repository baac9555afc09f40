"""Errors raised by the readers in :mod:`samtrygg.sources`.

Every reader is all-or-nothing: it returns all rows, or it raises :class:`SourceError` listing
every problem it found (not just the first), each as a :class:`RowError` that names the row (as
the user sees it in the file: the header is row 1) or the feature, the field and what is wrong.
Messages are plain sentences that say what to do, so the web application and the command line can
show them as they are.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

__all__ = ["FetchError", "RowError", "SourceError"]

# How many problems the summary message lists; all of them stay in ``SourceError.errors``.
_LISTED = 20


@dataclass(frozen=True)
class RowError:
    """One problem in an input file.

    Attributes
    ----------
    row : int or None
        Row number as the user sees it (header = row 1), or the record index for JSON lists;
        None when the problem concerns the whole file.
    field : str or None
        The column, field or property concerned.
    message : str
        A plain sentence saying what is wrong and what to do.
    feature : int or None
        Index of the geographic feature (0-based, as in the file), for geodata.
    name : str or None
        Name of the feature, when it has one.

    Examples
    --------
    >>> str(RowError(5, "time", "The time '32/13/2024' is not a date."))
    "Row 5, column 'time': The time '32/13/2024' is not a date."
    >>> str(RowError(None, None, "The file is empty.", feature=None))
    'The file is empty.'
    >>> str(RowError(None, "geometry", "It crosses itself.", feature=3, name="Centrum"))
    "Feature 3 ('Centrum'), field 'geometry': It crosses itself."
    """

    row: int | None
    field: str | None
    message: str
    feature: int | None = None
    name: str | None = None

    def __str__(self) -> str:
        where: list[str] = []
        if self.feature is not None:
            where.append(
                f"Feature {self.feature}" + (f" ({self.name!r})" if self.name is not None else "")
            )
        elif self.row is not None:
            where.append(f"Row {self.row}")
        if self.field is not None:
            kind = "field" if self.feature is not None else "column"
            where.append(f"{kind} {self.field!r}")
        prefix = ", ".join(where)
        return f"{prefix}: {self.message}" if prefix else self.message


class SourceError(ValueError):
    """A file cannot be imported; ``errors`` lists every problem found.

    The message is a plain summary (the number of problems and the first few of them); the full
    list is in :attr:`errors`, for the web application to show as a table.

    Examples
    --------
    >>> err = SourceError([RowError(2, "lat", "'x' is not a number."),
    ...                    RowError(4, "lat", "'y' is not a number.")])
    >>> len(err.errors)
    2
    >>> print(err)
    The file has 2 problems; nothing was imported. Fix them and try again.
      Row 2, column 'lat': 'x' is not a number.
      Row 4, column 'lat': 'y' is not a number.
    >>> print(SourceError("The file is empty."))
    The file is empty.
    """

    def __init__(self, errors: Sequence[RowError] | str, summary: str | None = None) -> None:
        if isinstance(errors, str):
            self.errors: list[RowError] = [RowError(None, None, errors)]
            text = summary or errors
        else:
            self.errors = list(errors)
            text = summary or self._summarise(self.errors)
        self.summary = text
        super().__init__(text)

    @staticmethod
    def _summarise(errors: Sequence[RowError]) -> str:
        n = len(errors)
        if n == 1 and errors[0].row is None and errors[0].feature is None:
            return str(errors[0])
        head = (
            f"The file has {n} problem{'s' if n != 1 else ''}; nothing was imported. "
            "Fix them and try again."
        )
        lines = [head] + [f"  {e}" for e in errors[:_LISTED]]
        if n > _LISTED:
            lines.append(f"  … and {n - _LISTED} more.")
        return "\n".join(lines)


class FetchError(RuntimeError):
    """A download failed or was refused (HTTP error, rate limit); the message says why."""
