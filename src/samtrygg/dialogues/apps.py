from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DialoguesConfig(AppConfig):
    name = "samtrygg.dialogues"
    verbose_name = _("Dialogues")

    def ready(self) -> None:
        # What residents say, beside what was reported: this app's part of the drafted
        # lägesbild (the lägesbild sits below this app and cannot import it).
        from samtrygg.dialogues import voices as dialogue_voices
        from samtrygg.lagesbild import voices

        voices.register(dialogue_voices.SOURCE)
        voices.register_themes(dialogue_voices.raised_themes)
