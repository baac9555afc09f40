"""Reference data for the lägesbild: Kolada and Brå figures for the partnership's municipalities,
their county and the whole country, to compare the local picture with (Brå's guidance, § 4).

A :class:`ReferenceSeries` is one indicator from one source (e.g. Kolada's N07403); its
:class:`ReferenceValue` rows hold one value per region and year. Region codes are SCB's: 4 digits
for a kommun, 2 for a län and ``"00"`` for the whole country.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from samtrygg.partnerships.models import Partnership


class ReferenceSource(models.TextChoices):
    KOLADA = "kolada", "Kolada (RKA)"
    BRA = "bra", _("Brå (reported offences)")
    OTHER = "other", _("Other")


class RegionLevel(models.TextChoices):
    KOMMUN = "kommun", _("Municipality")
    LAN = "län", _("County")
    RIKET = "riket", _("Whole country")


class ReferenceSeriesQuerySet(models.QuerySet["ReferenceSeries"]):
    def of(self, partnership: Partnership) -> ReferenceSeriesQuerySet:
        """The partnership's series, with their values fetched in one more query."""
        return self.filter(partnership=partnership).prefetch_related("values")


class ReferenceSeries(models.Model):
    """One indicator from one source, imported by a partnership."""

    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="reference_series"
    )
    source = models.CharField(_("source"), max_length=16, choices=ReferenceSource.choices)
    indicator_code = models.CharField(_("indicator code"), max_length=100)
    name = models.CharField(_("name"), max_length=300)
    unit = models.CharField(_("unit"), max_length=100, blank=True)
    source_file = models.CharField(_("file"), max_length=300, blank=True)
    # Made-up figures (the demo); every page and drafted sentence says so.
    is_example = models.BooleanField(_("example data"), default=False)
    imported_at = models.DateTimeField(_("imported"))
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = ReferenceSeriesQuerySet.as_manager()

    class Meta:
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "source", "indicator_code"],
                name="reference_series_unique",
            )
        ]
        verbose_name = _("reference series")
        verbose_name_plural = _("reference series")

    def __str__(self) -> str:
        return self.name

    @property
    def label(self) -> str:
        """How the drafted text names the indicator: the KPI id with its name, or name and unit."""
        if self.source == ReferenceSource.KOLADA and self.indicator_code != self.name:
            return f"{self.indicator_code}, {self.name}"
        if self.unit and self.unit.casefold() not in self.name.casefold():
            return f"{self.name}, {self.unit}"
        return self.name

    @property
    def source_name(self) -> str:
        if self.source == ReferenceSource.KOLADA:
            return "Kolada"
        if self.source == ReferenceSource.BRA:
            return "Brå"
        return str(_("example data") if self.is_example else _("other sources"))


class ReferenceValue(models.Model):
    """One value of a series: a region in a year."""

    series = models.ForeignKey(ReferenceSeries, on_delete=models.CASCADE, related_name="values")
    region_code = models.CharField(_("region code"), max_length=8)
    region_name = models.CharField(_("region"), max_length=100)
    level = models.CharField(_("level"), max_length=8, choices=RegionLevel.choices)
    year = models.PositiveSmallIntegerField(_("year"))
    value = models.FloatField(_("value"))

    class Meta:
        ordering = ["region_code", "year"]
        constraints = [
            models.UniqueConstraint(
                fields=["series", "region_code", "year"], name="reference_value_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.region_name} {self.year}: {self.value}"
