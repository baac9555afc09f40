"""Importing surveys and turning their rows into the tables the pages show.

1. :func:`read_survey` calls the library reader for the kind (:mod:`samtrygg.sources.surveys`).
2. :func:`import_survey` writes all of a file or nothing: a file with any problem is refused and
   every problem listed. Rows are keyed by (level, area, year, item, answer): the same file again
   changes nothing; a file with other figures updates those rows and says how many.
3. :func:`area_results` builds, per area and year, the answer shares with Wilson intervals, the
   indices with their formula and version, and the change between the last two years with its
   test; groups of fewer than k respondents and answer counts 0 < count < k are suppressed with
   the disclosure rule used for incidents (:mod:`samtrygg.analysis.disclosure`, one k setting).
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from samtrygg import uploads
from samtrygg.analysis import surveys as stats
from samtrygg.analysis.disclosure import suppress_series
from samtrygg.partnerships.models import Partnership
from samtrygg.reference.services import ReferenceImportSummary
from samtrygg.sources.errors import SourceError
from samtrygg.sources.surveys import SurveyRow, SurveyTable
from samtrygg.surveys.models import Survey, SurveyKind, SurveyResult

FIELDS = (
    "area_code", "item_text", "count", "n", "response_rate", "value", "low", "high", "unit",
)  # fmt: skip


def public_k() -> int:
    """The one small-count threshold k (setting SAMTRYGG_PUBLIC_K, default 5)."""
    return int(getattr(settings, "SAMTRYGG_PUBLIC_K", 5))


# The same summary as the reference-data import (created/updated/unchanged/skipped/errors);
# its ``series`` names the survey that was written.
SurveyImportSummary = ReferenceImportSummary


def read_survey(data: bytes, filename: str, kind: str) -> SurveyTable:
    """Read a survey file with the library reader for ``kind``."""
    from samtrygg.sources import surveys as readers

    if kind == SurveyKind.POLISEN:
        return readers.read_polisen_survey(data, filename)
    if kind == SurveyKind.OWN:
        return readers.read_long_table(data, filename)
    if kind == SurveyKind.NTU:
        return readers.read_ntu(data, filename)
    if kind == SurveyKind.SCB:
        return readers.read_scb_index(data)
    raise SourceError(_("Choose the kind of survey: polisen, scb, ntu or own."))


def import_survey(
    partnership: Partnership,
    data: bytes,
    filename: str,
    kind: str,
    actor: Any = None,
    *,
    is_example: bool = False,
) -> SurveyImportSummary:
    """Import every row of the file, or nothing when it has a problem (see module docstring)."""
    try:
        table = read_survey(data, filename, kind)
    except SourceError as exc:
        return SurveyImportSummary(errors=uploads.errors_as_dicts(uploads.problems(exc)))
    summary = SurveyImportSummary(
        skipped=sum(table.skipped.values()), skipped_reasons=dict(table.skipped)
    )
    if table.errors:
        summary.errors = uploads.errors_as_dicts(table.errors)
        return summary
    with transaction.atomic():
        survey = (
            Survey.objects.select_for_update().filter(partnership=partnership, kind=kind).first()
        )
        is_new = survey is None
        if survey is None:
            survey = Survey(partnership=partnership, kind=kind)
        existing = {} if is_new else {_key(r): r for r in survey.results.all()}
        new: list[SurveyResult] = []
        changed: list[SurveyResult] = []
        for row in table.rows:
            old = existing.get(_key(row))
            values = _values(row)
            if old is None:
                new.append(SurveyResult(**_identity(row), **values))
            elif any(getattr(old, k) != v for k, v in values.items()):
                for k, v in values.items():
                    setattr(old, k, v)
                changed.append(old)
        summary.created, summary.updated = len(new), len(changed)
        summary.unchanged = len(table.rows) - len(new) - len(changed)
        if not (is_new or new or changed):
            return summary  # The same file again: nothing changes, not even the date.
        survey.source_file = filename[:300]
        survey.is_example = is_example
        survey.imported_at = timezone.now()
        survey.imported_by = actor if getattr(actor, "is_authenticated", False) else None
        survey.save()
        summary.series.append(str(survey.get_kind_display()))
        for r in new:
            r.survey = survey
        SurveyResult.objects.bulk_create(new)
        SurveyResult.objects.bulk_update(changed, list(FIELDS))
        from samtrygg.plans.services import record

        record(
            partnership.pk, actor, survey, "imported", file=filename[:300],
            created=len(new), updated=len(changed),
        )  # fmt: skip
    return summary


def _key(row: SurveyRow | SurveyResult) -> tuple[str, str, int, str, str]:
    return (row.level, row.area[:200], int(row.year), row.item[:100], row.answer[:200])


def _identity(row: SurveyRow) -> dict[str, Any]:
    level, area, year, item, answer = _key(row)
    return {"level": level, "area": area, "year": year, "item": item, "answer": answer}


def _values(row: SurveyRow) -> dict[str, Any]:
    return {
        "area_code": row.area_code[:32], "item_text": row.item_text[:500], "count": row.count,
        "n": row.n, "response_rate": row.response_rate, "value": row.value, "low": row.low,
        "high": row.high, "unit": row.unit,
    }  # fmt: skip


@transaction.atomic
def delete_survey(survey: Survey, actor: Any) -> None:
    """Delete a survey with its results, and record who did it."""
    from samtrygg.plans.services import record

    record(survey.partnership_id, actor, survey, "deleted", kind=survey.kind)
    survey.delete()


# --------------------------------------------------------------------------- results


def areas(survey: Survey) -> list[dict[str, str]]:
    """The survey's areas (level and name), for the choice on the results page."""
    pairs = survey.results.values_list("level", "area").distinct().order_by("level", "area")
    return [{"level": level, "area": area} for level, area in pairs]


