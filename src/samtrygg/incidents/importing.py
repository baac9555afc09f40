"""Imports of partners' incident files and of police events: all or nothing, idempotent.

The readers in :mod:`samtrygg.sources` validate every row first; only a file without problems is
written, in one transaction, in bulk. Rows already imported (same organisation and source id, or
the same content hash where the file has no ids) are counted as unchanged.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC
from typing import Any

import polars as pl
from django.db import transaction
from django.utils.translation import gettext_noop

from samtrygg import uploads
from samtrygg.areas.models import Area
from samtrygg.gazetteer.models import Precision
from samtrygg.gazetteer.services import place_rows, precision_counts
from samtrygg.incidents import bulk, mappings, retention
from samtrygg.incidents.categories import seed_categories
from samtrygg.incidents.linking import link_incidents
from samtrygg.incidents.models import (
    ImportBatch,
    Incident,
    PoliceEvent,
    RetentionAction,
    Sharing,
    Source,
    TimeBand,
)
from samtrygg.partnerships.dataversion import changed
from samtrygg.partnerships.models import Organisation, Partnership
from samtrygg.sources import polisen, tabular
from samtrygg.sources.errors import RowError, SourceError
from samtrygg.sources.valuemap import UnmappedValue
from samtrygg.uploads import import_limits

BATCH = 5000
Progress = Callable[[int, int], None]


@dataclass
class ImportSummary:
    """The outcome of an import, as printed by the CLI and shown in the web UI."""

    created: int = 0
    unchanged: int = 0
    skipped: int = 0
    skipped_reasons: dict[str, int] = field(default_factory=dict)
    errors: list[dict[str, Any]] = field(default_factory=list)
    # How a CSV file was decoded ("UTF-8", "Windows-1252" …); None for Excel and police events.
    encoding: str | None = None
    # A refused file's values that match none of ours: field, value, rows, suggestions.
    unmapped: list[dict[str, Any]] = field(default_factory=list)
    # Created incidents per precision of their point ("none" went to the review list); None for
    # imports that place nothing (police events).
    placed: dict[str, int] | None = None

    def as_dict(self) -> dict[str, Any]:
        out = {
            "created": self.created,
            "unchanged": self.unchanged,
            "skipped": self.skipped,
            "skipped_reasons": dict(self.skipped_reasons),
            "errors": list(self.errors),
            "encoding": self.encoding,
            "unmapped": list(self.unmapped),
        }
        if self.placed is not None:
            out |= {"placed": dict(self.placed), "to_review": self.placed.get("none", 0)}
        return out

    def skipped_labels(self) -> list[tuple[str, int]]:
        """(why rows were skipped, in words, count) for the web summary."""
        return uploads.skipped_reasons(self.skipped_reasons)

    def placed_labels(self) -> list[tuple[str, int]]:
        """(precision in words, count) for the web summary, most precise first."""
        return [(str(Precision(p).label), n) for p, n in (self.placed or {}).items()]

    def unmapped_lines(self) -> list[str]:
        """One line per unmapped value, for the CLI's text output."""
        lines = []
        for u in self.unmapped:
            rows = ", ".join(str(r) for r in u["rows"][:10])
            more = len(u["rows"]) - 10
            rows += f" and {more} more" if more > 0 else ""
            hint = " or ".join(repr(s) for s in u["suggestions"]) or "no close match"
            lines.append(
                f"{u['field']} {u['value']!r} (rows {rows}) is not mapped; suggested: {hint}."
            )
        return lines

    def line(self, what: str) -> str:
        reasons = ", ".join(f"{k}: {v}" for k, v in sorted(self.skipped_reasons.items()))
        text = f"{what}: {self.created} created, {self.unchanged} unchanged, {self.skipped} skipped"
        text += f" ({reasons})" if reasons else ""
        if self.placed:
            placed = ", ".join(f"{n} {p}" for p, n in self.placed.items() if p != "none")
            text += f"; placed: {placed or 'none'}; to review: {self.placed.get('none', 0)}"
        # Plain UTF-8 is the expectation; anything else is worth a glance at the letters.
        if self.encoding and not self.encoding.startswith("UTF-8"):
            text += f"; read as {self.encoding}"
        return text


