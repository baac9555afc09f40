from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WalksConfig(AppConfig):
    name = "samtrygg.walks"
    verbose_name = _("Safety walks")

    def ready(self) -> None:
        # What residents say, beside what was reported: this app's part of the drafted
        # lägesbild (the lägesbild sits below this app and cannot import it).
        from samtrygg.lagesbild import voices
        from samtrygg.walks import voices as walk_voices

        voices.register(walk_voices.SOURCE)
