"""Limits of uploaded files from the settings, and the readers' messages in the user's language.

The readers in :mod:`samtrygg.sources` check the limits (:mod:`samtrygg.sources.limits`) and say
in English what was exceeded; the pages show the same refusal translated, naming the limit.
Every other problem a reader reports carries its English template (marked for the catalogue
with ``gettext_noop``) and parameters: :func:`translated` words it in the active language, and
:func:`skipped_reasons` does the same for the reasons rows were skipped.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.conf import settings
from django.utils.translation import get_language, gettext, ngettext
from django.utils.translation import gettext as _

from samtrygg.sources.errors import Listing, RowError, SourceError, Term
from samtrygg.sources.limits import MB, LimitError, LimitRowError, Limits
from samtrygg.sources.personal_data import PersonalDataRowError, describe


def import_limits() -> Limits:
    """The limits for imported files, from the settings (docs/configuration.md).

    ``max_value`` and ``max_id`` keep the library's defaults, which are the sizes of the incident
    columns ``place`` and ``source_id`` (a test holds them equal).
    """
    return Limits(
        max_bytes=settings.IMPORT_MAX_UNPACKED_MB * MB,
        max_rows=settings.IMPORT_MAX_ROWS,
        max_cells=settings.IMPORT_MAX_CELLS,
        max_text=settings.TEXT_MAX_CHARS,
        max_features=settings.AREA_MAX_FEATURES,
    )


def upload_max_bytes() -> int:
    """The largest file accepted by an upload form."""
    return int(settings.UPLOAD_MAX_MB) * MB


def too_large_upload_message() -> str:
    """The upload form's refusal of a file over ``SAMTRYGG_UPLOAD_MAX_MB``."""
    return _(
        "The file is larger than %(mb)d MB, the most accepted; split it into smaller files and "
        "import each."
    ) % {"mb": settings.UPLOAD_MAX_MB}


def limit_message(exc: LimitError) -> str:
    """The refusal of a file over a limit, translated."""
    if exc.kind == "bytes":
        return _(
            "The file holds %(found)d MB (unpacked, as it is read) and at most %(limit)d MB are "
            "accepted. Split it into smaller files."
        ) % {"found": -(-(exc.found or 0) // MB), "limit": exc.limit // MB}
    if exc.kind == "rows":
        return _(
            "The file has %(found)d rows and at most %(limit)d are accepted. Split it into "
            "smaller files."
        ) % {"found": exc.found or 0, "limit": exc.limit}
    if exc.kind == "cells":
        return _(
            "The file has %(found)d cells and at most %(limit)d are accepted. Delete the columns "
            "that are not needed, or split the file."
        ) % {"found": exc.found or 0, "limit": exc.limit}
    return _(
        "The file has %(found)d areas and at most %(limit)d are accepted. Import the areas of "
        "your municipality only."
    ) % {"found": exc.found or 0, "limit": exc.limit}


def text_too_long_message(found: int, limit: int) -> str:
    """The refusal of one value longer than its limit, translated."""
    return ngettext(
        "The value is %(found)d characters long; at most %(limit)d character is accepted here. "
        "Shorten it.",
        "The value is %(found)d characters long; at most %(limit)d characters are accepted "
        "here. Shorten it.",
        limit,
    ) % {"found": found, "limit": limit}


def nul_message() -> str:
    """The refusal of a value holding a NUL character, translated."""
    return _(
        "The value holds a NUL character (a zero byte), which cannot be stored. Remove it; a "
        "file full of them is often saved in another encoding than UTF-8."
    )


def problems(exc: SourceError) -> list[RowError]:
    """The problems of a refused file, with the limits' refusals translated."""
    if isinstance(exc, LimitError):
        return [RowError(None, None, limit_message(exc))]
    return translated(exc.errors)


def translated(errors: Sequence[RowError]) -> list[RowError]:
    """``errors`` worded in the active language: their messages and the words of ours they name.

    Row, feature and name stay as they are; the refusals of over-long values and NUL characters
    and of personal data get their own sentences, every other message is
    ``gettext(template) % params``.
    """
    return [
        RowError(
            error.row,
            term(error.field) if error.field is not None else None,
            message(error),
            feature=error.feature,
            name=error.name,
        )
        for error in errors
    ]


def message(error: RowError) -> str:
    """One problem's message in the active language."""
    if isinstance(error, LimitRowError):
        if error.kind == "nul":
            return nul_message()
        if error.found is not None and error.limit is not None:
            return text_too_long_message(error.found, error.limit)
    if isinstance(error, PersonalDataRowError):
        return describe(error.findings, lang="sv" if _swedish() else "en")
    if not error.template:
        return error.message
    text = gettext(error.template)
    if error.params is None:
        return text
    try:
        return text % {key: term(value) for key, value in error.params.items()}
    except (KeyError, TypeError, ValueError):
        # A translation whose placeholders do not fit (msgfmt --check-format catches these):
        # the English sentence is better than none.
        return error.message


def term(value: Any) -> Any:
    """A word of ours (:class:`~samtrygg.sources.errors.Term`) translated; anything else as is."""
    if isinstance(value, Listing):
        return ", ".join(str(term(item)) for item in value.items)
    if isinstance(value, Term):
        return gettext(str(value))
    return value


def skipped_reasons(reasons: Mapping[str, int]) -> list[tuple[str, int]]:
    """Why rows were skipped, each reason in the active language, with its count."""
    return sorted((gettext(reason), n) for reason, n in reasons.items())


def skipped_sentence(reasons: Mapping[str, int]) -> str:
    """Why rows or values were skipped, as a sentence to add to an import's summary ("" if none)."""
    if not reasons:
        return ""
    shown = ", ".join(f"{reason}: {n}" for reason, n in skipped_reasons(reasons))
    return _("Skipped: %(reasons)s.") % {"reasons": shown}


def errors_as_dicts(errors: Sequence[RowError]) -> list[dict[str, Any]]:
    """Problems in the shape the import summaries keep (row, field, message), translated."""
    return [
        {
            "row": e.row if e.row is not None else e.feature,
            "field": e.field,
            "message": e.message,
        }
        for e in translated(errors)
    ]


def _swedish() -> bool:
    return (get_language() or settings.LANGUAGE_CODE).startswith("sv")
