"""Importing reference series and putting them next to the lägesbild.

1. :func:`read_reference` calls the library readers (:mod:`samtrygg.sources.kolada`,
   :mod:`samtrygg.sources.bra`); they return rows and problems.
2. :func:`import_reference` writes all of a file or nothing: a file with any problem is refused
   and every problem listed. Values are keyed by (series, region, year): the same file again
   changes nothing; a file with newer figures updates the values that changed and says how many.
3. :func:`comparison` picks, for a lägesbild year, the values of the partnership's municipalities,
   their counties and the whole country for the last (up to) five years, as plain JSON that the
   lägesbild stores with its figures; :func:`comparison_lines` words them.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from samtrygg import uploads
from samtrygg.areas.models import Area
from samtrygg.partnerships.changelog import record
from samtrygg.partnerships.models import Partnership
from samtrygg.reference.models import ReferenceSeries, ReferenceSource, ReferenceValue
from samtrygg.rendering.chart import line_chart
from samtrygg.sources.errors import SourceError
from samtrygg.sources.kolada import RIKET, ReferenceResult, ReferenceRow

YEARS = 5  # how many years the lägesbild compares


@dataclass
class ReferenceImportSummary:
    """The outcome of an import, in the shape the other imports print (plus ``updated``)."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0
    skipped_reasons: dict[str, int] = field(default_factory=dict)
    errors: list[dict[str, Any]] = field(default_factory=list)
    series: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "skipped": self.skipped,
            "skipped_reasons": dict(self.skipped_reasons),
            "errors": list(self.errors),
            "series": list(self.series),
        }

    def line(self, what: str) -> str:
        reasons = ", ".join(f"{k}: {v}" for k, v in sorted(self.skipped_reasons.items()))
        text = (
            f"{what}: {self.created} created, {self.updated} updated, {self.unchanged} unchanged, "
            f"{self.skipped} skipped"
        )
        return text + (f" ({reasons})" if reasons else "")


def read_reference(
    data: bytes, filename: str, kind: str, *, name: str = "", unit: str | None = None
) -> ReferenceResult:
    """Read a Kolada JSON answer or a Brå table with the library reader for ``kind``."""
    if kind == ReferenceSource.KOLADA:
        from samtrygg.sources.kolada import read_kolada

        return read_kolada(data, kpi_title=name or None, unit=unit or None)
    if kind == ReferenceSource.BRA:
        from samtrygg.sources.bra import read_bra

        result = read_bra(
            data, filename, indicator_name=name or None, limits=uploads.import_limits()
        )
        if unit:
            rows = tuple(ReferenceRow(**{**r.__dict__, "unit": unit}) for r in result.rows)
            result = ReferenceResult(rows=rows, errors=result.errors, skipped=result.skipped)
        return result
    raise SourceError(_("Choose the kind of file: Kolada or Brå."))


def import_reference(
    partnership: Partnership,
    data: bytes,
    filename: str,
    kind: str,
    actor: Any = None,
    *,
    name: str = "",
    unit: str = "",
    is_example: bool = False,
) -> ReferenceImportSummary:
    """Import every value of the file, or nothing when it has a problem (see module docstring)."""
    try:
        result = read_reference(data, filename, kind, name=name, unit=unit or None)
    except SourceError as exc:
        return ReferenceImportSummary(errors=uploads.errors_as_dicts(uploads.problems(exc)))
    summary = ReferenceImportSummary(
        skipped=sum(result.skipped.values()), skipped_reasons=dict(result.skipped)
    )
    if result.errors:
        summary.errors = uploads.errors_as_dicts(result.errors)
        return summary
    by_code: dict[str, list[ReferenceRow]] = defaultdict(list)
    for row in result.rows:
        by_code[row.indicator_code].append(row)
    with transaction.atomic():
        for code, rows in by_code.items():
            created, updated, unchanged = _save_series(
                partnership, kind, code, rows, filename, actor, is_example
            )
            summary.created += created
            summary.updated += updated
            summary.unchanged += unchanged
            summary.series.append(rows[0].indicator_name)
    return summary


