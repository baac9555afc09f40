"""The årshjul: the year's deadlines of the partnership, month by month.

What it holds:

- the lägesbild: the end of each lägesbild's period and its follow-up date;
- the agreement: the end of its period (renewal) and its follow-up date (which is also the
  follow-up of its citizen promises);
- the citizen promises: the end of each promise's year;
- the survey season: :data:`SURVEY_SEASON_MONTHS` (August to October). It is a constant for
  now; it can become a per-partnership setting when a partnership surveys at another time;
- the EST quarterly analyses: the last day of each quarter (docs/domain.md §5: quarterly
  priorities);
- activity deadlines and the follow-up dates of action plans and goals.

Drafts of the lägesbild and the action plan are shown only to coordinators and analysts, like
the plans pages; superseded documents are left out.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.utils import formats
from django.utils.translation import gettext as _

from samtrygg.agreements.models import Agreement, AgreementStatus, Promise
from samtrygg.partnerships.models import Partnership
from samtrygg.plans.models import ActionPlan, Activity, DocumentStatus, Goal, Lagesbild

SURVEY_SEASON_MONTHS = (8, 9, 10)
QUARTER_ENDS = ((3, 31), (6, 30), (9, 30), (12, 31))


@dataclass(frozen=True)
class Entry:
    """One deadline; ``whole_month`` for seasons without a day."""

    date: date
    kind: str
    title: str
    whole_month: bool = False
    done: bool = False


@dataclass
class Month:
    number: int
    name: str
    entries: list[Entry]


def _documents(model: type, partnership: Partnership, include_drafts: bool) -> list:  # type: ignore[type-arg]
    qs = model.objects.filter(partnership=partnership).exclude(  # type: ignore[attr-defined]
        status=DocumentStatus.SUPERSEDED
    )
    return list(qs if include_drafts else qs.filter(status=DocumentStatus.ADOPTED))


def entries(partnership: Partnership, year: int, include_drafts: bool) -> list[Entry]:
    """Every deadline of ``year``, in date order."""
    out: list[Entry] = []
    for doc in _documents(Lagesbild, partnership, include_drafts):
        if doc.period_end and doc.period_end.year == year:
            out.append(Entry(doc.period_end, _("Lägesbild"), _("Period ends: %(t)s") % {"t": doc}))
        if doc.follow_up_date and doc.follow_up_date.year == year:
            out.append(
                Entry(doc.follow_up_date, _("Lägesbild"), _("Follow-up: %(t)s") % {"t": doc})
            )
    agreements = Agreement.objects.filter(partnership=partnership).exclude(
        status=AgreementStatus.SUPERSEDED
    )
    for ag in agreements:
        if ag.period_end and ag.period_end.year == year:
            out.append(
                Entry(
                    ag.period_end, _("Agreement"), _("Renew the agreement: %(t)s") % {"t": ag.title}
                )
            )
        if ag.follow_up_date and ag.follow_up_date.year == year:
            out.append(
                Entry(
                    ag.follow_up_date,
                    _("Citizen promises"),
                    _("Follow up the agreement and its promises: %(t)s") % {"t": ag.title},
                )
            )
    promises = Promise.objects.filter(agreement__in=agreements, year=year)
    for promise in promises:
        out.append(
            Entry(
                date(year, 12, 31),
                _("Citizen promises"),
                _("The promise year ends: %(t)s") % {"t": promise.focus_area},
            )
        )
    for month in SURVEY_SEASON_MONTHS:
        out.append(
            Entry(date(year, month, 1), _("Survey"), _("Survey season (safety survey)"), True)
        )
    for quarter, (month, day) in enumerate(QUARTER_ENDS, start=1):
        out.append(
            Entry(
                date(year, month, day),
                _("EST"),
                _("Quarterly EST analysis (quarter %(q)s)") % {"q": quarter},
            )
        )
    activities = Activity.objects.filter(
        measure__partnership=partnership, deadline__year=year
    ).exclude(status=Activity.Status.CANCELLED)
    for a in activities:
        assert a.deadline is not None
        out.append(Entry(a.deadline, _("Activity"), a.title, done=a.status == Activity.Status.DONE))
    for plan in _documents(ActionPlan, partnership, include_drafts):
        if plan.follow_up_date and plan.follow_up_date.year == year:
            out.append(
                Entry(plan.follow_up_date, _("Action plan"), _("Follow-up: %(t)s") % {"t": plan})
            )
    for goal in Goal.objects.filter(partnership=partnership, follow_up_date__year=year):
        assert goal.follow_up_date is not None
        out.append(Entry(goal.follow_up_date, _("Goal"), _("Follow-up: %(t)s") % {"t": goal}))
    return sorted(out, key=lambda e: (e.date, not e.whole_month, e.kind, e.title))


def months(partnership: Partnership, year: int, include_drafts: bool) -> list[Month]:
    """The twelve months of ``year`` with their deadlines (a month may have none)."""
    found = entries(partnership, year, include_drafts)
    return [
        Month(
            m,
            formats.date_format(date(year, m, 1), "F").capitalize(),
            [e for e in found if e.date.month == m],
        )
        for m in range(1, 13)
    ]
