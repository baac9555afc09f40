"""Build a partnership's matcher, place imported rows, import OpenStreetMap extracts, remember
answers given by hand, and edit or delete known places and answers (each change recorded in the
partnership's change log).

There is no online geocoder: every name is matched here, on the server, against the
partnership's own gazetteer, so no text (and never a sensitive category's text) is sent anywhere.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

import polars as pl
from django.db import transaction
from shapely.geometry import shape

from samtrygg.areas.models import Area, AreaKind
from samtrygg.gazetteer.models import Entry, EntryKind, EntrySource, PlacedName, Precision
from samtrygg.partnerships import changelog
from samtrygg.partnerships.models import Partnership
from samtrygg.sources import geodata, osm
from samtrygg.sources.places import GazetteerEntry, PlaceMatcher, normalise_name

BATCH = 5000


def area_point(area: Area) -> tuple[float, float]:
    """An area's representative point (inside the area), as lon/lat."""
    point = shape(area.geometry).representative_point()
    return float(point.x), float(point.y)


def matcher_for(partnership: Partnership, *, include_placed: bool = True) -> PlaceMatcher:
    """The partnership's matcher: answers given by hand first, then its areas and known places
    (smallest area first when several share a name), municipalities, streets and addresses.

    ``include_placed=False`` leaves out the answers given by hand: their names come from
    incident logs, which not every reader may see."""
    entries: list[GazetteerEntry] = [
        GazetteerEntry(p.name, p.lon, p.lat, Precision.KNOWN_PLACE, key=("placed", p.pk))
        for p in PlacedName.objects.filter(partnership=partnership)
        if include_placed
    ]
    areas = sorted(
        Area.objects.filter(partnership=partnership),
        key=lambda a: (a.max_lon - a.min_lon) * (a.max_lat - a.min_lat),
    )
    for area in areas:
        kind = Precision.MUNICIPALITY if area.kind == AreaKind.MUNICIPALITY else "known_place"
        lon, lat = area_point(area)
        entries.append(GazetteerEntry(area.name, lon, lat, str(kind), key=("area", area.pk)))
    entries.extend(
        GazetteerEntry(e.name, e.lon, e.lat, e.kind, key=("entry", e.pk))
        for e in Entry.objects.filter(partnership=partnership).order_by("pk")
    )
    return PlaceMatcher(entries)


def place_rows(partnership: Partnership, frame: pl.DataFrame) -> pl.DataFrame:
    """Give rows without coordinates the point of their place, and every row a ``precision``.

    ``frame`` has the columns ``lon``, ``lat`` and ``place``; rows with both coordinates keep
    them (precision ``exact``), the others get the gazetteer's point and precision, or
    ``none`` when their place is empty or unknown (they wait in the review list).
    """
    has_point = pl.col("lon").is_not_null() & pl.col("lat").is_not_null()
    wanted = frame.filter(~has_point & (pl.col("place").fill_null("") != ""))
    names = wanted.get_column("place").unique().to_list() if wanted.height else []
    if names:
        answers = matcher_for(partnership).match_many(names)
        found = pl.DataFrame(
            {
                "place": names,
                "_lon": [a.lon if a else None for a in answers],
                "_lat": [a.lat if a else None for a in answers],
                "_precision": [a.precision if a else None for a in answers],
            },
            schema={
                "place": pl.String,
                "_lon": pl.Float64,
                "_lat": pl.Float64,
                "_precision": pl.String,
            },  # fmt: skip
        )
        frame = frame.join(found, on="place", how="left", maintain_order="left")
    else:
        frame = frame.with_columns(
            pl.lit(None, pl.Float64).alias("_lon"),
            pl.lit(None, pl.Float64).alias("_lat"),
            pl.lit(None, pl.String).alias("_precision"),
        )
    return frame.with_columns(
        pl.when(has_point).then(pl.col("lon")).otherwise(pl.col("_lon")).alias("lon"),
        pl.when(has_point).then(pl.col("lat")).otherwise(pl.col("_lat")).alias("lat"),
        pl.when(has_point)
        .then(pl.lit(Precision.EXACT.value))
        .otherwise(pl.col("_precision").fill_null(Precision.NONE.value))
        .alias("precision"),
    ).drop("_lon", "_lat", "_precision")


def precision_counts(frame: pl.DataFrame) -> dict[str, int]:
    """How many rows of a placed frame have each precision, most precise first."""
    counts = Counter(frame.get_column("precision").to_list())
    return {p.value: counts[p.value] for p in Precision if counts[p.value]}


@transaction.atomic
def import_osm(partnership: Partnership, data: bytes, filename: str) -> osm.OsmPlaces:
    """Replace the partnership's OpenStreetMap streets and addresses with those of a new
    extract; all or nothing (raises SourceError before anything changes)."""
    places = osm.read_osm_places(data, filename)
    Entry.objects.filter(partnership=partnership, source=EntrySource.OSM).delete()
    Entry.objects.bulk_create(
        [
            Entry(
                partnership=partnership,
                name=e.name[:200],
                normalised=normalise_name(e.name)[:200],
                kind=e.precision,
                lon=e.lon,
                lat=e.lat,
                source=EntrySource.OSM,
                filename=filename[:300],
            )
            for e in places.entries
        ],
        batch_size=BATCH,
    )
    return places


