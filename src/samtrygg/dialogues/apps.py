from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DialoguesConfig(AppConfig):
    name = "samtrygg.dialogues"
    verbose_name = _("Dialogues")
