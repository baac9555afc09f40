"""The change log: what happened to a partnership's plans, documents and reference data.

Every app above this one (reference, plans, agreements, follow-up) writes here, next to the
membership history (:mod:`samtrygg.partnerships.services`).
"""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.db import models
from django.utils.translation import gettext_lazy as _

from samtrygg.partnerships.models import ChangeRecord

__all__ = ["describe", "record"]


def record(partnership_id: int, actor: Any, obj: models.Model, action: str, **details: Any) -> None:
    """Append a change record for ``obj``."""
    ChangeRecord.objects.create(
        partnership_id=partnership_id,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        object_type=obj._meta.model_name or "",
        object_id=obj.pk,
        action=action,
        details=details,
    )


# The words a coordinator reads in the change log for the codes the apps record.
ACTIONS = {
    "created": _("created"),
    "edited": _("changed"),
    "updated": _("changed"),
    "deleted": _("deleted"),
    "status": _("status changed"),
    "adopted": _("adopted"),
    "superseded": _("superseded"),
    "published": _("published"),
    "archived": _("archived"),
    "commented": _("commented"),
    "sent_for_review": _("sent to the partners for review"),
    "reopened": _("taken back to draft"),
    "signed": _("signed"),
    "fully_signed": _("signed by every party"),
    "new_version": _("new version made"),
    "progress": _("progress reported"),
    "imported": _("imported"),
    "paper_entered": _("a paper form typed in"),
}
DETAILS = {
    "party": _("party"),
    "agreement": _("agreement"),
    "by": _("by"),
    "based_on": _("based on"),
    "year": _("year"),
    "status": _("status"),
    "archived": _("archived documents (SHA-256)"),
    "signatures_withdrawn": _("signatures withdrawn"),
    "decision_body": _("decision body"),
    "version": _("version"),
    "progress": _("progress"),
    "hours": _("hours"),
    "cost": _("cost"),
    "name": _("name"),
    "point": _("point"),
    "previous_name": _("earlier name"),
    "previous_point": _("earlier point"),
}


def _value(value: Any) -> str:
    if isinstance(value, dict):
        return ", ".join(f"{k}: {_value(v)}" for k, v in value.items()) or "–"
    if isinstance(value, list | tuple):
        return ", ".join(_value(v) for v in value) or "–"
    if value is None or value == "":
        return "–"
    return str(value)


def describe(change: ChangeRecord) -> dict[str, str]:
    """One change in words: what it concerns, what happened, and the details as text."""
    try:
        model = apps.get_model(
            next(
                m._meta.app_label
                for m in apps.get_models()
                if m._meta.model_name == change.object_type
            ),
            change.object_type,
        )
        what = str(model._meta.verbose_name).capitalize()
    except (StopIteration, LookupError):
        what = change.object_type.replace("_", " ").capitalize()
    action = ACTIONS.get(change.action, change.action.replace("_", " "))
    details = "; ".join(
        f"{DETAILS.get(key, key.replace('_', ' '))}: {_value(value)}"
        for key, value in (change.details or {}).items()
    )
    return {"what": f"{what} #{change.object_id}", "action": str(action), "details": details}
