"""The protocol of a safety walk as Word (.docx) or PDF.

The protocol is what the partnership sends to the owners after the report-back meeting: the walk
(date, light, area, route, who took part as counts per group), its three meetings, every
observation as an action (the place, its cause, the proposal, the owner, priority, deadline,
status and the measure in the action plan it belongs to) and what the report-back decided.

No names are in it: participants are counts, and the people who recorded points are left out.
Photos are left out as well (they stay in Samtrygg, re-encoded without EXIF), so the document
carries no photo metadata. Both formats render the same content (:func:`protocol_content`)
through the Django-free :mod:`samtrygg.rendering.documents`.
"""

from __future__ import annotations

from datetime import date

from django.utils import formats
from django.utils.translation import gettext as _

from samtrygg.partnerships import documents
from samtrygg.partnerships.documents import page_label
from samtrygg.rendering.documents import Block, Document, Section
from samtrygg.walks.models import Action, Light, Observation, ParticipantGroup, SafetyWalk


def _date(value: date | None) -> str:
    """A date as the reader's language writes it in prose ("14 oktober 2026")."""
    return formats.date_format(value, "DATE_FORMAT") if value else "–"


def _owner(action: Action) -> str:
    if action.owner_organisation is not None:
        return action.owner_organisation.name
    if action.private_owner:
        # The protocol names a private owner as such: the partnership cannot decide for them.
        return _("%(owner)s (private owner)") % {"owner": action.private_owner}
    return "–"


def _place(observation: Observation) -> str:
    where = f"{observation.lat:.5f} N, {observation.lon:.5f} E"
    if observation.description:
        return f"{observation.description} ({where})"
    return where


def _walk_blocks(walk: SafetyWalk) -> list[Block]:
    blocks = [
        Block("p", _("Date: %(d)s") % {"d": _date(walk.walked_on)}),
        Block("p", _("Light: %(l)s") % {"l": Light(walk.light).label}),
        Block("p", _("Area: %(a)s") % {"a": walk.area.name if walk.area else "–"}),
        Block("p", _("Route: %(r)s") % {"r": walk.route or "–"}),
    ]
    labels = {g.value: str(g.label) for g in ParticipantGroup}
    rows = [
        [labels.get(group, group), str(int(count))]
        for group, count in walk.participants.items()
        if int(count) > 0
    ]
    if rows:
        rows.append([_("In all"), str(walk.participant_total)])
        blocks.append(Block("h", _("Participants")))
        blocks.append(Block("p", _("The number in each group; no names are recorded.")))
        blocks.append(Block("table", header=[_("Group"), _("Number")], rows=rows))
    else:
        blocks.append(Block("p", _("No participants recorded.")))
    return blocks


def _meeting_blocks(walk: SafetyWalk) -> list[Block]:
    rows = [
        [_("Introduction meeting"), _date(walk.introduction_on)],
        [_("The walk with a debrief"), _date(walk.walked_on)],
        [_("Report-back meeting"), _date(walk.report_back_on)],
    ]
    return [Block("table", header=[_("Meeting"), _("Date")], rows=rows)]


def _action_blocks(observations: list[Observation]) -> list[Block]:
    if not observations:
        return [Block("p", _("No points recorded."))]
    summary: list[list[str]] = []
    details: list[Block] = []
    for number, seen in enumerate(observations, start=1):
        action: Action | None = getattr(seen, "action", None)
        heading = _("Point %(n)s: %(kind)s, %(cause)s") % {
            "n": number,
            "kind": seen.get_kind_display(),
            "cause": seen.get_cause_display().lower(),
        }
        items = [
            _("Place: %(p)s") % {"p": _place(seen)},
            _("Cause: %(c)s") % {"c": seen.get_cause_display()},
            _("Proposed solution: %(p)s") % {"p": seen.proposal or "–"},
        ]
        if action is None:
            items.append(_("Action: not decided yet"))
            summary.append([str(number), "–", "–", "–", "–", _("No action yet")])
        else:
            items += [
                _("Action: %(a)s") % {"a": action.text},
                _("Owner: %(o)s") % {"o": _owner(action)},
                _("Priority: %(p)s") % {"p": action.get_priority_display()},
                _("Deadline: %(d)s") % {"d": _date(action.deadline)},
                _("Status: %(s)s") % {"s": action.get_status_display()},
                _("Measure in the action plan: %(m)s")
                % {"m": action.measure.title if action.measure else "–"},
            ]
            summary.append(
                [
                    str(number),
                    action.text,
                    _owner(action),
                    action.get_priority_display(),
                    _date(action.deadline),
                    action.get_status_display(),
                ]
            )
        details += [Block("h", heading), Block("bullets", items=items)]
    header = [
        _("No."),
        _("What will be done"),
        _("Owner"),
        _("Priority"),
        _("Deadline"),
        _("Status"),
    ]
    return [Block("table", header=header, rows=summary), *details]


def _report_back_blocks(walk: SafetyWalk) -> list[Block]:
    if walk.report_back_notes:
        return [Block("p", walk.report_back_notes)]
    if walk.report_back_on:
        return [Block("p", _("Nothing recorded from the report-back meeting yet."))]
    return [Block("p", _("The report-back meeting has not been held yet."))]


def protocol_content(walk: SafetyWalk) -> Document:
    """The protocol's content in the active language."""
    observations = list(
        walk.observations.select_related("action__owner_organisation", "action__measure")
        .defer("photo")
        .order_by("pk")
    )
    actions = [o.action for o in observations if getattr(o, "action", None) is not None]
    done = sum(1 for a in actions if a.status == Action.Status.DONE)
    facts = [
        (_("Partnership"), walk.partnership.name),
        (_("Date of the walk"), _date(walk.walked_on)),
        (_("Light"), str(Light(walk.light).label)),
        (_("Area"), walk.area.name if walk.area else "–"),
        (_("Participants"), str(walk.participant_total)),
        (_("Actions done"), _("%(done)s of %(all)s") % {"done": done, "all": len(actions)}),
    ]
    return Document(
        title=_("Protocol of the safety walk"),
        subtitle=f"{walk.title} – {walk.partnership.name}",
        facts=facts,
        sections=[
            Section(_("The walk"), _walk_blocks(walk), "walk"),
            Section(_("The three meetings"), _meeting_blocks(walk), "meetings"),
            Section(_("Observations and actions"), _action_blocks(observations), "actions"),
            Section(_("Decided at the report-back meeting"), _report_back_blocks(walk), "decided"),
        ],
        partnership=walk.partnership.name,
        page_label=page_label(),
    )


def build(walk: SafetyWalk, fmt: str, *, lang: str | None = None) -> bytes:
    """The walk's protocol as Word or PDF: the partnership and title on every page."""
    return documents.build(lambda: protocol_content(walk), fmt, lang)


def filename(walk: SafetyWalk, fmt: str) -> str:
    """The download's file name, e.g. ``trygghetsvandring-protokoll-2026-10-14.pdf``."""
    return f"trygghetsvandring-protokoll-{walk.walked_on:%Y-%m-%d}-{walk.pk}.{fmt}"
