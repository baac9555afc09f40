"""The action plan (åtgärdsplan) as a Word (.docx) or PDF document.

Both formats render the same content (:func:`document_content`): the facts (partnership,
version, status, the lägesbild it builds on, the follow-up date, the decision and, once
adopted, the SHA-256 checksum of what was adopted), the measures of the plan with their kind,
causes, goals and progress, and, for those who may read the measures' pages (everyone but
reporters, as on the plan's page), each measure with its activities (who answers for them,
start, deadline, status, progress) and the goals with their indicators (baseline and target).
The layout is Django-free in :mod:`samtrygg.rendering.documents`.
"""

from __future__ import annotations

from typing import Any

from django.utils import formats
from django.utils.translation import gettext as _

from samtrygg.partnerships import documents
from samtrygg.partnerships.documents import FORMATS as FORMATS  # the types offered here
from samtrygg.partnerships.documents import page_label
from samtrygg.plans import services
from samtrygg.plans.models import ActionPlan, Activity, Goal, Measure
from samtrygg.rendering.documents import Block, Document, Section


def _d(value: Any) -> str:
    return formats.date_format(value, "Y-m-d") if value else "–"


def _num(value: Any, unit: str = "") -> str:
    """A number as Swedish readers write it (decimal comma), with its unit."""
    if value is None:
        return "–"
    decimals = 0 if float(value).is_integer() else 1
    return f"{formats.number_format(value, decimal_pos=decimals)} {unit}".strip()


def _percent(value: float) -> str:
    return f"{formats.number_format(round(value), decimal_pos=0)} %"


def _paragraphs(text: str) -> list[Block]:
    parts = [p.strip() for p in text.replace("\r\n", "\n").split("\n\n") if p.strip()]
    return [Block("p", p) for p in parts]


def _overview(measures: list[Measure]) -> list[Block]:
    if not measures:
        return [Block("p", _("No measures in the plan yet."))]
    rows = [
        [
            m.title,
            f"{m.get_kind_display()}, {str(m.get_horizon_display()).lower()}",
            "; ".join(c.description for c in m.causes.all()) or "–",
            "; ".join(g.statement for g in m.goals.all()) or "–",
            _percent(services.measure_progress(m)),
        ]
        for m in measures
    ]
    header = [_("Measure"), _("Kind"), _("Causes"), _("Goals"), _("Progress")]
    return [Block("table", header=header, rows=rows)]


def _activity_rows(activities: list[Activity]) -> list[list[str]]:
    """The activities as rows, each sub-activity under its parent and marked with "–"."""
    children: dict[int | None, list[Activity]] = {}
    for a in activities:
        children.setdefault(a.parent_id, []).append(a)
    rows: list[list[str]] = []

    def add(parent: int | None, depth: int) -> None:
        for a in children.get(parent, []):
            owner = a.owner_organisation.name
            if a.owner_person:
                owner = f"{owner}, {a.owner_person}"
            rows.append(
                [
                    "– " * depth + a.title,
                    owner,
                    _d(a.start),
                    _d(a.deadline),
                    str(a.get_status_display()),
                    _percent(services.activity_progress(a)),
                ]
            )
            add(a.pk, depth + 1)

    add(None, 0)
    return rows


def _measure_blocks(measures: list[Measure]) -> list[Block]:
    blocks: list[Block] = []
    for m in measures:
        blocks.append(Block("h", m.title))
        blocks += _paragraphs(m.description)
        blocks.append(
            Block(
                "bullets",
                items=[
                    f"{_('Expected effect')}: {m.expected_effect or '–'}",
                    f"{_('Cost (SEK) and hours')}: {_num(m.cost)} · {_num(m.hours)}",
                    f"{_('Target and comparison area')}: "
                    f"{m.target_area.name if m.target_area else '–'} · "
                    f"{m.comparison_area.name if m.comparison_area else '–'}",
                    f"{_('Progress')}: {_percent(services.measure_progress(m))}",
                ],
            )
        )
        rows = _activity_rows(list(m.activities.select_related("owner_organisation")))
        if rows:
            header = [
                _("Activity"),
                _("Responsible"),
                _("Start"),
                _("Deadline"),
                _("Status"),
                _("Progress"),
            ]
            blocks.append(Block("table", header=header, rows=rows))
        else:
            blocks.append(Block("p", _("No activities yet.")))
    return blocks or [Block("p", _("No measures in the plan yet."))]


