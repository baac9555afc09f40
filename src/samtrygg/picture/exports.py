"""The picture's exports: the period's incidents (only those the user may see in detail) and the
aggregate tables, as CSV and Excel.

Viewers see aggregates only, so their export holds the (suppressed) tables and no rows. Headers
and coded values are in the reader's language; the CSV file is written for Swedish Excel, and
formula-like text is neutralised in both formats (:mod:`samtrygg.csvexport`).
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from django.http import HttpResponse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook

from samtrygg.csvexport import CSV_CONTENT_TYPE, XLSX_CONTENT_TYPE, csv_bytes, download, safe_cell
from samtrygg.incidents.models import Sharing, TimeBand
from samtrygg.partnerships.access import Access
from samtrygg.picture import services

__all__ = ["EXPORT_COLUMNS", "aggregate_rows", "export", "export_rows", "safe_cell"]

CONTENT_TYPES = {"csv": CSV_CONTENT_TYPE, "xlsx": XLSX_CONTENT_TYPE}

# The incident columns, in the order of ``export_rows``; headed in the reader's language.
EXPORT_COLUMNS = (
    gettext_lazy("ID"),
    gettext_lazy("Category"),
    gettext_lazy("Organisation"),
    gettext_lazy("From"),
    gettext_lazy("To"),
    gettext_lazy("Time of day"),
    gettext_lazy("Place"),
    gettext_lazy("Longitude"),
    gettext_lazy("Latitude"),
    gettext_lazy("Assessment"),
    gettext_lazy("Description"),
    gettext_lazy("Sharing"),
    gettext_lazy("Synthetic demo data"),
)


def export_header() -> list[str]:
    """The incident columns' headers in the active language."""
    return [str(c) for c in EXPORT_COLUMNS]


def export_rows(user: Any, access: Access, filters: services.Filters) -> list[list[Any]]:
    """The period's incidents the user may see in detail, one list per row (local times)."""
    rows = (
        services.detail_queryset(user, access, filters)
        .order_by("occurred_from", "pk")
        .values_list(
            "pk",
            "category__name",
            "organisation__name",
            "occurred_from",
            "occurred_to",
            "time_band",
            "place",
            "lon",
            "lat",
            "assessment",
            "description",
            "sharing",
            "is_synthetic",
        )
    )
    bands, sharing = dict(TimeBand.choices), dict(Sharing.choices)
    out: list[list[Any]] = []
    for pk, cat, org, began, ended, band, place, lon, lat, assessment, text, shared, fake in rows:
        # Spreadsheets know no time zones: local (Stockholm) wall-clock times. Coded values are
        # shown as the pages show them, in the reader's language.
        out.append([
            pk, cat, org, _naive_local(began), _naive_local(ended), str(bands.get(band, band)),
            place, lon, lat, assessment, text, str(sharing.get(shared, shared)), fake,
        ])  # fmt: skip
    return out


def _naive_local(when: datetime) -> datetime:
    return timezone.localtime(when).replace(tzinfo=None)


def aggregate_rows(pic: services.Picture) -> list[list[Any]]:
    """The count tables as (table, label, count) rows; suppressed counts stay hidden."""
    rows: list[list[Any]] = [[_("table"), _("label"), _("count")]]
    for table in (pic.by_category, pic.by_area, pic.by_organisation):
        for row in [*table.rows, table.total]:
            rows.append([table.caption, row.label, row.text])
    for change in pic.changes:
        for c in change.rows:
            t = c.texts
            rows.append([change.caption, c.label, f"{t['current']} / {t['baseline']}: {c.verdict}"])
    return rows


def _xlsx(sheets: Sequence[tuple[str, Iterable[Sequence[Any]]]]) -> bytes:
    book = Workbook(write_only=True)
    for title, rows in sheets:
        sheet = book.create_sheet(title[:31])
        for row in rows:
            sheet.append([safe_cell(v) for v in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def export(user: Any, access: Access, filters: services.Filters, kind: str) -> HttpResponse:
    """The period's data as a CSV or Excel download."""
    period = filters.period
    # Named as the page is ("Aktuellt läge"), apart from the yearly lägesbild (issue 12).
    title = slugify(_("Picture"))
    name = f"{title}-{access.partnership.slug}-{period.start.isoformat()}-{period.last_day}"
    if services.sees_details(access):
        incidents = [export_header(), *export_rows(user, access, filters)]
    else:
        incidents = []
    if kind == "csv":
        body = csv_bytes(incidents or aggregate_rows(services.build_picture(user, access, filters)))
    else:
        summary = aggregate_rows(services.build_picture(user, access, filters))
        sheets = [(_("Incidents"), incidents)] if incidents else []
        body = _xlsx([*sheets, (_("Summary"), summary)])
    return download(body, CONTENT_TYPES[kind], f"{name}.{kind}")
