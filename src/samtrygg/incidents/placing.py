"""The review list of place names the gazetteer could not place, and placing them by hand.

An imported row with a place name but no coordinates that matches nothing in the partnership's
gazetteer is saved without a point (precision "none"). The coordinator places each such name
once; every incident with that name gets the point (precision "known place"), is linked to its
areas, and the answer is remembered for the next import (``gazetteer.PlacedName``).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Count

from samtrygg.gazetteer import services as gazetteer
from samtrygg.gazetteer.models import Entry, Precision
from samtrygg.incidents.linking import link_incidents
from samtrygg.incidents.models import Incident
from samtrygg.partnerships.dataversion import changed
from samtrygg.partnerships.models import Partnership
from samtrygg.sources.places import normalise_name


@dataclass(frozen=True)
class UnplacedName:
    """A place name without a point, as most often written, and how many incidents carry it."""

    name: str
    normalised: str
    count: int


def _unplaced(partnership: Partnership) -> Any:
    return Incident.objects.filter(partnership=partnership, precision=Precision.NONE).exclude(
        place=""
    )


def unplaced_names(partnership: Partnership) -> list[UnplacedName]:
    """The names waiting for a point, grouped by their normalised form, most incidents first."""
    spellings: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    rows = _unplaced(partnership).values_list("place").order_by().annotate(n=Count("pk"))
    for place, n in rows:
        spellings[normalise_name(place)][place] += n
    names = [
        UnplacedName(max(forms, key=lambda f: forms[f]), key, sum(forms.values()))
        for key, forms in spellings.items()
        if key
    ]
    return sorted(names, key=lambda u: (-u.count, u.normalised))


@transaction.atomic
def place_by_hand(
    partnership: Partnership,
    name: str,
    lon: float,
    lat: float,
    actor: Any,
    entry: Entry | None = None,
) -> int:
    """Give every unplaced incident called ``name`` (in any spelling that normalises alike) the
    point, link them to their areas, and remember the answer; returns how many were placed."""
    key = normalise_name(name)
    gazetteer.remember(partnership, name, lon, lat, actor, entry=entry)
    candidates = _unplaced(partnership).values_list("pk", "place")
    ids = [pk for pk, place in candidates if normalise_name(place) == key]
    if not ids:
        return 0
    Incident.objects.filter(pk__in=ids).update(lon=lon, lat=lat, precision=Precision.KNOWN_PLACE)
    changed(partnership.pk)  # an update sends no signal: the maps kept anywhere are out of date
    link_incidents(partnership, incidents=Incident.objects.filter(pk__in=ids))
    return len(ids)
