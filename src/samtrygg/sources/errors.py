"""Errors raised by the readers in :mod:`samtrygg.sources`.

Every reader is all-or-nothing: it returns all rows, or it raises :class:`SourceError` listing
every problem it found (not just the first), each as a :class:`RowError` that names the row (as
the user sees it in the file: the header is row 1) or the feature, the field and what is wrong.
Messages are plain sentences that say what to do, so the command line can show them as they are.

Every message is an English template marked with :func:`gettext_noop` (so that Django's
``makemessages`` collects it into the catalogue) and its parameters: ``RowError.message`` is the
English sentence, and the web application (``samtrygg.uploads.translated``) shows
``gettext(template) % params`` in the user's language. Words of ours inside the parameters or
the field (a field name such as "longitude") are :class:`Term` s, which it translates too; the
reasons a reader skips rows are marked the same way. This module stays free of Django.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from dataclasses import field as _field
from typing import Any

__all__ = ["FetchError", "Listing", "RowError", "SourceError", "Term", "gettext_noop"]


def gettext_noop(message: str) -> str:
    """Mark ``message`` for translation and return it unchanged.

    Django's ``makemessages`` extracts the argument of every ``gettext_noop(...)`` call, so the
    readers' English templates reach the catalogue without the library importing Django; the web
    application translates them when it shows them.

    Parameters
    ----------
    message : str
        An English sentence or label, with ``%(name)s`` placeholders for its parameters.

    Returns
    -------
    str
        ``message`` itself.

    Examples
    --------
    >>> gettext_noop("blank row")
    'blank row'
    """
    return message


class Term(str):
    """A word of ours (a field such as "longitude"), which the web application translates.

    It is a plain string everywhere else; mark its text with :func:`gettext_noop` where it is
    written, e.g. ``Term(gettext_noop("longitude"))``.

    Examples
    --------
    >>> Term("latitude") == "latitude"
    True
    """

    __slots__ = ()


class Listing(str):
    """Words joined with ", ", some of them :class:`Term` s, which the web application translates.

    Examples
    --------
    >>> Listing(["year", Term("count or per_100k")])
    'year, count or per_100k'
    """

    items: tuple[str, ...]

    def __new__(cls, items: Sequence[str]) -> Listing:
        listing = super().__new__(cls, ", ".join(items))
        listing.items = tuple(items)
        return listing


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
        A plain sentence saying what is wrong and what to do; given as a template when
        ``params`` are given, and then the formatted English sentence.
    feature : int or None
        Index of the geographic feature (0-based, as in the file), for geodata.
    name : str or None
        Name of the feature, when it has one.
    params : mapping or None
        The values of the template's ``%(name)s`` placeholders.
    template : str
        The message before the parameters were put in (what the web application translates).

    Examples
    --------
    >>> str(RowError(5, "time", "The time '32/13/2024' is not a date."))
    "Row 5, column 'time': The time '32/13/2024' is not a date."
    >>> str(RowError(None, None, "The file is empty.", feature=None))
    'The file is empty.'
    >>> str(RowError(None, "geometry", "It crosses itself.", feature=3, name="Centrum"))
    "Feature 3 ('Centrum'), field 'geometry': It crosses itself."
    >>> e = RowError(2, "lat", "%(value)r is not a number.", params={"value": "x"})
    >>> e.message, e.template
    ("'x' is not a number.", '%(value)r is not a number.')
    """

    row: int | None
    field: str | None
    message: str
    feature: int | None = None
    name: str | None = None
    params: Mapping[str, Any] | None = _field(default=None, compare=False, repr=False)
    template: str = _field(default="", init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        # Frozen: the two derived attributes are set once, here.
        object.__setattr__(self, "template", self.message)
        if self.params is not None:
            object.__setattr__(self, "message", self.message % dict(self.params))

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

    def __init__(
        self,
        errors: Sequence[RowError] | str,
        summary: str | None = None,
        *,
        params: Mapping[str, Any] | None = None,
    ) -> None:
        if isinstance(errors, str):
            # One problem with the whole file; ``params`` fill the template's placeholders.
            self.errors: list[RowError] = [RowError(None, None, errors, params=params)]
            text = summary or self.errors[0].message
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
