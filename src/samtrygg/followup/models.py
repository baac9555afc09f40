"""The one thing follow-up stores: what a red light means and what is done about it."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from samtrygg.plans.models import Indicator


class FollowUpNote(models.Model):
    """The consequence and corrective measure written for an indicator whose light was red."""

    indicator = models.ForeignKey(
        Indicator, on_delete=models.CASCADE, related_name="followup_notes"
    )
    light = models.CharField(_("light"), max_length=16)
    text = models.TextField(_("consequence and corrective measure"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created", "-pk"]
        verbose_name = _("follow-up note")
        verbose_name_plural = _("follow-up notes")

    def __str__(self) -> str:
        return f"{self.indicator} ({self.light}, {self.created:%Y-%m-%d})"
