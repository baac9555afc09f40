"""The yearly lägesbild (Lag (2023:196) § 4) and its source inventory.

An adopted lägesbild is frozen (:mod:`samtrygg.freezing`); problems and action plans in the
plans app point at the lägesbild they come from.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from samtrygg.freezing import freeze
from samtrygg.freezing.documents import ADOPTED_DOCUMENT, AdoptedDocument
from samtrygg.partnerships.models import Partnership


class Lagesbild(AdoptedDocument):
    """The yearly situational picture required by Lag (2023:196) § 4."""

    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="lagesbilder"
    )
    year = models.PositiveIntegerField(_("year"))
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period to"))
    # § 4 point 1, drafted by Samtrygg from the live picture and edited by people.
    extent = models.TextField(_("extent and development of crime and disorder"), blank=True)
    consequences = models.TextField(_("consequences"), blank=True)
    # § 4 point 2: surveys, dialogues, horizon scanning.
    other_information = models.TextField(_("other relevant information"), blank=True)
    # § 4 point 3.
    cause_analysis = models.TextField(_("analysis of causes"), blank=True)
    # The figures the draft was made from, frozen with the document.
    figures = models.JSONField(default=dict, blank=True)
    based_on = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="next_versions"
    )

    VERSIONS_WITHIN = ("year",)

    class Meta:
        # The tables keep the names they had in the plans app.
        db_table = "plans_lagesbild"
        ordering = ["-year", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "year", "version"], name="lagesbild_version_unique"
            )
        ]
        verbose_name = _("lägesbild")
        verbose_name_plural = _("lägesbilder")

    def __str__(self) -> str:
        return f"{self.title} ({self.year}, v{self.version})"


class SourceEntry(models.Model):
    """One line of the source inventory: a source used or left out, why, and what that limits."""

    lagesbild = models.ForeignKey(Lagesbild, on_delete=models.CASCADE, related_name="sources")
    name = models.CharField(_("source"), max_length=200)
    used = models.BooleanField(_("used"), default=True)
    reason = models.TextField(_("why"), blank=True)
    limitations = models.TextField(_("what it limits"), blank=True)

    class Meta:
        db_table = "plans_sourceentry"
        ordering = ["-used", "name"]


freeze(Lagesbild, ADOPTED_DOCUMENT)
