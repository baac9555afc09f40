"""Citizen and staff dialogues (medborgardialog, medarbetardialog) as inputs to the picture.

The police's citizen-promise process builds the local problem picture from intelligence,
citizen and staff dialogues, municipal knowledge and statistics (docs/domain.md §5). A dialogue
is recorded as an input: when, in what form, who took part (groups and counts, no names), the
issues raised as coded themes with their places, and how each was answered. Themes can then be
counted per area and year ("raised in N dialogues").
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from samtrygg.areas.models import Area
from samtrygg.partnerships.models import Partnership


class DialogueKind(models.TextChoices):
    CITIZEN = "citizen", _("Citizen dialogue")
    STAFF = "staff", _("Staff dialogue")


class DialogueForm(models.TextChoices):
    MEETING = "meeting", _("Meeting")
    STREET = "street", _("Street dialogue")
    WEB = "web", _("Web")
    OTHER = "other", _("Other")


class Theme(models.TextChoices):
    """The coded themes: the situations residents and staff raise most often."""

    UNSAFE_PLACE = "unsafe_place", _("Unsafe place")
    LIGHTING = "lighting", _("Lighting and dark places")
    YOUTH = "youth", _("Young people gathering")
    DRUGS = "drugs", _("Drugs")
    VANDALISM = "vandalism", _("Vandalism and graffiti")
    LITTER = "litter", _("Litter and disorder")
    TRAFFIC = "traffic", _("Traffic and reckless driving")
    BURGLARY = "burglary", _("Burglary and theft")
    VIOLENCE = "violence", _("Violence and threats")
    POLICE = "police", _("Police presence and contact")
    OTHER = "other", _("Other")


class Dialogue(models.Model):
    """One dialogue held with residents or staff."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="dialogues")
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=16, choices=DialogueKind.choices)
    form = models.CharField(_("form"), max_length=16, choices=DialogueForm.choices)
    held_on = models.DateField(_("date"))
    area = models.ForeignKey(
        Area,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("area"),
    )
    # Group description → number of people, e.g. {"Boende": 40, "Unga": 12}; never names.
    participants = models.JSONField(_("participants"), default=dict, blank=True)
    participant_total = models.PositiveIntegerField(_("number of participants"), default=0)
    summary = models.TextField(_("summary"), blank=True, max_length=5000)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-held_on", "-pk"]
        verbose_name = _("dialogue")
        verbose_name_plural = _("dialogues")

    def __str__(self) -> str:
        return f"{self.title} ({self.held_on:%Y-%m-%d})"


class RaisedIssue(models.Model):
    """An issue raised in a dialogue: a coded theme, where, and how it was answered."""

    dialogue = models.ForeignKey(Dialogue, on_delete=models.CASCADE, related_name="issues")
    theme = models.CharField(_("theme"), max_length=20, choices=Theme.choices)
    area = models.ForeignKey(
        Area,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("area"),
    )
    place = models.CharField(_("place"), max_length=200, blank=True)
    description = models.TextField(_("what was said"), blank=True, max_length=2000)
    answer = models.TextField(_("how it was answered"), blank=True, max_length=2000)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("raised issue")
        verbose_name_plural = _("raised issues")

    def __str__(self) -> str:
        return self.get_theme_display()
