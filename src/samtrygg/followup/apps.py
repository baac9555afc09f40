from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FollowupConfig(AppConfig):
    name = "samtrygg.followup"
    verbose_name = _("Follow-up")

    def ready(self) -> None:
        # Registers this app's start-page tasks (samtrygg.partnerships.tasks).
        from samtrygg.followup import tasks  # noqa: F401