def unmapped_as_dicts(found: Sequence[UnmappedValue]) -> list[dict[str, Any]]:
    """Unmapped values in the CLI's JSON shape, with suggestions best first."""
    return [
        {
            "field": u.field,
            "value": u.value,
            "rows": list(u.rows),
            "suggestions": [s.value for s in u.suggestions],
        }
        for u in found
    ]


def errors_as_dicts(exc: SourceError) -> list[dict[str, Any]]:
    """The problems of a refused file in the CLI's JSON shape, in the active language."""
    return uploads.errors_as_dicts(exc.errors)


def partnership_bbox(partnership: Partnership) -> tuple[float, float, float, float] | None:
    """The lon/lat box of the partnership's municipalities, for refusing far-away points."""
    municipalities = list(Area.objects.municipalities().filter(partnership=partnership))
    if not municipalities:
        return None
    return (
        min(a.min_lon for a in municipalities),
        min(a.min_lat for a in municipalities),
        max(a.max_lon for a in municipalities),
        max(a.max_lat for a in municipalities),
    )


def _existing_source_ids(organisation: Organisation, ids: list[str]) -> set[str]:
    # Withdrawn rows too: importing the file again must not bring them back.
    existing = Incident.all_objects.filter(organisation=organisation, source=Source.IMPORT)
    # An organisation's first import is the common large one; a cheap EXISTS spares sending
    # every id of the file back to the database.
    if not ids or not existing.exists():
        return set()
    if len(ids) <= 10_000:
        existing = existing.filter(source_id__in=ids)
    return set(existing.values_list("source_id", flat=True))


