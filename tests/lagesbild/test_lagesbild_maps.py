"""The lägesbild's maps: drafted with the figures, frozen with adoption, small counts hidden."""

from __future__ import annotations

import json
import random
import re
import xml.etree.ElementTree as ET
from datetime import UTC, date, datetime, timedelta
from typing import Any

import shapely
from django.urls import reverse
from django.utils import translation
from shapely.geometry import box

from samtrygg.areas import services as area_services
from samtrygg.areas.models import Area
from samtrygg.incidents.models import Category, Incident, IncidentArea
from samtrygg.lagesbild import drafting, maps, services
from samtrygg.lagesbild.models import Lagesbild, SourceEntry
from tests.conftest import World

EVIL = "<script>alert(1)</script>"
SVG = "{http://www.w3.org/2000/svg}"


def _incidents(world: World) -> tuple[Area, Area]:
    """130 incidents in Centrum (hot in its middle) and three in an area with a hostile name."""
    evil = area_services.create_drawn_area(world.a, EVIL, box(14.54, 59.32, 14.56, 59.33), None)
    cat = Category.objects.create(partnership=world.a, name="Skadegörelse")
    start = datetime(2026, 1, 2, 12, tzinfo=UTC)
    rng = random.Random(7)
    # A hot cluster of about 3 × 3 cells of 250 m, and scattered incidents around it.
    spots = [(14.510 + 0.0013 * (i % 10), 59.328 + 0.0007 * (i // 10)) for i in range(90)]
    spots += [(rng.uniform(14.50, 14.53), rng.uniform(59.32, 59.34)) for _ in range(40)]
    spots += [(14.545, 59.325), (14.55, 59.327), (14.555, 59.322)]
    made = Incident.objects.bulk_create(
        Incident(
            partnership=world.a,
            organisation=world.school,
            category=cat,
            occurred_from=start + timedelta(hours=12 * i),
            occurred_to=start + timedelta(hours=12 * i + 1),
            lon=lon,
            lat=lat,
        )
        for i, (lon, lat) in enumerate(spots)
    )
    made = list(Incident.objects.filter(partnership=world.a).order_by("occurred_from"))
    IncidentArea.objects.bulk_create(
        [IncidentArea(incident=inc, area=world.drawn_area) for inc in made[:130]]
        + [IncidentArea(incident=inc, area=evil) for inc in made[130:]]
    )
    return world.drawn_area, evil


def _adopted(world: World) -> Lagesbild:
    doc = drafting.start_lagesbild(world.a, 2026, world.users["coordinator"])
    doc.other_information, doc.cause_analysis = "Trygghetsmätning.", "Mörka gångvägar."
    doc.save()
    SourceEntry.objects.create(lagesbild=doc, name="EST", used=True, reason="Alla rapporterar.")
    services.adopt_lagesbild(
        doc,
        world.users["coordinator"],
        decision_body="Kommunstyrelsen",
        decision_date=date(2026, 10, 15),
        diarienummer="KS 2026/12",
    )
    doc.refresh_from_db()
    return doc


def _svgs(content: bytes) -> list[ET.Element]:
    """The inline SVG maps of a page, parsed as XML (they must be well formed)."""
    text = content.decode()
    found = []
    for figure in text.split('<figure class="lagesbild-map">')[1:]:
        markup = figure[: figure.index("<figcaption>")].strip()
        found.append(ET.fromstring(markup))
    return found


def _titles(svg: ET.Element) -> list[str]:
    return [t.text or "" for t in svg.iter(f"{SVG}title")]


def test_disclosure_threshold_is_the_setting(world: World, settings: object) -> None:
    settings.SAMTRYGG_PUBLIC_K = 7  # type: ignore[attr-defined]
    assert maps.count_text(3, exact=False) == maps.count_text(6, exact=False)
    assert "7" in maps.count_text(6, exact=False)
    assert "7" in maps.count_text(7, exact=False)  # "7 incidents"


def test_drafting_stores_the_maps_in_metres(world: World) -> None:
    centrum, evil = _incidents(world)
    area_services.set_municipalities(world.a, ["1883"], None)
    doc = drafting.start_lagesbild(world.a, 2026, world.users["coordinator"])
    data = doc.figures["maps"]
    assert data["crs"] == 3006
    counts = {a["name"]: a["count"] for a in data["areas"]}
    # The municipality lies behind the own areas; it is not one of the mapped areas.
    assert counts == {"Centrum": 130, EVIL: 3}
    assert [b["name"] for b in data["background"]] == ["Karlskoga"]
    frame = box(*data["extent"])
    for row in data["areas"] + data["background"]:
        geom = shapely.from_wkt(row["wkt"])
        assert geom.area > 0 and frame.buffer(1).contains(geom)
    # The municipality is cut to the map, so it stays small.
    assert len(json.dumps(data)) < 4000


def test_drafting_stores_the_hot_cells_with_their_size(world: World) -> None:
    _incidents(world)
    doc = drafting.start_lagesbild(world.a, 2026, world.users["coordinator"])
    hot = doc.figures["hotspots"]
    data = doc.figures["maps"]
    assert hot["cells"], hot.get("note")
    assert data["cell_size"] == hot["cell_size"] == 250.0
    assert len(data["cells"]) == len(hot["cells"])
    for cell in data["cells"]:
        assert 6_500_000 < cell["y"] < 6_600_000  # SWEREF 99 TM northing near Karlskoga


def test_the_hot_cell_map_draws_one_square_per_cell(world: World) -> None:
    fig = {
        "period": {"start": "2025-10-01", "end": "2026-09-30"},
        "maps": {
            "extent": [0, 0, 2000, 1000],
            "areas": [{"name": "A", "count": 7, "wkt": "POLYGON ((0 0, 1000 0, 1000 1000, 0 0))"}],
            "background": [],
            "cells": [
                {"x": 125, "y": 125, "count": 3, "z": 3.1},
                {"x": 375, "y": 125, "count": 9, "z": 2.5},
            ],
            "cell_size": 250.0,
        },
    }
    with translation.override("en"):  # rendered outside a request: choose the language
        drawn = maps.render_maps(fig, exact=False)
        exact = ET.fromstring(maps.render_maps(fig, exact=True)["hotspots"])
    root = ET.fromstring(drawn["hotspots"])
    group = next(g for g in root.iter(f"{SVG}g") if g.get("class") == "map-hot")
    paths = list(group.iter(f"{SVG}path"))
    assert len(paths) == 2
    cell_titles = [p.find(f"{SVG}title").text for p in paths]  # type: ignore[union-attr]
    assert "fewer than 5 incidents" in cell_titles[0] and "3" not in cell_titles[0].split(",")[0]
    assert "9 incidents" in cell_titles[1]
    assert any("3 incidents" in t for t in _titles(exact))


def test_the_pages_show_both_maps_with_captions(world: World, as_user: Any) -> None:
    _incidents(world)
    doc = drafting.start_lagesbild(world.a, 2026, world.users["coordinator"])
    for name in ("lagesbild-detail", "lagesbild-print"):
        response = as_user("coordinator").get(reverse(name, args=["alfa", doc.pk]))
        assert response.status_code == 200
        html = response.content.decode()
        assert html.count('<figure class="lagesbild-map">') == 2
        assert "<figcaption>" in html and "Map: incidents per area" in html
        svgs = _svgs(response.content)
        assert svgs and all(s.get("role") == "img" for s in svgs)
        assert 'style="' not in "".join(ET.tostring(s, encoding="unicode") for s in svgs)


def test_area_names_are_escaped_in_the_map(world: World, as_user: Any) -> None:
    _incidents(world)
    doc = drafting.start_lagesbild(world.a, 2026, world.users["coordinator"])
    html = as_user("coordinator").get(reverse("lagesbild-detail", args=["alfa", doc.pk]))
    text = html.content.decode()
    assert EVIL not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;: 3 incidents" in text
    [areas, *_rest] = _svgs(html.content)
    assert any(t.startswith(EVIL) for t in _titles(areas))  # the name survives as text


def test_small_counts_are_hidden_from_viewers(world: World, as_user: Any) -> None:
    _incidents(world)
    doc = _adopted(world)
    url = reverse("lagesbild-detail", args=["alfa", doc.pk])
    coordinator = as_user("coordinator").get(url).content.decode()
    assert "alert(1)&lt;/script&gt;: 3 incidents" in coordinator
    for persona in ("viewer", "reporter"):
        page = as_user(persona).get(url)
        assert page.status_code == 200
        text = page.content.decode()
        # Three incidents are below k: protected, they show as 0 or as at least k, never 1..4
        # (which of the two depends on their record keys, i.e. on the database's ids).
        told = re.search(r"alert\(1\)&lt;/script&gt;: (no incidents|(\d+) incidents)", text)
        assert told is not None and (told.group(2) is None or int(told.group(2)) >= 5)
        assert ": 3 incidents" not in text
        assert "Its counts are protected as the tables' are." in text
        [areas, *_rest] = _svgs(page.content)
        legend = next(g for g in areas.iter(f"{SVG}g") if g.get("class") == "map-legend")
        labels = [t.text for t in legend.iter(f"{SVG}text")]
        assert not {"1", "2", "3", "4"} & set(labels)
        printed = as_user(persona).get(reverse("lagesbild-print", args=["alfa", doc.pk]))
        assert ": 3 incidents" not in printed.content.decode()


def test_an_adopted_lagesbild_keeps_its_maps_when_areas_change(world: World, as_user: Any) -> None:
    centrum, evil = _incidents(world)
    doc = _adopted(world)
    with translation.override("sv"):  # the page requests below switch the thread's language
        before = maps.render_maps(doc.figures, exact=True)
    url = reverse("lagesbild-print", args=["alfa", doc.pk])
    page_before = as_user("coordinator").get(url).content

    centrum.name = "Nytt namn"
    centrum.geometry = {
        "type": "Polygon",
        "coordinates": [[[15, 60], [15.1, 60], [15.1, 60.1], [15, 60]]],
    }
    centrum.save()
    evil.delete()
    Incident.objects.filter(partnership=world.a).delete()

    doc.refresh_from_db()
    with translation.override("sv"):
        assert maps.render_maps(doc.figures, exact=True) == before
    page_after = as_user("coordinator").get(url).content
    assert _svgs(page_after) and [ET.tostring(s) for s in _svgs(page_after)] == [
        ET.tostring(s) for s in _svgs(page_before)
    ]
    assert b"Nytt namn" not in page_after


def test_old_documents_without_maps_show_no_map(world: World, as_user: Any) -> None:
    _incidents(world)
    doc = _adopted(world)
    figures = {k: v for k, v in doc.figures.items() if k != "maps"}
    # As drafted before the maps (set behind the freeze: the base manager skips it).
    Lagesbild._base_manager.filter(pk=doc.pk).update(figures=figures)
    for name in ("lagesbild-detail", "lagesbild-print"):
        response = as_user("viewer").get(reverse(name, args=["alfa", doc.pk]))
        assert response.status_code == 200
        assert b"lagesbild-map" not in response.content and b"<svg" not in response.content


def test_a_partnership_without_areas_or_hot_cells_has_no_maps(world: World) -> None:
    Area.objects.filter(partnership=world.a).delete()
    doc = drafting.start_lagesbild(world.a, 2026, world.users["coordinator"])
    assert doc.figures["maps"] is None
    assert maps.render_maps(doc.figures, exact=True) == {}