def _item_block(item: str, text: str, answers: list[SurveyResult], k: int) -> dict[str, Any]:
    """One item's answers with shares and Wilson intervals, small counts suppressed."""
    n = answers[0].n or 0
    counts = [a.count or 0 for a in answers]
    small_group = stats.is_small(n, k)
    # The item's n is published, so a hidden answer must not be recoverable from n minus the
    # others: the series is suppressed with its total, as incident counts are.
    published = suppress_series(counts, k=k).values if not small_group else [None] * len(counts)
    rows = []
    for a, shown in zip(answers, published, strict=True):
        cell: dict[str, Any] = {"answer": a.answer, "suppressed": shown is None}
        if shown is not None and n:
            p = stats.proportion(int(shown), n)
            # Percentages, as the pages show them.
            cell.update(count=shown, share=100 * p.share, low=100 * p.low, high=100 * p.high)
        rows.append(cell)
    return {"item": item, "text": text, "n": None if small_group else n, "answers": rows,
            "suppressed": small_group}  # fmt: skip


def _indices(by_item: dict[str, dict[str, int]], k: int) -> list[dict[str, Any]]:
    out = []
    for formula in stats.BUILTIN_FORMULAS.values():
        if not any(i in by_item for i in formula.items):
            continue
        result = stats.compute_index(formula, by_item)
        if result.value is None:
            continue
        out.append({"formula": formula, "result": result, "suppressed": result.n < k})
    return out


def area_results(
    survey: Survey, level: str, area: str, *, up_to: int | None = None
) -> dict[str, Any]:
    """Per year: response rate, items with shares and intervals, indices; and the changes.

    Answer surveys (trygghetsmätning, own) get shares and indices; estimate surveys (SCB, NTU)
    get their published values. Changes compare the last two years present (up to the year
    ``up_to`` when given, as a lägesbild of that year sees them).
    """
    k = public_k()
    results = survey.results.filter(level=level, area=area)
    if up_to is not None:
        results = results.filter(year__lte=up_to)
    rows = list(results.order_by("year", "item", "pk"))
    by_year: dict[int, list[SurveyResult]] = defaultdict(list)
    for r in rows:
        by_year[r.year].append(r)
    years = []
    for year, year_rows in sorted(by_year.items()):
        items: dict[str, list[SurveyResult]] = defaultdict(list)
        for r in year_rows:
            items[r.item].append(r)
        blocks = [
            _item_block(item, answers[0].item_text, answers, k)
            for item, answers in items.items()
            if answers[0].answer
        ]
        estimates = [r for r in year_rows if not r.answer]
        distributions = {
            item: {a.answer: a.count or 0 for a in answers}
            for item, answers in items.items()
            if answers[0].answer
        }
        rate = next((r.response_rate for r in year_rows if r.response_rate is not None), None)
        years.append({
            "year": year, "response_rate": rate, "items": blocks, "estimates": estimates,
            "indices": _indices(distributions, k), "distributions": distributions,
            "item_n": {item: answers[0].n or 0 for item, answers in items.items()},
        })  # fmt: skip
    changes = _changes(years[-2], years[-1], k) if len(years) >= 2 else None
    return {"years": years, "changes": changes, "k": k}


def _changes(before: dict[str, Any], after: dict[str, Any], k: int) -> dict[str, Any]:
    """Tests of the change from one year to the next: every answer share, every index."""
    shares = []
    for item, answers in after["distributions"].items():
        old = before["distributions"].get(item)
        if not old:
            continue
        n_before, n_after = before["item_n"][item], after["item_n"][item]
        for answer, count in answers.items():
            if answer not in old:
                continue
            cells = (old[answer], n_before, count, n_after)
            hidden = stats.is_small(n_before, k) or stats.is_small(n_after, k) or any(
                stats.is_small(c, k) for c in (old[answer], count)
            )  # fmt: skip
            entry: dict[str, Any] = {"item": item, "answer": answer, "suppressed": hidden}
            if not hidden and n_before and n_after:
                test = stats.compare_proportions(*cells)
                entry.update(
                    before=100 * test.before.share, after=100 * test.after.share,
                    difference=100 * test.difference, low=100 * test.low, high=100 * test.high,
                    p_value=test.p_value, significant=test.significant(),
                )  # fmt: skip
            shares.append(entry)
    indices = []
    old_idx = {i["formula"].key: i for i in before["indices"]}
    for idx in after["indices"]:
        prev = old_idx.get(idx["formula"].key)
        if prev is None:
            continue
        hidden = idx["suppressed"] or prev["suppressed"]
        indices.append({
            "formula": idx["formula"], "suppressed": hidden,
            "test": None if hidden else stats.compare_indices(prev["result"], idx["result"]),
        })  # fmt: skip
    estimates = []
    old_est = {e.item: e for e in before["estimates"]}
    for e in after["estimates"]:
        prev = old_est.get(e.item)
        if prev is None or prev.value is None or e.value is None:
            continue
        row: dict[str, Any] = {"item": e.item_text or e.item, "before": prev.value,
                               "after": e.value, "difference": e.value - prev.value}  # fmt: skip
        # Only a published interval allows a test; SCB's index comes without one.
        if (
            prev.low is not None and prev.high is not None
            and e.low is not None and e.high is not None
        ):  # fmt: skip
            row["test"] = stats.compare_estimates(
                (prev.value, prev.low, prev.high), (e.value, e.low, e.high)
            )
        estimates.append(row)
    return {
        "from": before["year"], "to": after["year"], "shares": shares, "indices": indices,
        "estimates": estimates,
    }  # fmt: skip