def _save_series(
    partnership: Partnership,
    kind: str,
    code: str,
    rows: list[ReferenceRow],
    filename: str,
    actor: Any,
    is_example: bool,
) -> tuple[int, int, int]:
    first = rows[0]
    series = (
        ReferenceSeries.objects.select_for_update()
        .filter(partnership=partnership, source=kind, indicator_code=code)
        .first()
    )
    user = actor if getattr(actor, "is_authenticated", False) else None
    is_new = series is None
    if series is None:
        series = ReferenceSeries(partnership=partnership, source=kind, indicator_code=code)
    described = series.name != first.indicator_name or series.unit != first.unit
    existing = {(v.region_code, v.year): v for v in series.values.all()} if not is_new else {}
    new: list[ReferenceValue] = []
    changed: list[ReferenceValue] = []
    for r in rows:
        old = existing.get((r.region_code, r.year))
        if old is None:
            new.append(
                ReferenceValue(
                    region_code=r.region_code,
                    region_name=r.region_name,
                    level=r.level,
                    year=r.year,
                    value=r.value,
                )
            )
        elif old.value != r.value or old.region_name != r.region_name:
            old.value, old.region_name = r.value, r.region_name
            changed.append(old)
    if not (is_new or described or new or changed):
        return 0, 0, len(rows)  # The same file again: nothing changes, not even the date.
    series.name = first.indicator_name[:300]
    series.unit = first.unit[:100]
    series.source_file = filename[:300]
    series.is_example = is_example
    series.imported_at = timezone.now()
    series.imported_by = user
    series.save()
    for v in new:
        v.series = series
    ReferenceValue.objects.bulk_create(new)
    ReferenceValue.objects.bulk_update(changed, ["value", "region_name"])
    unchanged = len(rows) - len(new) - len(changed)
    record(
        partnership.pk,
        actor,
        series,
        "imported",
        file=filename[:300],
        created=len(new),
        updated=len(changed),
    )
    return len(new), len(changed), unchanged


@transaction.atomic
def delete_series(series: ReferenceSeries, actor: Any) -> None:
    """Delete a series with its values, and record who did it."""
    record(series.partnership_id, actor, series, "deleted", name=series.name)
    series.delete()


# --------------------------------------------------------------------------- tables and charts


def table(series: ReferenceSeries) -> dict[str, Any]:
    """Regions (municipalities first, then counties, then the country) × years."""
    values = list(series.values.all())
    years = sorted({v.year for v in values})
    order = {"kommun": 0, "län": 1, "riket": 2}
    regions: dict[str, dict[str, Any]] = {}
    for v in sorted(values, key=lambda v: (order.get(v.level, 3), v.region_name)):
        entry = {"code": v.region_code, "name": v.region_name, "level": v.level, "by_year": {}}
        regions.setdefault(v.region_code, entry)["by_year"][v.year] = v.value
    rows = [{**r, "values": [r["by_year"].get(y) for y in years]} for r in regions.values()]
    return {"years": years, "rows": rows}


def chart(tab: dict[str, Any], max_lines: int = 7) -> dict[str, Any] | None:
    """Line-chart geometry for the first ``max_lines`` regions of :func:`table`.

    None when there are fewer than two years or no values (see
    :func:`samtrygg.rendering.chart.line_chart`).
    """
    return line_chart(
        tab["years"], tab["rows"], lambda v: str(formats.number_format(v, 0)), max_lines
    )


# --------------------------------------------------------------------------- the lägesbild


def partnership_regions(partnership: Partnership) -> list[str]:
    """SCB codes to compare: the partnership's municipalities, their counties, the country."""
    codes = sorted(
        c
        for c in Area.objects.municipalities()
        .filter(partnership=partnership)
        .values_list("code", flat=True)
        if c
    )
    counties = sorted({c[:2] for c in codes})
    return [*codes, *counties, RIKET]


def comparison(partnership: Partnership, year: int) -> dict[str, Any]:
    """The reference figures a lägesbild of ``year`` stores: per series, the regions × years.

    Only years up to ``year`` count, and of those the last :data:`YEARS` that have a value for
    one of the partnership's regions.
    """
    wanted = partnership_regions(partnership)
    rank = {code: i for i, code in enumerate(wanted)}
    out: list[dict[str, Any]] = []
    for series in ReferenceSeries.objects.of(partnership):
        values = [v for v in series.values.all() if v.region_code in rank and v.year <= year]
        years = sorted({v.year for v in values})[-YEARS:]
        if not years:
            continue
        regions: dict[str, dict[str, Any]] = {}
        for v in sorted(values, key=lambda v: rank[v.region_code]):
            if v.year in years:
                regions.setdefault(
                    v.region_code,
                    {"code": v.region_code, "name": v.region_name, "level": v.level, "by": {}},
                )["by"][v.year] = v.value
        out.append(
            {
                "id": series.pk,
                "code": series.indicator_code,
                "name": series.name,
                "label": series.label,
                "unit": series.unit,
                "source": series.source,
                "source_name": series.source_name,
                "is_example": series.is_example,
                "years": years,
                "regions": [
                    {
                        "code": r["code"],
                        "name": r["name"],
                        "level": r["level"],
                        "values": [r["by"].get(y) for y in years],
                    }
                    for r in regions.values()
                ],
            }
        )
    imported = ReferenceSeries.objects.filter(partnership=partnership).exists()
    return {"year": year, "series": out, "imported": imported}


