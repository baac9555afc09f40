"""The change log: what happened to a partnership's plans, documents and reference data.

Every app above this one (reference, plans, agreements, follow-up) writes here, next to the
membership history (:mod:`samtrygg.partnerships.services`).
"""

from __future__ import annotations

from typing import Any

from django.db import models

from samtrygg.partnerships.models import ChangeRecord

__all__ = ["record"]


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
