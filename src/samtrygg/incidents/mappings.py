"""An organisation's saved mappings for its incident files: which column holds what, and what its
own words mean (its "Klotter" is the partnership's "skadegörelse/klotter").

Both are saved after a successful import (web) and applied to the organisation's next file, on
the web and on the command line. The matching and the suggestions are in
:mod:`samtrygg.sources.valuemap`; here they meet the partnership's categories.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from samtrygg.incidents.categories import seed_categories
from samtrygg.incidents.models import Category, ColumnMapping, Sharing
from samtrygg.partnerships.models import Organisation, Partnership
from samtrygg.sources import tabular
from samtrygg.sources.valuemap import UnmappedValue, normalise

# The fields whose values are mapped, and the own assessments offered (docs/domain.md: 1–4).
MAPPED_FIELDS = ("category", "assessment", "sharing")
ASSESSMENTS = ("1", "2", "3", "4")
SHARING_LEVELS = tuple(Sharing.values)


def saved_columns(organisation: Organisation, headers: Sequence[str]) -> dict[str, str]:
    """The organisation's saved column choices that fit a file with ``headers``.

    A saved "" (the field is not in the file) is kept; a saved column the file lacks is left out,
    so the file's own column names can still be recognised.
    """
    saved = ColumnMapping.objects.filter(organisation=organisation).first()
    if saved is None:
        return {}
    return {k: v for k, v in saved.mapping.items() if v == "" or v in headers}


def choices(partnership: Partnership) -> dict[str, list[str]]:
    """Our values per mapped field: the active categories and the own assessments."""
    # The import gives a partnership the seed categories it lacks; offer the same list here.
    active = [c for c in seed_categories(partnership) if c.retired_at is None]
    active.sort(key=lambda c: (c.order, c.name))
    return {
        "category": [c.name for c in active],
        "assessment": list(ASSESSMENTS),
        "sharing": list(SHARING_LEVELS),
    }


def saved_values(organisation: Organisation) -> dict[str, dict[str, str]]:
    """The organisation's own words per field, as normalised word → our value.

    A word saved for a category that has since been retired or deleted is left out, so the file
    asks again instead of importing into a category no longer offered.
    """
    saved = ColumnMapping.objects.filter(organisation=organisation).first()
    stored = saved.values if saved is not None else {}
    names = dict(
        Category.objects.filter(partnership_id=organisation.partnership_id)
        .active()
        .values_list("pk", "name")
    )
    out: dict[str, dict[str, str]] = {}
    for word, pk in stored.get("category", {}).items():
        if pk in names:
            out.setdefault("category", {})[word] = names[pk]
    for field, allowed in (("assessment", ASSESSMENTS), ("sharing", SHARING_LEVELS)):
        for word, value in stored.get(field, {}).items():
            if value in allowed:
                out.setdefault(field, {})[word] = value
    return out


def merged_values(
    organisation: Organisation, confirmed: Mapping[str, Mapping[str, str]] | None
) -> dict[str, dict[str, str]]:
    """The saved words with newly confirmed ones on top (keys normalised)."""
    out = saved_values(organisation)
    for field, words in (confirmed or {}).items():
        for word, ours in words.items():
            out.setdefault(field, {})[normalise(word)] = ours
    return out


def unmapped(
    partnership: Partnership,
    organisation: Organisation,
    data: bytes,
    filename: str,
    columns: Mapping[str, str] | None,
) -> list[UnmappedValue]:
    """The file's categories, assessments and sharing levels that are neither ours nor saved."""
    known = {field: list(words) for field, words in saved_values(organisation).items()}
    return tabular.values_to_map(
        data, filename, mapping=columns, choices=choices(partnership), known=known
    )


def save(
    organisation: Organisation,
    columns: Mapping[str, str] | None,
    confirmed: Mapping[str, Mapping[str, str]] | None,
) -> None:
    """Remember the column choice and add the confirmed words (after a successful import)."""
    record, _created = ColumnMapping.objects.get_or_create(organisation=organisation)
    if columns is not None:
        record.mapping = dict(columns)
    ids = dict(
        Category.objects.filter(partnership_id=organisation.partnership_id).values_list(
            "name", "pk"
        )
    )
    stored = {field: dict(words) for field, words in (record.values or {}).items()}
    for field, words in (confirmed or {}).items():
        for word, ours in words.items():
            value = ids.get(ours) if field == "category" else ours
            if value is not None:
                stored.setdefault(field, {})[normalise(word)] = value
    record.values = stored
    record.save()
