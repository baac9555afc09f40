from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AgreementsConfig(AppConfig):
    name = "samtrygg.agreements"
    verbose_name = _("Agreements")

    def ready(self) -> None:
        # The plans app asks, at deletion time, what a signed agreement forbids.
        from samtrygg.agreements import deletion

        deletion.register()
