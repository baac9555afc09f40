from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LagesbildConfig(AppConfig):
    name = "samtrygg.lagesbild"
    verbose_name = _("Lägesbild")
