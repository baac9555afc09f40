"""The surveys' part of the drafted lägesbild: what residents say, per area, with its test.

Registered in :class:`samtrygg.surveys.apps.SurveysConfig` as a source of
:mod:`samtrygg.lagesbild.voices`. For every survey and area the latest year up to the
lägesbild's last year is kept: each index (formula and version, value, 95 % interval, n) or
published estimate, and the tested change from the year before it
(:func:`samtrygg.surveys.services.area_results`). Groups of fewer than k respondents are
stored without any number, so the suppression holds wherever the figures are shown.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.utils import formats
from django.utils.translation import gettext as _

from samtrygg.analysis import surveys as stats
from samtrygg.lagesbild.voices import VoiceSource
from samtrygg.partnerships.models import Partnership
from samtrygg.surveys import services
from samtrygg.surveys.models import Survey


def _num(value: float, digits: int = 2) -> float:
    return round(float(value), digits)


def _change(test: Any, before: int) -> dict[str, Any]:
    return {
        "from": before,
        "difference": _num(test.difference),
        "low": _num(test.low),
        "high": _num(test.high),
        "p": _num(test.p_value, 4),
        "significant": bool(test.significant()),
    }


def _index_rows(year: dict[str, Any], changes: dict[str, Any] | None) -> list[dict[str, Any]]:
    tested = {c["formula"].key: c for c in (changes or {}).get("indices", [])}
    rows = []
    for idx in year["indices"]:
        formula, result = idx["formula"], idx["result"]
        row: dict[str, Any] = {"key": formula.key, "label": formula.label}
        if idx["suppressed"]:
            row["suppressed"] = True
        else:
            row.update(
                value=_num(result.value), low=_num(result.low), high=_num(result.high), n=result.n
            )
        change = tested.get(formula.key)
        if change is not None:
            row["change"] = (
                {"suppressed": True}
                if change["suppressed"]
                else _change(change["test"], changes["from"])  # type: ignore[index]
            )
        rows.append(row)
    return rows


def _estimate_rows(
    year: dict[str, Any], changes: dict[str, Any] | None, k: int
) -> list[dict[str, Any]]:
    tested = {c["item"]: c for c in (changes or {}).get("estimates", [])}
    rows = []
    for e in year["estimates"]:
        if e.value is None:
            continue
        label = e.item_text or e.item
        row: dict[str, Any] = {"key": e.item, "label": label, "unit": e.unit}
        if e.n is not None and stats.is_small(e.n, k):
            rows.append({**row, "suppressed": True})
            continue
        row.update(value=_num(e.value, 1), n=e.n)
        if e.low is not None and e.high is not None:
            row.update(low=_num(e.low, 1), high=_num(e.high, 1))
        change = tested.get(label)
        if change is not None and "test" in change:
            row["change"] = _change(change["test"], changes["from"])  # type: ignore[index]
        rows.append(row)
    return rows


def figures(partnership: Partnership, first: date, last: date) -> dict[str, Any] | None:
    """Per survey and area: the latest year up to ``last.year``, its indices and their change."""
    k = services.public_k()
    surveys = []
    for survey in Survey.objects.of(partnership):
        areas = []
        for choice in services.areas(survey):
            results = services.area_results(
                survey, choice["level"], choice["area"], up_to=last.year
            )
            if not results["years"]:
                continue
            latest = results["years"][-1]
            changes = results["changes"]
            # Indices (own formulas) first, then the estimates a survey publishes itself.
            rows = _index_rows(latest, changes) + _estimate_rows(latest, changes, k)
            if not rows:
                continue
            areas.append(
                {
                    "level": choice["level"],
                    "area": choice["area"],
                    "year": latest["year"],
                    "previous": changes["from"] if changes else None,
                    "response_rate": latest["response_rate"],
                    "rows": rows,
                }
            )
        if areas:
            surveys.append(
                {
                    "kind": survey.kind,
                    "name": str(survey.get_kind_display()),
                    "is_example": survey.is_example,
                    "years": sorted({a["year"] for a in areas}),
                    "areas": areas,
                }
            )
    return {"k": k, "surveys": surveys} if surveys else None


def _n(value: float, digits: int | None = None) -> str:
    # Rounded first: number_format cuts digits off rather than rounding them.
    if digits is None:
        digits = 2 if abs(value) < 10 else 1
    return str(formats.number_format(round(value, digits), digits))


def _row_sentence(row: dict[str, Any]) -> str:
    if row.get("suppressed"):
        return _("%(label)s: hidden, too few respondents") % {"label": row["label"]}
    text = f"{row['label']} {_n(row['value'])}"
    if "low" in row:
        text += " " + _("(95 %% CI %(low)s–%(high)s)") % {
            "low": _n(row["low"]),
            "high": _n(row["high"]),
        }
    change = row.get("change")
    if change and not change.get("suppressed"):
        text += ", " + (
            _("a significant change of %(d)s since %(year)s (p = %(p)s)")
            if change["significant"]
            else _("no significant change since %(year)s (p = %(p)s)")
        ) % {
            "d": ("+" if change["difference"] > 0 else "") + _n(change["difference"]),
            "year": change["from"],
            "p": _n(change["p"], 3),
        }
    return text


def lines(data: dict[str, Any]) -> list[str]:
    """One sentence per survey and area."""
    out: list[str] = []
    for survey in data["surveys"]:
        out.append(
            survey["name"] + (" " + _("(example data)") if survey["is_example"] else "") + ":"
        )
        for area in survey["areas"]:
            parts = [_row_sentence(r) for r in area["rows"]]
            out.append(f"- {area['area']} {area['year']}: {'; '.join(parts)}.")
    return out


def source_entry(data: dict[str, Any]) -> dict[str, str]:
    """The surveys' line in the source inventory."""
    names = ", ".join(
        f"{s['name']} ({', '.join(str(y) for y in s['years'])})" for s in data["surveys"]
    )
    limits = _(
        "A sample of residents who answered; indices name the formula and version that made "
        "them, intervals are 95 %%, and groups with fewer than %(k)s respondents are not shown."
    ) % {"k": data["k"]}
    if any(s["is_example"] for s in data["surveys"]):
        limits = _("Example data, not real figures.") + " " + limits
    return {
        "name": (_("Safety surveys") + ": " + names)[:200],
        "reason": _("What residents say: safety and problem indices per area, with tested change."),
        "limitations": limits,
    }


SOURCE = VoiceSource(
    key="surveys", order=10, figures=figures, lines=lines, source_entry=source_entry
)
