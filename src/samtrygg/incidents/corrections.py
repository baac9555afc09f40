"""Correcting, withdrawing and restoring a report, each kept in the incident's history.

A reporter corrects or withdraws their own reports from the report form; a coordinator any
incident of the partnership, imported ones too (an import's rows are the partner's records, so
reporters do not change them). A withdrawn incident counts nowhere (the default manager leaves
it out) but stays readable, marked withdrawn, for its reporter and the coordinators; whoever may
withdraw it may restore it, because a report withdrawn by mistake should not have to be typed
again. Each change happens in one transaction on the locked row, and is refused when the row's
version has moved on since the page was opened, so two edits never silently overwrite each
other. Every change is one :class:`IncidentChange` with the fields' earlier and new values.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from samtrygg.gazetteer.models import Precision
from samtrygg.incidents.linking import link_incidents
from samtrygg.incidents.models import Incident, IncidentChange, Source
from samtrygg.partnerships.access import Access
from samtrygg.partnerships.models import Role
from samtrygg.sources.personal_data import find_personal_data

__all__ = [
    "Correction",
    "StaleEditError",
    "correct",
    "may_change",
    "restore",
    "withdraw",
]

# Ids only: the log never carries a report's text or place.
logger = logging.getLogger(__name__)


class StaleEditError(Exception):
    """Someone changed the incident after the page was opened; nothing was saved."""


def may_change(access: Access, user: Any, incident: Incident) -> bool:
    """Whether ``user`` may correct, withdraw or restore ``incident``.

    Coordinators: any incident of their partnership. Reporters: the reports they sent from the
    form themselves (not their organisation's imports). Nobody: an anonymised incident, whose
    details the retention period has already removed.
    """
    if incident.anonymised_at is not None or incident.partnership_id != access.partnership.pk:
        return False
    if access.is_coordinator:
        return True
    return (
        access.role == Role.REPORTER
        and incident.source == Source.FORM
        and incident.created_by_id is not None
        and incident.created_by_id == getattr(user, "pk", None)
    )


@dataclass(frozen=True)
class Correction:
    """The new values of a correction (from the form's cleaned data)."""

    category: Any
    occurred_from: datetime
    occurred_to: datetime
    time_band: str
    lon: float | None
    lat: float | None
    place: str
    assessment: int | None
    description: str
    sharing: str


def _values(incident: Incident) -> dict[str, Any]:
    """The correctable fields as JSON values, in the form the history keeps them."""
    return {
        "category": incident.category.name,
        # In UTC, so that the same moment in another zone is no change.
        "occurred_from": incident.occurred_from.astimezone(UTC).isoformat(),
        "occurred_to": incident.occurred_to.astimezone(UTC).isoformat(),
        "time_band": incident.time_band,
        "place": incident.place,
        "point": None if incident.lon is None else [incident.lon, incident.lat],
        "assessment": incident.assessment,
        "description": incident.description,
        "sharing": incident.sharing,
    }


def _locked(incident_id: int, version: int) -> Incident:
    incident = (
        Incident.all_objects.select_for_update().select_related("category").get(pk=incident_id)
    )
    if incident.version != version:
        raise StaleEditError
    return incident


@transaction.atomic
def correct(incident_id: int, version: int, actor: Any, new: Correction) -> IncidentChange | None:
    """Apply ``new`` to the incident if it is still at ``version``; None when nothing changed.

    Raises :class:`StaleEditError` when the incident changed since ``version`` (or was
    withdrawn: a withdrawn report is restored before it is corrected). A moved point is
    relinked to the areas that contain it.
    """
    if find_personal_data(new.description) or find_personal_data(new.place):
        # The form screens free text; this guards every other caller.
        raise ValueError("Free text with personal data must be refused before saving.")
    incident = _locked(incident_id, version)
    if incident.withdrawn_at is not None:
        raise StaleEditError
    before = _values(incident)
    moved = (incident.lon, incident.lat) != (new.lon, new.lat)
    incident.category = new.category
    incident.occurred_from, incident.occurred_to = new.occurred_from, new.occurred_to
    incident.time_band = new.time_band
    incident.lon, incident.lat = new.lon, new.lat
    incident.place = new.place
    incident.assessment = new.assessment
    incident.description = new.description
    incident.sharing = new.sharing
    after = _values(incident)
    changed = [k for k in before if before[k] != after[k]]
    if not changed:
        return None
    if moved:
        # A point set in the form is where the reporter says it happened, as in a new report.
        incident.precision = Precision.EXACT if new.lon is not None else Precision.NONE
    incident.version += 1
    incident.save()
    change = IncidentChange.objects.create(
        incident=incident,
        actor=actor,
        action=IncidentChange.Action.CORRECTED,
        before={k: before[k] for k in changed},
        after={k: after[k] for k in changed},
    )
    if moved:
        link_incidents(incident.partnership, incidents=Incident.all_objects.filter(pk=incident.pk))
    logger.info("Incident %s corrected (%s) by user %s.", incident.pk, ", ".join(changed), actor.pk)
    return change


def _set_withdrawn(
    incident_id: int, version: int, actor: Any, *, withdrawn: bool, reason: str
) -> IncidentChange:
    incident = _locked(incident_id, version)
    if (incident.withdrawn_at is not None) == withdrawn:
        # Someone else withdrew (or restored) it first: the page was out of date.
        raise StaleEditError
    incident.withdrawn_at = timezone.now() if withdrawn else None
    incident.version += 1
    incident.save(update_fields=["withdrawn_at", "version"])
    change = IncidentChange.objects.create(
        incident=incident,
        actor=actor,
        action=IncidentChange.Action.WITHDRAWN if withdrawn else IncidentChange.Action.RESTORED,
        reason=reason,
    )
    # Withdrawn: its area links go, so it counts in no area; restored: they come back.
    link_incidents(incident.partnership, incidents=Incident.all_objects.filter(pk=incident.pk))
    logger.info(
        "Incident %s %s by user %s.", incident.pk, change.action, getattr(actor, "pk", None)
    )
    return change


@transaction.atomic
def withdraw(incident_id: int, version: int, actor: Any, reason: str) -> IncidentChange:
    """Withdraw the incident with ``reason``: it no longer counts anywhere, and stays readable."""
    if find_personal_data(reason):
        raise ValueError("Free text with personal data must be refused before saving.")
    return _set_withdrawn(incident_id, version, actor, withdrawn=True, reason=reason)


@transaction.atomic
def restore(incident_id: int, version: int, actor: Any) -> IncidentChange:
    """Bring a withdrawn incident back into every count."""
    return _set_withdrawn(incident_id, version, actor, withdrawn=False, reason="")
