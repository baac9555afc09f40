from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AgreementsConfig(AppConfig):
    name = "samtrygg.agreements"
    verbose_name = _("Agreements")

    def ready(self) -> None:
        # Registers this app's start-page tasks (samtrygg.partnerships.tasks).
        # The plans app asks, at deletion time, what a signed agreement forbids.
        from samtrygg.agreements import (
            deletion,
            tasks,  # noqa: F401
        )

        deletion.register()