def add_known_place(partnership: Partnership, name: str, lon: float, lat: float) -> Entry:
    """A known place (or another name, an alias, for a place already known) added by hand."""
    return Entry.objects.create(
        partnership=partnership,
        name=name.strip()[:200],
        normalised=normalise_name(name)[:200],
        kind=EntryKind.KNOWN_PLACE,
        lon=lon,
        lat=lat,
        source=EntrySource.HAND,
    )


def remember(
    partnership: Partnership,
    name: str,
    lon: float,
    lat: float,
    actor: Any,
    entry: Entry | None = None,
) -> PlacedName:
    """Remember where a name lies, so that the next import places it without asking."""
    placed, _created = PlacedName.objects.update_or_create(
        partnership=partnership,
        normalised=normalise_name(name)[:200],
        defaults={
            "name": name.strip()[:200],
            "lon": lon,
            "lat": lat,
            "entry": entry,
            "placed_by": actor if getattr(actor, "is_authenticated", False) else None,
        },
    )
    return placed


def summary(partnership: Partnership) -> dict[str, int]:
    """How many entries of each kind the partnership's gazetteer holds."""
    counts = Counter(Entry.objects.filter(partnership=partnership).values_list("kind", flat=True))
    return {
        "addresses": counts[EntryKind.ADDRESS],
        "streets": counts[EntryKind.STREET],
        "known_places": counts[EntryKind.KNOWN_PLACE],
        "placed_by_hand": PlacedName.objects.filter(partnership=partnership).count(),
        "areas": Area.objects.filter(partnership=partnership).count(),
    }


def find_point(partnership: Partnership, name: str) -> tuple[float, float, Entry | None] | None:
    """The point of a name that the gazetteer holds exactly (in any case or spelling of å/ä/ö),
    with its entry when it is one; None when no entry, area or earlier answer has that name."""
    found = matcher_for(partnership).match(name)
    if found is None or found.score < 100:
        return None
    kind, pk = found.entry.key if isinstance(found.entry.key, tuple) else (None, None)
    entry = Entry.objects.filter(pk=pk).first() if kind == "entry" else None
    return found.lon, found.lat, entry


def inside_partnership(partnership: Partnership, lon: float, lat: float) -> bool:
    """Whether a point lies in the partnership's municipalities (in Sweden when none are set)."""
    municipalities = Area.objects.municipalities().filter(partnership=partnership)
    geoms = [shape(a.geometry) for a in municipalities] or list(geodata.swedish_municipalities())
    return bool(geodata.first_area_of_points([lon], [lat], geoms)[0] >= 0)


def entry_names(partnership: Partnership) -> list[str]:
    """Names a coordinator may pick: areas, known places and streets (addresses are too many)."""
    names = set(Area.objects.filter(partnership=partnership).values_list("name", flat=True))
    names |= set(
        Entry.objects.filter(partnership=partnership)
        .exclude(kind=EntryKind.ADDRESS)
        .values_list("name", flat=True)
    )
    return sorted(names, key=str.casefold)


# --------------------------------------------------------------------------- the map's search

SEARCH_LIMIT = 8
# Hand-added known places first (the partnership's own names), then areas, streets, addresses.
_SEARCH_ORDER = {"known_place": 0, "area": 1, "municipality": 2, "street": 3, "address": 4}


@dataclass(frozen=True)
class PlaceHit:
    """One answer of the map's place search: a name, what kind of name it is, and its point."""

    name: str
    kind: str  # "known_place", "area", "municipality", "street" or "address"
    lon: float
    lat: float


def _closeness(normalised: str, key: str) -> int:
    """0 for the same name, 1 when the name starts with the text, 2 for a later word, else 3."""
    if normalised == key:
        return 0
    if normalised.startswith(key):
        return 1
    return 2 if f" {key}" in normalised else 3


