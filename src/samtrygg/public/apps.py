from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _


def _partnership_id(instance: Any) -> int | None:
    """The partnership a saved object belongs to, without extra queries where possible."""
    for path in (
        "partnership_id",
        "agreement.partnership_id",
        "party.agreement.partnership_id",
        "incident.partnership_id",
        "promise.agreement.partnership_id",
        "area.partnership_id",
        "measure.partnership_id",
        "walk.partnership_id",
        "observation.walk.partnership_id",
    ):
        value: Any = instance
        try:
            for part in path.split("."):
                value = getattr(value, part)
        except Exception:  # noqa: BLE001 - a missing relation just means "not this path"
            continue
        if isinstance(value, int):
            return value
    return None


def _changed(sender: Any, instance: Any, **kwargs: Any) -> None:
    from samtrygg.partnerships.dataversion import bump

    # A new or corrected report only moves counts; anything else may change what is published.
    publication = sender.__name__ != "Incident"
    if sender.__name__ == "Partnership":
        bump(instance.pk, publication=True)
        return
    pid = _partnership_id(instance)
    if pid is not None:
        bump(pid, publication=publication)


class PublicConfig(AppConfig):
    name = "samtrygg.public"
    verbose_name = _("Public page")

    def ready(self) -> None:
        """Bump the public page's data version when something it shows is saved.

        Incidents get no ``post_delete`` receiver: it would stop Django from deleting them in
        bulk (retention); cached pages expire instead (:mod:`samtrygg.public.published`).
        """
        from samtrygg.agreements.models import Agreement, Party, Promise, Signature
        from samtrygg.areas.models import Area
        from samtrygg.incidents.models import Category, Incident
        from samtrygg.partnerships.models import Organisation, Partnership
        from samtrygg.plans.models import Activity
        from samtrygg.walks.models import Action, Observation, SafetyWalk

        shown = (Agreement, Party, Promise, Signature, Area, Category, Activity, Organisation)
        for model in (*shown, SafetyWalk, Observation, Action):
            post_save.connect(_changed, sender=model, dispatch_uid=f"public-{model.__name__}")
            post_delete.connect(_changed, sender=model, dispatch_uid=f"public-del-{model.__name__}")
        for saved_only in (Incident, Partnership):
            post_save.connect(
                _changed, sender=saved_only, dispatch_uid=f"public-{saved_only.__name__}"
            )
