"""The partnership's geography: its municipalities and its own sub-areas.

Geometries are stored as GeoJSON in WGS 84 (EPSG:4326) with a bounding box for quick filtering;
analysis projects them to SWEREF 99 TM. Plain JSON keeps SQLite and PostgreSQL alike without
a spatial extension.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from samtrygg.partnerships.models import Partnership


class AreaKind(models.TextChoices):
    MUNICIPALITY = "municipality", _("Municipality")
    REGSO = "regso", _("RegSO")
    DESO = "deso", _("DeSO")
    IMPORTED = "imported", _("Imported area")
    DRAWN = "drawn", _("Drawn area")


class AreaQuerySet(models.QuerySet["Area"]):
    def visible_to(self, user: Any) -> AreaQuerySet:
        """Areas of the partnerships the user belongs to."""
        return self.filter(partnership__in=Partnership.objects.visible_to(user))

    def municipalities(self) -> AreaQuerySet:
        """The partnership's municipalities."""
        return self.filter(kind=AreaKind.MUNICIPALITY)

    def sub_areas(self) -> AreaQuerySet:
        """Everything below the municipality: DeSO, RegSO, imported and drawn areas."""
        return self.exclude(kind=AreaKind.MUNICIPALITY)


class Area(models.Model):
    """A named area of a partnership: a municipality, a DeSO/RegSO, or its own area."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="areas")
    name = models.CharField(_("name"), max_length=200)
    code = models.CharField(_("code"), max_length=32, blank=True)
    kind = models.CharField(_("kind"), max_length=16, choices=AreaKind.choices)
    geometry = models.JSONField(_("geometry"), help_text="GeoJSON geometry in EPSG:4326")
    min_lon = models.FloatField()
    min_lat = models.FloatField()
    max_lon = models.FloatField()
    max_lat = models.FloatField()
    source = models.CharField(_("source"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = AreaQuerySet.as_manager()

    class Meta:
        ordering = ["kind", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "kind", "name"], name="area_name_unique"
            ),
        ]
        indexes = [models.Index(fields=["partnership", "kind"])]
        verbose_name = _("area")
        verbose_name_plural = _("areas")

    def __str__(self) -> str:
        return self.name