def search_places(
    partnership: Partnership, text: str, *, include_placed: bool, limit: int = SEARCH_LIMIT
) -> list[PlaceHit]:
    """Names in the partnership's gazetteer that contain ``text``, best first.

    1. The text is normalised as imports are (case, å/ä/ö, abbreviations: "storg. 12" finds
       "Storgatan 12"); fewer than two letters or digits give nothing.
    2. Areas, known places, streets, addresses and (with ``include_placed``) the names placed by
       hand that contain it are ranked: the same name, then names starting with it, then names
       with a word starting with it; known places before areas, streets and addresses.
    3. When nothing contains it, the import's matcher (:func:`matcher_for`) may still know it
       (a misspelt street, a house letter the extract lacks) and gives its one answer.
    Only this partnership's names are read; nothing is sent anywhere.
    """
    key = normalise_name(text)
    if len(key.replace(" ", "")) < 2:
        return []
    found: list[tuple[tuple[int, int, str], str, str, Any]] = []
    areas = Area.objects.filter(partnership=partnership).only("pk", "name", "kind")
    for area in areas:
        name_key = normalise_name(area.name)
        if key in name_key:
            kind = "municipality" if area.kind == AreaKind.MUNICIPALITY else "area"
            rank = (_closeness(name_key, key), _SEARCH_ORDER[kind], area.name.casefold())
            found.append((rank, area.name, kind, area.pk))
    # An extract holds tens of thousands of addresses: names starting with the text are read
    # first (the same name sorts first among them), then a bounded number of the others.
    entries = Entry.objects.filter(partnership=partnership)
    starting = entries.filter(normalised__startswith=key).order_by("normalised", "pk")
    inside = entries.filter(normalised__contains=key).exclude(normalised__startswith=key)
    for part in (starting[: limit * 25], inside.order_by("normalised", "pk")[: limit * 5]):
        for entry in part:
            closeness = _closeness(entry.normalised, key)
            rank = (closeness, _SEARCH_ORDER[entry.kind], entry.name.casefold())
            found.append((rank, entry.name, entry.kind, (entry.lon, entry.lat)))
    if include_placed:
        placed = PlacedName.objects.filter(partnership=partnership, normalised__contains=key)
        for p in placed.order_by("normalised")[: limit * 5]:
            rank = (_closeness(p.normalised, key), _SEARCH_ORDER["known_place"], p.name.casefold())
            found.append((rank, p.name, "known_place", (p.lon, p.lat)))
    hits: list[PlaceHit] = []
    seen: set[str] = set()
    for _rank, name, kind, where in sorted(found, key=lambda f: f[0]):
        if normalise_name(name) in seen:
            continue
        seen.add(normalise_name(name))
        if isinstance(where, tuple):
            lon, lat = where
        else:  # an area: its representative point, computed only for the areas shown
            lon, lat = area_point(Area.objects.get(pk=where))
        hits.append(PlaceHit(name, kind, lon, lat))
        if len(hits) == limit:
            break
    if not hits:
        match = matcher_for(partnership, include_placed=include_placed).match(text)
        if match is not None:
            source = match.entry.key[0] if isinstance(match.entry.key, tuple) else ""
            kind = str(match.precision)
            if source == "area" and kind != Precision.MUNICIPALITY:
                kind = "area"
            hits.append(PlaceHit(match.entry.name, kind, match.lon, match.lat))
    return hits


def _point(lon: float, lat: float) -> str:
    return f"{lat:.5f}, {lon:.5f}"


@transaction.atomic
def edit_known_place(entry: Entry, name: str, lon: float, lat: float, actor: Any) -> bool:
    """Rename or move a known place (or alias) added by hand; False when nothing changed.

    Incidents placed from it earlier keep their points: the change applies to later imports and
    reports. Recorded in the partnership's change log with the earlier name and point.
    """
    locked = Entry.objects.select_for_update().get(pk=entry.pk)
    before = (locked.name, _point(locked.lon, locked.lat))
    locked.name, locked.normalised = name.strip()[:200], normalise_name(name)[:200]
    locked.lon, locked.lat = lon, lat
    after = (locked.name, _point(lon, lat))
    if before == after:
        return False
    locked.save(update_fields=["name", "normalised", "lon", "lat"])
    details: dict[str, str] = {"name": locked.name}
    if before[0] != after[0]:
        details["previous_name"] = before[0]
    if before[1] != after[1]:
        details.update(previous_point=before[1], point=after[1])
    changelog.record(entry.partnership_id, actor, locked, "edited", **details)
    return True


@transaction.atomic
def delete_known_place(entry: Entry, actor: Any) -> None:
    """Delete a known place (or alias) added by hand; names placed by hand that pointed to it
    keep their own point. Recorded in the change log with its name and point."""
    changelog.record(
        entry.partnership_id, actor, entry, "deleted", name=entry.name,
        point=_point(entry.lon, entry.lat),
    )  # fmt: skip
    entry.delete()


@transaction.atomic
def move_placed_name(placed: PlacedName, lon: float, lat: float, actor: Any) -> bool:
    """Give a name placed by hand a new point; False when it is the same point."""
    locked = PlacedName.objects.select_for_update().get(pk=placed.pk)
    before, after = _point(locked.lon, locked.lat), _point(lon, lat)
    if before == after:
        return False
    locked.lon, locked.lat, locked.entry = lon, lat, None
    locked.placed_by = actor if getattr(actor, "is_authenticated", False) else None
    locked.save(update_fields=["lon", "lat", "entry", "placed_by", "placed_at"])
    changelog.record(
        placed.partnership_id, actor, locked, "edited", name=locked.name,
        previous_point=before, point=after,
    )  # fmt: skip
    return True


@transaction.atomic
def delete_placed_name(placed: PlacedName, actor: Any) -> None:
    """Forget where a name lies: the next import with that name puts it on the review list."""
    changelog.record(
        placed.partnership_id, actor, placed, "deleted", name=placed.name,
        point=_point(placed.lon, placed.lat),
    )  # fmt: skip
    placed.delete()