def import_incidents(
    partnership: Partnership,
    organisation: Organisation,
    data: bytes,
    filename: str,
    *,
    mapping: Mapping[str, str] | None = None,
    values: Mapping[str, Mapping[str, str]] | None = None,
    sharing: str = Sharing.PARTNERSHIP,
    actor: Any = None,
    progress: Progress | None = None,
) -> ImportSummary:
    """Validate and import a partner's CSV/Excel incident log; raise SourceError on any bad row.

    1. Read and validate every row (:func:`samtrygg.sources.tabular.read_incidents`), with the
       organisation's saved words for categories and assessments and the newly confirmed
       ``values`` (field → {their value: ours}).
    2. Leave out rows already imported for the organisation (same source id or content hash).
    3. In one transaction: insert the new rows column-wise (COPY on PostgreSQL), link them to
       the partnership's areas, and record the import.
    """
    active = [c for c in seed_categories(partnership) if c.retired_at is None]
    categories = {c.name.lower(): c.pk for c in active}
    table = tabular.read_incidents(
        data,
        filename,
        categories=[c.name for c in active],
        mapping=mapping,
        bbox=partnership_bbox(partnership),
        limits=import_limits(),
        values=mappings.merged_values(organisation, values),
    )
    frame = table.frame
    existing = _existing_source_ids(organisation, frame.get_column("source_id").to_list())
    summary = ImportSummary(unchanged=len(existing), encoding=table.encoding)
    if table.blank_rows:
        summary.skipped = table.blank_rows
        summary.skipped_reasons[gettext_noop("blank row")] = table.blank_rows
    new = frame.filter(~pl.col("source_id").is_in(list(existing)))
    fmt = bulk.timestamp_format()
    end = (
        pl.when(pl.col("has_time"))
        .then(pl.col("occurred_at"))
        .otherwise(pl.col("occurred_at") + pl.duration(days=1))
    )
    # Rows whose category deletes incidents after its retention period, and that are already
    # past it, are not stored at all (anonymising categories are handled after the insert).
    too_old = pl.lit(False)
    for c in active:
        limit = retention.cutoff(c)
        if limit is not None and c.retention_action == RetentionAction.DELETE:
            too_old = too_old | (
                (pl.col("category").str.to_lowercase() == c.name.lower())
                & (end < limit.astimezone(UTC))
            )
    expired = new.filter(too_old).height
    if expired:
        new = new.filter(~too_old)
        summary.skipped += expired
        summary.skipped_reasons[gettext_noop("older than its category's retention period")] = (
            expired
        )
    columns = new.select(
        pl.col("category").str.to_lowercase().replace_strict(categories).alias("category_id"),
        pl.col("occurred_at").dt.strftime(fmt).alias("occurred_from"),
        end.dt.strftime(fmt).alias("occurred_to"),
        pl.when(pl.col("has_time"))
        .then(pl.lit(TimeBand.EXACT.value))
        .otherwise(pl.lit(TimeBand.UNKNOWN.value))
        .alias("time_band"),
        pl.col("lon"),
        pl.col("lat"),
        pl.col("place").fill_null(""),
        pl.col("assessment"),
        pl.col("description").fill_null(""),
        pl.col("source_id"),
        # A row's own sharing level from the file, else the one chosen for the import.
        pl.col("sharing").fill_null(pl.lit(sharing)),
    )
    # Rows with a place name but no coordinates get the gazetteer's point and its precision.
    columns = place_rows(partnership, columns)
    summary.placed = precision_counts(columns)
    creator = actor.pk if getattr(actor, "is_authenticated", False) else None
    n = columns.height
    with transaction.atomic():
        batch = ImportBatch.objects.create(
            partnership=partnership,
            organisation=organisation,
            kind=ImportBatch.Kind.INCIDENTS,
            filename=filename[:300],
            created=n,
            unchanged=summary.unchanged,
            skipped=summary.skipped,
            details={"columns": table.columns, "encoding": table.encoding},
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        bulk.insert_incidents(
            columns.with_columns(
                pl.lit(partnership.pk).alias("partnership_id"),
                pl.lit(organisation.pk).alias("organisation_id"),
                pl.lit(Source.IMPORT.value).alias("source"),
                pl.lit(False).alias("is_synthetic"),
                pl.lit(creator, dtype=pl.Int64).alias("created_by_id"),
                pl.lit(batch.pk, dtype=pl.Int64).alias("import_batch_id"),
            )
        )
        if progress:
            progress(n, n)
        link_incidents(partnership, incidents=Incident.objects.filter(import_batch=batch))
        changed(partnership.pk)  # COPY sends no signal: what is kept is out of date
        summary.created = n
        if any(c.retention_months for c in active):
            retention.apply_retention(partnership)
    return summary


def import_polisen(
    partnership: Partnership, data: bytes, filename: str, *, include_summaries: bool = False
) -> ImportSummary:
    """Import the police events of the partnership's municipalities (at municipality level)."""
    municipalities = {
        a.code: a.name for a in Area.objects.municipalities().filter(partnership=partnership)
    }
    if not municipalities:
        raise SourceError(
            [
                RowError(
                    None,
                    None,
                    gettext_noop(
                        "The partnership has no municipalities yet; choose them under Areas first."
                    ),
                )
            ]
        )
    result = polisen.read_polisen_events(data, municipalities=municipalities)
    summary = ImportSummary(skipped_reasons=dict(result.skipped))
    rows = [e for e in result.rows if e.municipality_code in municipalities]
    if not include_summaries:
        summaries = [e for e in rows if e.is_summary]
        if summaries:
            summary.skipped_reasons[gettext_noop("summary event (Sammanfattning)")] = len(summaries)
        rows = [e for e in rows if not e.is_summary]
    summary.skipped = sum(summary.skipped_reasons.values())
    existing = set(
        PoliceEvent.objects.filter(
            partnership=partnership, event_id__in=[e.id for e in rows]
        ).values_list("event_id", flat=True)
    )
    summary.unchanged = len(existing)
    new = [
        PoliceEvent(
            partnership=partnership,
            event_id=e.id,
            published_at=e.published_at,
            occurred_at=e.occurred_at,
            type=e.type,
            municipality_code=e.municipality_code or "",
            municipality=e.place,
            resolution=e.resolution,
            summary=e.summary,
            url=e.url,
            is_summary=e.is_summary,
        )
        for e in rows
        if e.id not in existing
    ]
    with transaction.atomic():
        PoliceEvent.objects.bulk_create(new, batch_size=BATCH)
        changed(partnership.pk)
        summary.created = len(new)
        ImportBatch.objects.create(
            partnership=partnership,
            kind=ImportBatch.Kind.POLISEN,
            filename=filename[:300],
            created=summary.created,
            unchanged=summary.unchanged,
            skipped=summary.skipped,
            details={"skipped_reasons": summary.skipped_reasons},
        )
    return summary