def _fmt(value: float) -> str:
    decimals = 0 if float(value).is_integer() else 1
    return str(formats.number_format(round(value, decimals), decimals, use_l10n=True))


def _sentence(s: dict[str, Any], municipality: dict[str, Any]) -> str | None:
    years: list[int] = s["years"]
    own = municipality["values"]
    known = [i for i, v in enumerate(own) if v is not None]
    if not known:
        return None
    i = known[-1]
    county = next(
        (r for r in s["regions"] if r["level"] == "län" and r["code"] == municipality["code"][:2]),
        None,
    )
    country = next((r for r in s["regions"] if r["level"] == "riket"), None)
    cv = county["values"][i] if county else None
    rv = country["values"][i] if country else None
    parts = {
        "source": s["source_name"],
        "indicator": s["label"],
        "region": municipality["name"],
        "year": years[i],
        "value": _fmt(own[i]),
        "county": county["name"] if county else "",
        "county_value": _fmt(cv) if cv is not None else "",
        "country_value": _fmt(rv) if rv is not None else "",
    }
    if cv is not None and rv is not None:
        text = _(
            "According to %(source)s (%(indicator)s), %(region)s was at %(value)s in %(year)s, "
            "against %(county_value)s in %(county)s and %(country_value)s in the whole country."
        )
    elif cv is not None:
        text = _(
            "According to %(source)s (%(indicator)s), %(region)s was at %(value)s in %(year)s, "
            "against %(county_value)s in %(county)s."
        )
    elif rv is not None:
        text = _(
            "According to %(source)s (%(indicator)s), %(region)s was at %(value)s in %(year)s, "
            "against %(country_value)s in the whole country."
        )
    else:
        text = _(
            "According to %(source)s (%(indicator)s), %(region)s was at %(value)s in %(year)s."
        )
    sentence = text % parts
    if i > 0 and own[i - 1] is not None:
        sentence += " " + _("The year before (%(year)s): %(value)s.") % {
            "year": years[i - 1],
            "value": _fmt(own[i - 1]),
        }
    if s.get("is_example"):
        sentence = _("Example data, not real figures:") + " " + sentence
    return sentence


def comparison_lines(fig: dict[str, Any]) -> list[str]:
    """Plain sentences for the stored comparison (older drafts have none: no lines)."""
    ref = fig.get("reference")
    if not ref or not ref.get("series"):
        return []
    lines = [_("Comparison with reference data") + ":"]
    for s in ref["series"]:
        for region in s["regions"]:
            if region["level"] != "kommun":
                continue
            sentence = _sentence(s, region)
            if sentence:
                lines.append("- " + sentence)
    if len(lines) == 1:
        return []
    lines.append(
        _(
            "Reference figures are as published by their source; differences between places "
            "are not tested here."
        )
    )
    lines.append("")
    return lines


def source_entries(fig: dict[str, Any]) -> list[dict[str, str]]:
    """Suggested source-inventory lines for the series the comparison uses."""
    entries = []
    for s in (fig.get("reference") or {}).get("series", []):
        years = s["years"]
        span = f"{years[0]}–{years[-1]}" if len(years) > 1 else str(years[0])
        if s["source"] == ReferenceSource.BRA:
            limits = _(
                "Offences reported to the police, counted where the offence took place; not all "
                "crime is reported, and municipal figures before 2015 are less complete."
            )
        else:
            limits = _("Published figures for whole municipalities, counties and the country.")
        if s.get("is_example"):
            limits = _("Example data, not real figures.") + " " + limits
        entries.append(
            {
                "name": f"{s['source_name']}: {s['label']}"[:200],
                "reason": _(
                    "Reference data for comparison with the county and the country, %(years)s."
                )
                % {"years": span},
                "limitations": limits,
            }
        )
    return entries
