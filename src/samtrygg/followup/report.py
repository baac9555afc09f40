"""The yearly follow-up report as Word (.docx) or PDF.

Both formats render the same content (:func:`report_content`): the goals with the lights of
their indicators and any corrective measure, the measures with their process and effect
follow-up, deadlines, and the activities by status. The PDF uses the Unicode font found by
:func:`samtrygg.rendering.documents.pdf_font_paths` (Latin-1 Helvetica as the fallback); the
layout is Django-free in :mod:`samtrygg.rendering.documents`.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.utils import formats, translation
from django.utils.translation import gettext as _

from samtrygg.followup import services
from samtrygg.followup.effect import EffectFollowUp
from samtrygg.partnerships.documents import page_label
from samtrygg.partnerships.models import Partnership
from samtrygg.rendering.documents import Block, Document, Section, report_docx, report_pdf


def _d(value: date | None) -> str:
    return formats.date_format(value, "Y-m-d") if value else "–"


def _num(value: float | Decimal | None, unit: str = "") -> str:
    if value is None:
        return "–"
    decimals = 0 if float(value).is_integer() else 1
    return f"{formats.number_format(value, decimal_pos=decimals)} {unit}".strip()


def _goal_blocks(data: services.Dashboard) -> list[Block]:
    blocks: list[Block] = []
    for goal, statuses in data.goals:
        blocks.append(Block("h", goal.statement))
        if goal.follow_up_date:
            blocks.append(Block("p", _("Follow-up date: %(d)s") % {"d": _d(goal.follow_up_date)}))
        rows = []
        for s in statuses:
            ind = s.indicator
            note = s.note.text if s.note else (_("Needs action") if s.needs_action else "")
            rows.append(
                [
                    ind.name,
                    f"{_num(ind.baseline_value, ind.unit)} ({_d(ind.baseline_date)})",
                    f"{_num(ind.target_value, ind.unit)} ({_d(ind.target_date)})",
                    f"{_num(s.current, ind.unit)} ({_d(s.as_of)})",
                    s.label,
                    note or "–",
                ]
            )
        if rows:
            header = [
                _("Indicator"),
                _("Baseline (date)"),
                _("Target (date)"),
                _("Current (date)"),
                _("Light"),
                _("Consequence and corrective measure"),
            ]
            blocks.append(Block("table", header=header, rows=rows))
        else:
            blocks.append(Block("p", _("No indicators yet.")))
    return blocks or [Block("p", _("No goals yet."))]


def _effect_blocks(effect: EffectFollowUp) -> list[Block]:
    if not effect.available:
        return [Block("p", effect.message)]
    period = _("Before: %(b1)s – %(b2)s; after: %(a1)s – %(a2)s (%(n)s days each).") % {
        "b1": _d(effect.before_start),
        "b2": _d(effect.before_last_day),
        "a1": _d(effect.start),
        "a2": _d(effect.last_day),
        "n": effect.days,
    }
    blocks = [Block("p", period)]
    if effect.categories:
        blocks.append(Block("p", _("Categories: %(c)s") % {"c": ", ".join(effect.categories)}))
    if not effect.hidden:
        rows = [[_("Target area"), _num(effect.treated_before), _num(effect.treated_after)]]
        if effect.control_before is not None:
            rows.append(
                [_("Comparison area"), _num(effect.control_before), _num(effect.control_after)]
            )
        blocks.append(Block("table", header=[_("Area"), _("Before"), _("After")], rows=rows))
    if effect.result is not None:
        r = effect.result
        blocks.append(
            Block(
                "p",
                _("WDD %(e)s (95 %% CI %(lo)s to %(hi)s, p = %(p)s).")
                % {
                    "e": _num(round(r.estimate, 1)),
                    "lo": _num(round(r.ci_low, 1)),
                    "hi": _num(round(r.ci_high, 1)),
                    "p": formats.number_format(r.p_value, decimal_pos=3),
                },
            )
        )
        blocks.append(Block("p", effect.verdict))
    if effect.message:
        blocks.append(Block("p", effect.message))
    return blocks


def _measure_blocks(data: services.Dashboard) -> list[Block]:
    blocks: list[Block] = []
    for mf in data.measures:
        p = mf.process
        blocks.append(Block("h", mf.measure.title))
        blocks.append(
            Block(
                "bullets",
                items=[
                    _("Progress: %(n)s %%") % {"n": _num(round(p.progress))},
                    ", ".join(f"{label}: {n}" for _s, label, n in p.by_status),
                    _("Overdue: %(o)s; on schedule: %(s)s; done: %(d)s of %(t)s")
                    % {"o": p.overdue, "s": p.on_schedule, "d": p.done, "t": p.total},
                    _("Hours: planned %(p)s, recorded on activities %(r)s")
                    % {"p": _num(p.planned_hours), "r": _num(p.recorded_hours)},
                    _("Cost (SEK): planned %(p)s, recorded on activities %(r)s")
                    % {"p": _num(p.planned_cost), "r": _num(p.recorded_cost)},
                ],
            )
        )
        blocks.append(Block("p", _("Effect follow-up:")))
        blocks += _effect_blocks(mf.effect)
    return blocks or [Block("p", _("No measures yet."))]


def _activity_blocks(partnership: Partnership, data: services.Dashboard) -> list[Block]:
    blocks: list[Block] = []
    header = [_("Activity"), _("Measure"), _("Responsible"), _("Deadline")]
    for label, activities in services.activities_by_status(partnership):
        blocks.append(Block("h", f"{label} ({len(activities)})"))
        if activities:
            rows = [
                [a.title, a.measure.title, a.owner_organisation.name, _d(a.deadline)]
                for a in activities
            ]
            blocks.append(Block("table", header=header, rows=rows))
    return blocks


def _deadline_blocks(data: services.Dashboard) -> list[Block]:
    def rows(activities: list[Any]) -> list[list[str]]:
        return [[a.title, a.measure.title, _d(a.deadline)] for a in activities]

    header = [_("Activity"), _("Measure"), _("Deadline")]
    blocks = [Block("h", _("Overdue activities"))]
    blocks.append(
        Block("table", header=header, rows=rows(data.overdue))
        if data.overdue
        else Block("p", _("None."))
    )
    blocks.append(Block("h", _("Due in the next %(n)s days") % {"n": services.UPCOMING_DAYS}))
    blocks.append(
        Block("table", header=header, rows=rows(data.upcoming))
        if data.upcoming
        else Block("p", _("None."))
    )
    if data.follow_ups:
        blocks.append(Block("h", _("Follow-up dates of goals and action plans")))
        blocks.append(
            Block(
                "table",
                header=[_("Date"), _("Kind"), _("Title")],
                rows=[[_d(f.date), f.kind, f.title] for f in data.follow_ups],
            )
        )
    return blocks


def report_content(
    partnership: Partnership, today: date, *, exact: bool, include_drafts: bool
) -> Document:
    data = services.dashboard(partnership, today, exact=exact, include_drafts=include_drafts)
    facts = [
        (_("Partnership"), partnership.name),
        (_("As of"), _d(today)),
        (_("Lights"), ", ".join(f"{label}: {n}" for _l, label, n in data.counts)),
        (_("Red without a corrective measure"), str(len(data.needing_action))),
    ]
    return Document(
        title=_("Follow-up report %(year)s") % {"year": today.year},
        subtitle=partnership.name,
        facts=facts,
        sections=[
            Section(_("Goals and their lights"), _goal_blocks(data), "goals"),
            Section(_("Measures: process and effect"), _measure_blocks(data), "measures"),
            Section(_("Deadlines"), _deadline_blocks(data), "deadlines"),
            Section(_("Activities by status"), _activity_blocks(partnership, data), "activities"),
        ],
        partnership=partnership.name,
        page_label=page_label(),
    )


def build_docx(
    partnership: Partnership,
    today: date,
    *,
    exact: bool = True,
    include_drafts: bool = True,
    lang: str | None = None,
) -> bytes:
    """The yearly follow-up report as a Word document."""
    with translation.override(lang or settings.LANGUAGE_CODE):
        return report_docx(
            report_content(partnership, today, exact=exact, include_drafts=include_drafts)
        )


def build_pdf(
    partnership: Partnership,
    today: date,
    *,
    exact: bool = True,
    include_drafts: bool = True,
    lang: str | None = None,
) -> bytes:
    """The yearly follow-up report as a PDF (A4)."""
    with translation.override(lang or settings.LANGUAGE_CODE):
        return report_pdf(
            report_content(partnership, today, exact=exact, include_drafts=include_drafts)
        )
