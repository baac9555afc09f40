"""The lägesbild's two maps share one context layer and keep small counts in one class."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from samtrygg.rendering.maps import PALETTE, MapWords, area_map, hot_cell_map

SVG = "{http://www.w3.org/2000/svg}"

NORTH = "POLYGON ((100 1000, 1400 1000, 1400 1900, 100 1900, 100 1000))"
SOUTH = "POLYGON ((100 100, 2900 100, 2900 900, 100 900, 100 100))"
DATA = {
    "extent": [0, 0, 3000, 2000],
    "background": [{"name": "Kommun", "wkt": "POLYGON ((0 0, 3000 0, 3000 2000, 0 2000, 0 0))"}],
    "areas": [
        {"name": "Norr", "count": 3, "wkt": NORTH},
        {"name": "Söder <b>", "count": 40, "wkt": SOUTH},
    ],
    "cells": [{"x": 500, "y": 500, "count": 2, "z": 3.4}],
    "cell_size": 250.0,
}

WORDS = MapWords(
    area_title="Areas",
    area_legend_title="Incidents",
    hot_title="Hot cells",
    hot_description="1 hot cell",
    hot_legend="Hot cell",
    area_legend="Area",
    count=lambda n: "fewer than 5" if 0 < n < 5 else f"{n} incidents",
    class_label=lambda low, high: f"{low}+" if high is None else f"{low}-{high}",
    hot_cell=lambda told, z: f"{told}, z {z}",
)


def _groups(markup: str) -> dict[str, list[ET.Element]]:
    root = ET.fromstring(markup)
    return {g.get("class", ""): list(g.iter(f"{SVG}path")) for g in root.iter(f"{SVG}g")}


def test_both_maps_draw_the_background_and_the_outlines_alike() -> None:
    areas, hot = _groups(area_map(DATA, WORDS, 5) or ""), _groups(hot_cell_map(DATA, WORDS) or "")
    assert [p.get("d") for p in areas["map-background"]] == [
        p.get("d") for p in hot["map-background"]
    ]
    # The same outlines (the area map orders large areas first so small ones stay visible).
    assert sorted(p.get("d") or "" for p in areas["map-areas"]) == sorted(
        p.get("d") or "" for p in hot["map-outlines"]
    )
    assert len(hot["map-hot"]) == 1


def test_small_counts_are_told_only_as_fewer_than_k_and_names_are_escaped() -> None:
    markup = area_map(DATA, WORDS, 5) or ""
    assert "Norr: fewer than 5" in markup and "Norr: 3" not in markup
    assert "Söder &lt;b&gt;: 40 incidents" in markup
    fills = {p.findtext(f"{SVG}title"): p.get("fill") for p in _groups(markup)["map-areas"]}
    assert fills["Norr: fewer than 5"] == PALETTE[1]


def test_nothing_to_draw_gives_no_map() -> None:
    assert area_map({"areas": []}, WORDS, 5) is None
    assert hot_cell_map({"cells": [], "cell_size": 250}, WORDS) is None
