"""The picture's exports: the period's incidents (only those the user may see in detail) and the
aggregate tables, as CSV and Excel.

Viewers see aggregates only, so their export holds the (suppressed) tables and no rows. Text
cells that a spreadsheet would run as a formula are prefixed with an apostrophe.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from samtrygg.partnerships.access import Access
from samtrygg.picture import services

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


EXPORT_COLUMNS = (
    "id",
    "category",
    "organisation",
    "from",
    "to",
    "time_band",
    "place",
    "lon",
    "lat",
    "assessment",
    "description",
    "sharing",
    "synthetic",
)


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
    out: list[list[Any]] = []
    for pk, cat, org, began, ended, *rest in rows:
        # Spreadsheets know no time zones: local (Stockholm) wall-clock times.
        out.append([pk, cat, org, _naive_local(began), _naive_local(ended), *rest])
    return out


def _naive_local(when: datetime) -> datetime:
    return timezone.localtime(when).replace(tzinfo=None)


def safe_cell(value: Any) -> Any:
    """A value for a spreadsheet cell: text starting like a formula is kept as text."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def _csv_value(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, bool):
        return "1" if value else "0"
    return "" if value is None else safe_cell(value)


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


def _csv(rows: Iterable[Sequence[Any]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    for row in rows:
        writer.writerow([_csv_value(v) for v in row])
    # The byte order mark lets Excel recognise UTF-8 (å, ä, ö).
    return ("\ufeff" + out.getvalue()).encode("utf-8")


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
    name = f"lagesbild-{access.partnership.slug}-{period.start.isoformat()}-{period.last_day}"
    if services.sees_details(access):
        incidents = [list(EXPORT_COLUMNS), *export_rows(user, access, filters)]
    else:
        incidents = []
    if kind == "csv":
        body = _csv(incidents or aggregate_rows(services.build_picture(user, access, filters)))
    else:
        summary = aggregate_rows(services.build_picture(user, access, filters))
        sheets = [(_("Incidents"), incidents)] if incidents else []
        body = _xlsx([*sheets, (_("Summary"), summary)])
    response = HttpResponse(body, content_type=CONTENT_TYPES[kind])
    response["Content-Disposition"] = f'attachment; filename="{name}.{kind}"'
    return response
