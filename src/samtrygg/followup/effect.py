"""Effect follow-up of a measure: incidents before and after in its target and comparison areas.

1. The measure needs a target area and a start date; the comparison needs a comparison area.
2. The after-period runs from the start date for as many days as have passed (at most
   :data:`MAX_DAYS`); the before-period is equally long and ends the day before the start.
3. Incidents are counted through ``Incident.areas`` (an incident counts in an area it lies in),
   restricted to the categories of the computed indicators of the goals the measure serves
   (all categories when it has none).
4. The weighted displacement difference (:func:`samtrygg.analysis.interventions.wdd`) compares
   the change in the target area with the change in the comparison area; its estimate,
   confidence interval and p-value are put into a plain-language verdict.

Members who see aggregates only (viewers) get counts of 1 to K−1 hidden, and then no WDD either,
since the estimate would give the hidden counts away.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.utils import formats, timezone
from django.utils.translation import gettext as _

from samtrygg.analysis.interventions import WddResult, wdd
from samtrygg.incidents.models import Category, Incident
from samtrygg.partnerships.disclosure import public_k
from samtrygg.plans.models import Indicator, Measure

MAX_DAYS = 365
MIN_DAYS = 28  # fewer days than this say too little to follow up


@dataclass
class EffectFollowUp:
    """Before/after counts and the WDD of one measure; ``message`` says why one is missing."""

    available: bool
    message: str = ""
    before_start: date | None = None
    start: date | None = None
    after_end: date | None = None  # exclusive
    days: int = 0
    categories: list[str] = field(default_factory=list)
    treated_before: int | None = None
    treated_after: int | None = None
    control_before: int | None = None
    control_after: int | None = None
    hidden: bool = False
    result: WddResult | None = None
    verdict: str = ""

    @property
    def before_last_day(self) -> date | None:
        return self.start - timedelta(days=1) if self.start else None

    @property
    def last_day(self) -> date | None:
        return self.after_end - timedelta(days=1) if self.after_end else None


def _aware(d: date) -> datetime:
    return timezone.make_aware(datetime.combine(d, time.min))


def effect_categories(measure: Measure) -> list[Category]:
    """The categories of the computed indicators of the goals the measure serves."""
    ids = (
        Indicator.objects.filter(goal__measures=measure, category__isnull=False)
        .values_list("category_id", flat=True)
        .distinct()
    )
    return list(Category.objects.filter(pk__in=ids).order_by("name"))


def count_in_area(
    measure: Measure, area_id: int, start: date, end: date, category_ids: list[int]
) -> int:
    """Incidents of the measure's partnership in the area that began in [start, end)."""
    qs = Incident.objects.filter(
        partnership_id=measure.partnership_id,
        areas=area_id,
        occurred_from__gte=_aware(start),
        occurred_from__lt=_aware(end),
    )
    if category_ids:
        qs = qs.filter(category_id__in=category_ids)
    return qs.count()


def effect_follow_up(measure: Measure, today: date, exact: bool = True) -> EffectFollowUp:
    """Before/after counts and WDD for ``measure`` as of ``today`` (see the module docstring)."""
    if measure.target_area_id is None:
        return EffectFollowUp(False, _("Give the measure a target area to follow up its effect."))
    start = measure.start_date
    if start is None:
        return EffectFollowUp(False, _("Give the measure a start date to follow up its effect."))
    days = min((today - start).days, MAX_DAYS)
    if days < MIN_DAYS:
        return EffectFollowUp(
            False,
            _("The measure has run for less than %(n)s days; follow up its effect later.")
            % {"n": MIN_DAYS},
        )
    before_start, after_end = start - timedelta(days=days), start + timedelta(days=days)
    categories = effect_categories(measure)
    cat_ids = [c.pk for c in categories]
    out = EffectFollowUp(
        True,
        before_start=before_start,
        start=start,
        after_end=after_end,
        days=days,
        categories=[c.name for c in categories],
        treated_before=count_in_area(measure, measure.target_area_id, before_start, start, cat_ids),
        treated_after=count_in_area(measure, measure.target_area_id, start, after_end, cat_ids),
    )
    if measure.comparison_area_id is not None:
        out.control_before = count_in_area(
            measure, measure.comparison_area_id, before_start, start, cat_ids
        )
        out.control_after = count_in_area(
            measure, measure.comparison_area_id, start, after_end, cat_ids
        )
    counts = [
        c
        for c in (out.treated_before, out.treated_after, out.control_before, out.control_after)
        if c is not None
    ]
    k = public_k()  # the small-count threshold (docs/domain.md §11)
    if not exact and any(0 < c < k for c in counts):
        out.hidden = True
        out.treated_before = out.treated_after = out.control_before = out.control_after = None
        out.message = _(
            "Counts below %(k)s are not shown to your role, and the comparison with them."
        ) % {"k": k}
        return out
    if out.control_before is None or out.control_after is None:
        out.message = _("Give the measure a comparison area to test the change with WDD.")
        return out
    assert out.treated_before is not None and out.treated_after is not None
    out.result = wdd(out.treated_before, out.treated_after, out.control_before, out.control_after)
    out.verdict = verdict(out.result)
    return out


def _n(value: float) -> str:
    return formats.number_format(round(value, 1), decimal_pos=1 if value % 1 else 0)


def verdict(result: WddResult) -> str:
    """The WDD in plain words: which way, how much, and whether chance could explain it."""
    if result.variance == 0:
        return _("No incidents in either area in either period; there is nothing to compare.")
    ci = _("95 %% confidence interval %(low)s to %(high)s") % {
        "low": _n(result.ci_low),
        "high": _n(result.ci_high),
    }
    size = _n(abs(result.estimate))
    if result.ci_high < 0:
        text = _(
            "Incidents developed better in the target area than in the comparison area (about "
            "%(n)s fewer), more than chance alone would explain (%(ci)s)."
        )
    elif result.ci_low > 0:
        text = _(
            "Incidents developed worse in the target area than in the comparison area (about "
            "%(n)s more), more than chance alone would explain (%(ci)s)."
        )
    else:
        text = _(
            "No clear difference: the change in the target area compared with the comparison "
            "area (%(signed)s) is within what chance alone could give (%(ci)s)."
        )
    signed = ("+" if result.estimate > 0 else "") + _n(result.estimate)
    return (
        text % {"n": size, "ci": ci, "signed": signed}
        + " "
        + _(
            "A before/after comparison suggests, but does not prove, that the measure made the "
            "difference."
        )
    )
