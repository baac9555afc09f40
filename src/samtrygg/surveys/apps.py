from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SurveysConfig(AppConfig):
    name = "samtrygg.surveys"
    verbose_name = _("Safety surveys")

    def ready(self) -> None:
        # What residents say, beside what was reported: this app's part of the drafted
        # lägesbild (the lägesbild sits below this app and cannot import it).
        from samtrygg.lagesbild import voices
        from samtrygg.surveys import voices as survey_voices

        voices.register(survey_voices.SOURCE)
