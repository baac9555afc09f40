from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PictureConfig(AppConfig):
    name = "samtrygg.picture"
    verbose_name = _("Situational picture")

    def ready(self) -> None:
        # Registers this app's start-page tasks (samtrygg.partnerships.tasks).
        from samtrygg.picture import tasks  # noqa: F401
