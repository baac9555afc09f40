"""The tested changes: each category against the previous period and the same period last year.

The test is the product's one change test, :func:`samtrygg.analysis.changes.change_test` (the
Poisson E-test, exposures in days, Holm's correction over the categories), shared with the
lägesbild (docs/methods-reference.md §5).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.translation import gettext as _

from samtrygg.analysis.changes import ALPHA, change_test
from samtrygg.picture.counts import fmt_number, fmt_p


@dataclass(frozen=True)
class ChangeRow:
    """One tested change; the numbers are None where they are not tested."""

    label: str
    current: int
    baseline: int
    difference: float | None = None
    p: float | None = None
    p_adjusted: float | None = None
    verdict: str = ""
    flagged: bool = False
    direction: str = ""  # "up", "down" or ""

    @property
    def texts(self) -> dict[str, str]:
        def p_text(p: float | None) -> str:
            if p is None:
                return "–"
            return "< " + fmt_number(0.001, 3) if p < 0.001 else fmt_number(p, 3)

        return {
            "current": str(self.current),
            "baseline": str(self.baseline),
            "difference": "–" if self.difference is None else _signed(self.difference),
            "p": p_text(self.p),
            "p_adjusted": p_text(self.p_adjusted),
        }


@dataclass(frozen=True)
class ChangeTable:
    caption: str
    baseline_label: str
    rows: list[ChangeRow]


def verdict(difference: float, p: float, flagged: bool) -> tuple[str, str]:
    """Plain words for a tested change, and its direction."""
    if not flagged:
        return _("no reliable change"), ""
    if difference > 0:
        return _("increase, unlikely to be chance (p %(p)s)") % {"p": fmt_p(p)}, "up"
    return _("decrease, unlikely to be chance (p %(p)s)") % {"p": fmt_p(p)}, "down"


def change_table(
    caption: str,
    baseline_label: str,
    labels: Sequence[str],
    current: Sequence[int],
    baseline: Sequence[int],
    t_current: int,
    t_baseline: int,
) -> ChangeTable:
    """Each category's count against a baseline period.

    1. Every category with incidents in either period is tested with the Poisson E-test,
       exposures in days, and Holm's correction runs over those categories (a category without
       incidents in both periods is no test and stays out of the family):
       :func:`samtrygg.analysis.changes.change_test`, shared with the lägesbild.
    3. A change is called an increase or decrease only when the Holm-adjusted p < 0.05.
    4. The total of all categories is one test of its own, without correction.
    For people who see aggregates only the counts given are the published (perturbed) ones, so
    the tests, like everything else they see, are computed from published numbers only.
    """
    rows: list[ChangeRow] = []
    if labels:
        result = change_test(current, baseline, t_current, t_baseline, labels=list(labels))
        comp, tested, adjusted = result.comparison, result.tested, result.p_adjusted
        for i, label in enumerate(labels):
            if not tested[i]:
                rows.append(ChangeRow(label, 0, 0, 0.0, verdict=_("no incidents")))
            else:
                flagged = bool(result.changed[i])
                text, direction = verdict(comp.difference[i], adjusted[i], flagged)
                rows.append(
                    ChangeRow(
                        label,
                        int(comp.current[i]),
                        int(comp.baseline[i]),
                        float(comp.difference[i]),
                        float(comp.p_values[i]),
                        float(adjusted[i]),
                        text,
                        flagged,
                        direction,
                    )
                )
    tot_c, tot_b = int(sum(current)), int(sum(baseline))
    if True:  # the total is always tested (0 against 0 gives p = 1)
        total = change_test(tot_c, tot_b, t_current, t_baseline).comparison
        p = float(total.p_values[0])
        text, direction = verdict(total.difference[0], p, p < ALPHA)
        rows.append(
            ChangeRow(
                _("All categories"),
                tot_c,
                tot_b,
                float(total.difference[0]),
                p,
                None,
                text,
                p < ALPHA,
                direction,
            )
        )
    return ChangeTable(caption, baseline_label, rows)


def _signed(value: float) -> str:
    decimals = 0 if float(value).is_integer() else 1
    text = fmt_number(value, decimals)
    return "+" + text if value > 0 else text.replace("-", "−")
