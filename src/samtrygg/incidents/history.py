"""An incident's history in words: who corrected, withdrew or restored it, when, what changed."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from samtrygg.incidents.models import Incident, IncidentChange, Sharing, TimeBand

# The history's field codes, named as the report form names them.
LABELS = {
    "category": _("Category"),
    "occurred_from": _("From"),
    "occurred_to": _("To"),
    "time_band": _("Time band"),
    "place": _("Place"),
    "point": _("Point on the map"),
    "assessment": _("Assessment"),
    "description": _("Description"),
    "sharing": _("Shared with"),
}


@dataclass
class Entry:
    """One change as shown on the incident's page."""

    at: datetime
    actor: str
    action: str
    reason: str
    fields: list[tuple[str, str, str]] = field(default_factory=list)


def _text(key: str, value: Any) -> str:
    if value is None or value == "":
        return "–"
    if key in ("occurred_from", "occurred_to"):
        moment = timezone.localtime(datetime.fromisoformat(value))
        return str(formats.date_format(moment, "Y-m-d H:i"))
    if key == "time_band":
        return str(TimeBand(value).label) if value in TimeBand.values else str(value)
    if key == "sharing":
        return str(Sharing(value).label) if value in Sharing.values else str(value)
    if key == "point":
        lon, lat = value
        return f"{lat:.5f}, {lon:.5f}"
    return str(value)


def _actor(change: IncidentChange) -> str:
    if change.actor is None:
        return str(_("deleted account"))
    actor = change.actor
    return str(actor.get_full_name() or actor.email or actor.get_username())


def describe(incident: Incident) -> list[Entry]:
    """The incident's changes, newest first, with each changed field's earlier and new value."""
    entries = []
    for change in IncidentChange.objects.filter(incident=incident).select_related("actor"):
        action = IncidentChange.Action(change.action).label
        entry = Entry(change.at, _actor(change), str(action), change.reason)
        for key in LABELS:
            if key in change.before or key in change.after:
                entry.fields.append(
                    (
                        str(LABELS[key]),
                        _text(key, change.before.get(key)),
                        _text(key, change.after.get(key)),
                    )
                )
        entries.append(entry)
    return entries


def last_withdrawal(incident: Incident) -> IncidentChange | None:
    """The change that withdrew the incident (for its reason), if it is withdrawn."""
    if incident.withdrawn_at is None:
        return None
    return (
        IncidentChange.objects.filter(incident=incident, action=IncidentChange.Action.WITHDRAWN)
        .order_by("-at", "-pk")
        .first()
    )
