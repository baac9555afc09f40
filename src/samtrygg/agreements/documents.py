"""The agreement as a Word (.docx) or PDF document, laid out like documents municipalities file.

Both builders render the same content (:func:`document_content`): a title page (parties,
period, registry number), then numbered sections — background and problem picture, prioritised
problems and causes, measurable goals with indicators, the citizen promises with their
activities, documentation and follow-up, and the signatures (an empty signature line for a party
that has not signed).

Rendering (fonts, blocks) is shared with the follow-up report in :mod:`samtrygg.documents`.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from samtrygg.agreements.models import Agreement
from samtrygg.documents import Block, PdfWriter, Section, docx_block, printable_tree
from samtrygg.plans.models import Activity


@dataclass
class Signatory:
    organisation: str
    signatory_role: str
    name: str
    role: str
    date: str

    @property
    def signed(self) -> bool:
        return bool(self.name)


@dataclass
class Content:
    title: str
    subtitle: str
    facts: list[tuple[str, str]]
    sections: list[Section]
    signatories: list[Signatory]


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


def document_content(agreement: Agreement, lang: str | None = None) -> Content:
    """What the document says, in ``lang`` (default: the site language, Swedish)."""
    with translation.override(lang or settings.LANGUAGE_CODE):
        return _content(agreement)


def _content(agreement: Agreement) -> Content:
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

    return Content(
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
    )


def _signature_heading() -> str:
    return _("Signatures")


def _labels() -> dict[str, str]:
    """Labels of the signature block (plain calls, so that makemessages finds them)."""
    return {
        "signed_by": _("Signed by"),
        "role": _("Role"),
        "date": _("Date"),
        "signature": _("Signature"),
        "name": _("Name in print"),
    }


# --- Word -----------------------------------------------------------------------------------


def build_docx(agreement: Agreement, lang: str | None = None) -> bytes:
    """The agreement as a Word document."""
    from docx import Document
    from docx.enum.text import WD_BREAK
    from docx.shared import Pt

    with translation.override(lang or settings.LANGUAGE_CODE):
        content = printable_tree(_content(agreement))
        doc = Document()
        doc.core_properties.title = content.title
        doc.styles["Normal"].font.size = Pt(11)
        doc.add_heading(content.title, level=0)
        doc.add_paragraph(content.subtitle)
        facts = doc.add_table(rows=0, cols=2)
        facts.style = "Table Grid"
        for label, value in content.facts:
            cells = facts.add_row().cells
            cells[0].text, cells[1].text = label, value
        doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)

        number = 0
        for number, section in enumerate(content.sections, start=1):
            doc.add_heading(f"{number}. {section.heading}", level=1)
            for block in section.blocks:
                docx_block(doc, block)

        doc.add_heading(f"{number + 1}. {_signature_heading()}", level=1)
        lab = _labels()
        for s in content.signatories:
            doc.add_heading(s.organisation, level=2)
            if s.signed:
                doc.add_paragraph(
                    f"{lab['signed_by']}: {s.name}\n"
                    f"{lab['role']}: {s.role}\n"
                    f"{lab['date']}: {s.date}"
                )
            else:
                doc.add_paragraph(
                    f"{lab['signature']}: ______________________________\n"
                    f"{lab['name']}: ______________________________\n"
                    f"{lab['role']}: {s.signatory_role}\n"
                    f"{lab['date']}: ____________"
                )
        out = io.BytesIO()
        doc.save(out)
        return out.getvalue()


# --- PDF ------------------------------------------------------------------------------------


def build_pdf(
    agreement: Agreement,
    lang: str | None = None,
    *,
    compress: bool = True,
    unicode_font: bool = True,
) -> bytes:
    """The agreement as a PDF (A4). ``unicode_font=False`` forces the Latin-1 core font."""
    from fpdf.enums import XPos, YPos

    with translation.override(lang or settings.LANGUAGE_CODE):
        content = _content(agreement)
        writer = PdfWriter(content.title, compress=compress, unicode_font=unicode_font)
        pdf, para = writer.pdf, writer.para

        # Title page.
        pdf.add_page()
        pdf.ln(40)
        para(content.title, 22, "B", 4)
        para(content.subtitle, 13, "", 10)
        for label, value in content.facts:
            pdf.set_font(writer.family, "B", 10.5)
            pdf.cell(45, 7, writer.text(label))
            pdf.set_font(writer.family, "", 10.5)
            pdf.multi_cell(
                writer.width - 45, 7, writer.text(value), new_x=XPos.LMARGIN, new_y=YPos.NEXT
            )

        pdf.add_page()
        number = writer.sections(content.sections)
        heading = (f"{number + 1}. {_signature_heading()}", 15.0, "B", 4.0)
        lab = _labels()
        for i, s in enumerate(content.signatories):
            lines = _signature_lines(s, lab)
            # Each party's block stays on one page, and the heading with the first block.
            writer.keep_together(
                sum(writer.para_height(*line) for line in ([heading] if i == 0 else []) + lines)
            )
            if i == 0:
                para(*heading)
            for line in lines:
                para(*line)
        if not content.signatories:
            para(*heading)
        return writer.output()


def _signature_lines(s: Signatory, lab: dict[str, str]) -> list[tuple[str, float, str, float]]:
    """A party's signature block as PDF paragraphs: (text, size, style, gap after)."""
    if s.signed:
        return [
            (s.organisation, 12.0, "B", 1.0),
            (f"{lab['signed_by']}: {s.name}", 10.5, "", 0.0),
            (f"{lab['role']}: {s.role}", 10.5, "", 0.0),
            (f"{lab['date']}: {s.date}", 10.5, "", 6.0),
        ]
    return [
        (s.organisation, 12.0, "B", 9.0),  # room above the line to sign on
        ("_" * 40, 10.5, "", 0.0),
        (f"{lab['signature']} – {s.signatory_role}", 9.0, "", 3.0),
        (f"{lab['name']}: ________________________   {lab['date']}: __________", 10.5, "", 6.0),
    ]
