from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IncidentsConfig(AppConfig):
    name = "samtrygg.incidents"
    verbose_name = _("Incidents")

    def ready(self) -> None:
        # Registers this app's start-page tasks (samtrygg.partnerships.tasks).
        from samtrygg.incidents import tasks  # noqa: F401