def _goal_blocks(measures: list[Measure]) -> list[Block]:
    goals: dict[int, Goal] = {}
    for m in measures:
        goals.update({g.pk: g for g in m.goals.all()})
    blocks: list[Block] = []
    for goal in sorted(goals.values(), key=lambda g: g.statement):
        blocks.append(Block("h", goal.statement))
        if goal.follow_up_date:
            blocks.append(Block("p", _("Follow-up date: %(d)s") % {"d": _d(goal.follow_up_date)}))
        rows = [
            [
                ind.name,
                f"{_num(ind.baseline_value, ind.unit)} ({_d(ind.baseline_date)})",
                f"{_num(ind.target_value, ind.unit)} ({_d(ind.target_date)})",
                ind.source or "–",
            ]
            for ind in goal.indicators.all()
        ]
        if rows:
            header = [_("Indicator"), _("Baseline (date)"), _("Target (date)"), _("Source")]
            blocks.append(Block("table", header=header, rows=rows))
        else:
            blocks.append(Block("p", _("No indicators yet.")))
    return blocks or [Block("p", _("No goals yet."))]


def document_content(plan: ActionPlan, *, reads_work: bool) -> Document:
    """What the document says, in the active language.

    ``reads_work`` is whether the reader may open the measures' pages (everyone but
    reporters); without it the document holds the plan's page only: the table of measures.
    The command line exports with ``reads_work=True`` (what a coordinator sees).
    """
    partnership = plan.partnership
    facts = [
        (_("Partnership"), partnership.name),
        (_("Version"), str(plan.version)),
        (_("Status"), str(plan.get_status_display())),
    ]
    if plan.lagesbild is not None:
        facts.append((_("Based on"), str(plan.lagesbild)))
    facts.append((_("Follow-up"), _d(plan.follow_up_date)))
    if plan.decision_date:
        facts.append(
            (
                _("Decision"),
                _("Adopted by %(body)s on %(date)s, registry number %(ref)s.")
                % {
                    "body": plan.decision_body,
                    "date": _d(plan.decision_date),
                    "ref": plan.diarienummer,
                },
            )
        )
    if plan.is_frozen:
        facts.append((_("Checksum (SHA-256)"), services.content_sha256(plan)))
    measures = list(
        plan.measures.prefetch_related("causes", "goals__indicators")
        .select_related("target_area", "comparison_area")
        .order_by("title")
    )
    sections = [Section(_("Measures in the plan"), _overview(measures), "measures")]
    if reads_work:
        sections.append(
            Section(_("Measures and activities"), _measure_blocks(measures), "activities")
        )
        sections.append(Section(_("Goals and indicators"), _goal_blocks(measures), "goals"))
    return Document(
        title=plan.title,
        subtitle=partnership.name,
        facts=facts,
        sections=sections,
        partnership=partnership.name,
        page_label=page_label(),
    )


def build(plan: ActionPlan, fmt: str, *, reads_work: bool, lang: str | None = None) -> bytes:
    """The action plan as ``fmt`` ("docx" or "pdf") in ``lang`` (default: the site language).

    Parameters
    ----------
    plan : ActionPlan
        The version to render.
    fmt : str
        "docx" or "pdf".
    reads_work : bool
        Whether the reader may read the measures, activities and indicators.
    lang : str, optional
        The document's language.

    Returns
    -------
    bytes
        The file.
    """
    return documents.build(lambda: document_content(plan, reads_work=reads_work), fmt, lang)


def filename(plan: ActionPlan, fmt: str) -> str:
    """The download's file name, e.g. ``atgardsplan-alfa-v2.pdf``."""
    return f"atgardsplan-{plan.partnership.slug}-v{plan.version}.{fmt}"
