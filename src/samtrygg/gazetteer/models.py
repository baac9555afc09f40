"""A partnership's gazetteer: names with points, and the answers coordinators gave by hand.

Imported incidents that name a place or an address but carry no coordinates are placed from it
(``samtrygg.gazetteer.services.place_rows``). The partnership's areas are known places too; they
are read from the areas app, not copied here.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from samtrygg.partnerships.models import Partnership


class Precision(models.TextChoices):
    """How precise an incident's point is, most precise first (``sources.places.PRECISIONS``)."""

    EXACT = "exact", _("Exact (coordinates in the row)")
    ADDRESS = "address", _("Address")
    STREET = "street", _("Street")
    KNOWN_PLACE = "known_place", _("Known place")
    MUNICIPALITY = "municipality", _("Municipality")
    NONE = "none", _("Not placed")


# Points precise enough to be analysed as points (hotspot cells of 250 m, near-repeat bands from
# 100 m): a street's middle or a municipality's centre is not where anything happened.
POINT_PRECISIONS = (Precision.EXACT, Precision.ADDRESS, Precision.KNOWN_PLACE)


class EntryKind(models.TextChoices):
    ADDRESS = "address", _("Address")
    STREET = "street", _("Street")
    KNOWN_PLACE = "known_place", _("Known place or alias")


class EntrySource(models.TextChoices):
    OSM = "osm", _("OpenStreetMap extract")
    HAND = "hand", _("Added by a coordinator")


class Entry(models.Model):
    """One name with a point: an address, a street, or a known place (or one of its aliases)."""

    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="gazetteer_entries"
    )
    name = models.CharField(_("name"), max_length=200)
    # samtrygg.sources.places.normalise_name(name), for lookups and the review list.
    normalised = models.CharField(max_length=200)
    kind = models.CharField(_("kind"), max_length=16, choices=EntryKind.choices)
    lon = models.FloatField()
    lat = models.FloatField()
    source = models.CharField(_("source"), max_length=8, choices=EntrySource.choices)
    filename = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects: models.Manager[Entry] = models.Manager()

    class Meta:
        ordering = ["kind", "name"]
        indexes = [models.Index(fields=["partnership", "normalised"])]
        verbose_name = _("gazetteer entry")
        verbose_name_plural = _("gazetteer entries")

    def __str__(self) -> str:
        return self.name

    @property
    def precision(self) -> str:
        """The precision a match on this entry gives."""
        return str(self.kind)


class PlacedName(models.Model):
    """A name a coordinator placed by hand; later imports with the same name use this point."""

    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="placed_names"
    )
    name = models.CharField(_("name"), max_length=200)
    normalised = models.CharField(max_length=200)
    lon = models.FloatField()
    lat = models.FloatField()
    entry = models.ForeignKey(
        Entry, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    placed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    placed_at = models.DateTimeField(auto_now=True)

    objects: models.Manager[PlacedName] = models.Manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["partnership", "normalised"], name="placed_name_unique")
        ]
        verbose_name = _("place placed by hand")
        verbose_name_plural = _("places placed by hand")

    def __str__(self) -> str:
        return self.name
