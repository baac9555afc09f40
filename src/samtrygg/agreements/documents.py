"""The agreement as a Word (.docx) or PDF document, laid out like documents municipalities file.

Both builders render the same content (:func:`document_content`): a title page (parties,
period, registry number), then numbered sections — background and problem picture, prioritised
problems and causes, measurable goals with indicators, the citizen promises with their
activities, documentation and follow-up, and the signatures (an empty signature line for a party
that has not signed).

This module makes the content in the reader's language; the layout (fonts, blocks, title page,
signature block) is Django-free in :mod:`samtrygg.rendering.documents`, shared with the
follow-up report.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from samtrygg.agreements.models import Agreement
from samtrygg.partnerships.documents import page_label
from samtrygg.plans.models import Activity
from samtrygg.rendering.documents import (
    Block,
    Document,
    Section,
    Signatory,
    SignatureLabels,
    agreement_docx,
    agreement_pdf,
)


def _d(value: Any) -> str:
    if value is None:
        return "–"
    if hasattr(value, "tzinfo") and value.tzinfo is not None:
        value = timezone.localtime(value).date()
    return formats.date_format(value, "Y-m-d")


def _num(value: float | None, unit: str) -> str:
    if value is None:
        return "–"
    text = formats.number_format(value, decimal_pos=0 if float(value).is_integer() else 1)
    return f"{text} {unit}".strip()


def _paragraphs(text: str) -> list[Block]:
    parts = [p.strip() for p in text.replace("\r\n", "\n").split("\n\n") if p.strip()]
    return [Block("p", p) for p in parts] or [Block("p", _("(Not written yet.)"))]


def _activity_row(activity: Activity) -> list[str]:
    owner = activity.owner_organisation.name
    if activity.owner_person:
        owner = f"{owner} ({activity.owner_person})"
    return [activity.title, owner, _d(activity.deadline), str(activity.get_status_display())]


def document_content(agreement: Agreement, lang: str | None = None) -> Document:
    """What the document says, in ``lang`` (default: the site language, Swedish)."""
    with translation.override(lang or settings.LANGUAGE_CODE):
        return _content(agreement)


def _content(agreement: Agreement) -> Document:
    parties = list(agreement.parties.select_related("organisation", "signature"))
    facts = [
        (_("Partnership"), agreement.partnership.name),
        (_("Parties"), ", ".join(p.organisation.name for p in parties) or "–"),
        (_("Period"), f"{_d(agreement.period_start)} – {_d(agreement.period_end)}"),
    ]
    if agreement.diarienummer:
        facts.append((_("Registry number"), agreement.diarienummer))
    facts.append((_("Version"), f"{agreement.version} ({agreement.get_status_display()})"))

    problems = list(agreement.problems.prefetch_related("causes"))
    problem_blocks: list[Block] = []
    for problem in problems:
        problem_blocks.append(Block("h", problem.title))
        details = [
            f"{label}: {value}"
            for label, value in (
                (_("What"), problem.what),
                (_("Where"), problem.where),
                (_("When"), problem.when),
                (_("Who is affected"), problem.who_affected),
            )
            if value
        ]
        if details:
            problem_blocks.append(Block("bullets", items=details))
        causes = [c.description for c in problem.causes.all()]
        if causes:
            problem_blocks.append(Block("p", _("Probable causes:")))
            problem_blocks.append(Block("bullets", items=causes))
    if agreement.causes.strip():
        problem_blocks.append(Block("h", _("Analysis of causes")))
        problem_blocks += _paragraphs(agreement.causes)
    if not problem_blocks:
        problem_blocks = [Block("p", _("(No problems chosen yet.)"))]

    goal_blocks: list[Block] = []
    for goal in agreement.goals.prefetch_related("indicators"):
        goal_blocks.append(Block("h", goal.statement))
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
            goal_blocks.append(
                Block(
                    "table",
                    header=[_("Indicator"), _("Baseline (date)"), _("Target (date)"), _("Source")],
                    rows=rows,
                )
            )
        if goal.follow_up_date:
            goal_blocks.append(
                Block("p", _("Followed up: %(date)s") % {"date": _d(goal.follow_up_date)})
            )
    if not goal_blocks:
        goal_blocks = [Block("p", _("(No goals chosen yet.)"))]

    promise_blocks: list[Block] = []
    for promise in agreement.promises.prefetch_related(
        "activities__owner_organisation", "indicators"
    ):
        promise_blocks.append(Block("h", f"{promise.focus_area} ({promise.year})"))
        promise_blocks += _paragraphs(promise.text)
        activities = list(promise.activities.all())
        if activities:
            promise_blocks.append(
                Block(
                    "table",
                    header=[_("Activity"), _("Responsible"), _("Deadline"), _("Status")],
                    rows=[_activity_row(a) for a in activities],
                )
            )
        indicators = [i.name for i in promise.indicators.all()]
        if indicators:
            promise_blocks.append(
                Block("p", _("Indicators: %(names)s") % {"names": ", ".join(indicators)})
            )
    if not promise_blocks:
        promise_blocks = [Block("p", _("(No citizen promises yet.)"))]

    follow_blocks = [Block("h", _("How the work is documented"))]
    follow_blocks += _paragraphs(agreement.documentation)
    follow_blocks.append(Block("h", _("How follow-up is done")))
    follow_blocks += _paragraphs(agreement.follow_up)
    if agreement.follow_up_date:
        follow_blocks.append(
            Block("p", _("Next follow-up: %(date)s") % {"date": _d(agreement.follow_up_date)})
        )

    signatories = []
    for party in parties:
        signature = getattr(party, "signature", None)
        signatories.append(
            Signatory(
                organisation=party.organisation.name,
                signatory_role=party.signatory_role,
                name=signature.name if signature else "",
                role=signature.role if signature else "",
                date=_d(signature.signed_at) if signature else "",
            )
        )

    return Document(
        title=agreement.title,
        subtitle=_("Collaboration agreement with citizen promises"),
        facts=facts,
        sections=[
            Section(
                _("Background and problem picture"), _paragraphs(agreement.background), "background"
            ),
            Section(_("Prioritised problems and causes"), problem_blocks, "problems"),
            Section(_("Goals"), goal_blocks, "goals"),
            Section(_("Citizen promises"), promise_blocks, "promises"),
            Section(_("Documentation and follow-up"), follow_blocks, "follow_up"),
        ],
        signatories=signatories,
        partnership=agreement.partnership.name,
        page_label=page_label(),
    )


def _labels() -> SignatureLabels:
    """Labels of the signature block (plain calls, so that makemessages finds them)."""
    return SignatureLabels(
        heading=_("Signatures"),
        signed_by=_("Signed by"),
        role=_("Role"),
        date=_("Date"),
        signature=_("Signature"),
        name=_("Name in print"),
    )


def build_docx(agreement: Agreement, lang: str | None = None) -> bytes:
    """The agreement as a Word document."""
    with translation.override(lang or settings.LANGUAGE_CODE):
        return agreement_docx(_content(agreement), _labels())


def build_pdf(
    agreement: Agreement,
    lang: str | None = None,
    *,
    compress: bool = True,
    unicode_font: bool = True,
) -> bytes:
    """The agreement as a PDF (A4). ``unicode_font=False`` forces the Latin-1 core font."""
    with translation.override(lang or settings.LANGUAGE_CODE):
        return agreement_pdf(
            _content(agreement), _labels(), compress=compress, unicode_font=unicode_font
        )
