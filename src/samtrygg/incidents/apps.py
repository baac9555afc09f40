from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IncidentsConfig(AppConfig):
    name = "samtrygg.incidents"
    verbose_name = _("Incidents")

    def ready(self) -> None:
        # Registers this app's start-page tasks (samtrygg.partnerships.tasks).
        # Areas announce their changes; the incidents app links its incidents to them.
        from samtrygg.areas.signals import areas_changed
        from samtrygg.incidents import tasks  # noqa: F401
        from samtrygg.incidents.linking import link_changed_areas

        areas_changed.connect(link_changed_areas, dispatch_uid="incidents-link-areas")
