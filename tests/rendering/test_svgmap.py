"""Static SVG maps: well-formed, one path per polygon, classes, escaping and a true scale bar."""

from __future__ import annotations

import sys
import xml.etree.ElementTree as ET

import numpy as np
import pytest
from shapely.geometry import MultiPolygon, Point, box

from samtrygg.analysis.errors import InputError
from samtrygg.rendering import svgmap

SVG = "{http://www.w3.org/2000/svg}"


def _parse(markup: str) -> ET.Element:
    return ET.fromstring(markup)


def _layer_paths(root: ET.Element, name: str) -> list[ET.Element]:
    groups = [g for g in root.iter(f"{SVG}g") if g.get("class") == f"map-{name}"]
    assert len(groups) == 1
    return list(groups[0].iter(f"{SVG}path"))


def test_the_library_does_not_import_django() -> None:
    import subprocess

    code = "import samtrygg.rendering.svgmap, sys; print('django' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_output_is_well_formed_xml_with_one_path_per_polygon() -> None:
    squares = [box(0, 0, 1000, 1000), box(1000, 0, 2000, 1000), box(0, 1000, 2000, 2000)]
    two_parts = MultiPolygon([box(3000, 0, 3500, 500), box(3600, 0, 4000, 400)])
    with_hole = box(0, 3000, 1000, 4000).difference(box(400, 3400, 600, 3600))
    layer = svgmap.Layer(
        [*squares, two_parts, with_hole],
        fills=["#f0f0f0", "#fee6ce", "#a63603", "#fdae6b", "#e6550d"],
        titles=["A", "B", "C", "D", "E"],
        name="areas",
    )
    root = _parse(svgmap.render([layer], title="Five areas", description="For a test"))
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    paths = _layer_paths(root, "areas")
    assert len(paths) == 5
    assert [p.find(f"{SVG}title").text for p in paths] == ["A", "B", "C", "D", "E"]  # type: ignore[union-attr]
    # A multipolygon is one path with a sub-path per part; a hole is a second ring.
    assert paths[3].get("d", "").count("M") == 2
    assert paths[4].get("d", "").count("M") == 2
    assert [p.get("fill") for p in paths] == ["#f0f0f0", "#fee6ce", "#a63603", "#fdae6b", "#e6550d"]
    title = root.find(f"{SVG}title")
    assert title is not None and title.text == "Five areas"
    assert root.get("aria-labelledby") == title.get("id")
    assert root.get("aria-describedby") == root.find(f"{SVG}desc").get("id")  # type: ignore[union-attr]


def test_north_is_up_and_scales_are_equal() -> None:
    # A square 1000 m wide and 500 m high, drawn 500 px wide with no margin.
    extent = svgmap.MapExtent(0, 0, 1000, 500)
    north = box(0, 400, 100, 500)  # the north-west corner
    root = _parse(
        svgmap.render([svgmap.Layer([north], name="a")], title="t", extent=extent, width=500)
    )
    [path] = _layer_paths(root, "a")
    # "Mx y x y …Z": pairs of numbers.
    numbers = [float(v) for v in path.get("d", "").strip("MZ").split()]
    xs, ys = numbers[0::2], numbers[1::2]
    assert (min(xs), max(xs)) == (0.0, 50.0)
    assert (min(ys), max(ys)) == (0.0, 50.0)  # top of the picture is north
    body = [s for s in root.iter(f"{SVG}svg") if s.get("class") == "map-body"][0]
    assert (body.get("width"), body.get("height")) == ("500", "250")


def test_the_scale_bar_is_true_to_the_extent() -> None:
    # 10 km over 500 px is 0.05 px per metre; a quarter of the width is 2.5 km, so 2 km = 100 px.
    extent = svgmap.MapExtent(500_000, 6_500_000, 510_000, 6_505_000)
    root = _parse(
        svgmap.render(
            [svgmap.Layer([box(500_000, 6_500_000, 501_000, 6_501_000)])],
            title="t",
            extent=extent,
            width=500,
        )
    )
    bar = next(r for r in root.iter(f"{SVG}rect") if r.get("class") == "scale-bar")
    assert bar.get("data-metres") == "2000"
    assert float(bar.get("width", "0")) == pytest.approx(100.0)
    scale = next(g for g in root.iter(f"{SVG}g") if g.get("class") == "map-scale")
    assert "2 km" in "".join(scale.itertext())


def test_small_extents_get_a_scale_in_metres() -> None:
    root = _parse(svgmap.render([svgmap.Layer([box(0, 0, 700, 300)])], title="t", margin=0))
    scale = next(g for g in root.iter(f"{SVG}g") if g.get("class") == "map-scale")
    assert "".join(scale.itertext()).strip() == "100 m"


def test_every_text_is_escaped() -> None:
    evil = "<script>alert(1)</script>"
    markup = svgmap.render(
        [svgmap.Layer([box(0, 0, 10, 10)], titles=[evil + ' " & \x00'])],
        title=evil,
        description=evil,
        legend=[svgmap.LegendEntry("#ffffff", evil)],
        legend_title=evil,
    )
    assert "<script" not in markup
    assert markup.count("&lt;script&gt;alert(1)&lt;/script&gt;") == 5
    root = _parse(markup)  # the NUL character is dropped, so the XML stays valid
    texts = [t.text for t in root.iter(f"{SVG}title")]
    assert evil in texts


@pytest.mark.parametrize("colour", ['red" onload="x', "url(#a)", "#12345"])
def test_colours_that_could_break_out_of_an_attribute_are_refused(colour: str) -> None:
    with pytest.raises(InputError, match="colour"):
        svgmap.Layer([box(0, 0, 1, 1)], fill=colour)
    with pytest.raises(InputError, match="colour"):
        svgmap.LegendEntry(colour, "x")


def test_class_assignment_matches_hand_worked_values() -> None:
    breaks = [0, 1, 5, 10, 20]
    values = [0, 1, 4, 5, 9, 10, 19, 20, 500, -1, np.nan]
    expected = [0, 1, 1, 2, 2, 3, 3, 4, 4, -1, -1]
    assert svgmap.classify(values, breaks).tolist() == expected


def test_count_breaks_keep_one_to_four_in_one_class() -> None:
    # Counts ≥ 5: 7, 12, 30, 55 → tertile quantiles (inverted CDF) 12 and 30 close two classes.
    assert svgmap.count_breaks([0, 2, 3, 7, 12, 30, 55]) == [0, 1, 5, 13, 31]
    assert svgmap.count_breaks([]) == [0, 1, 5]
    assert svgmap.count_breaks([4, 4, 4]) == [0, 1, 5]
    # Equal large counts, or a single one, give no empty classes.
    assert svgmap.count_breaks([9, 9, 9, 9]) == [0, 1, 5]
    assert svgmap.count_breaks([182]) == [0, 1, 5]
    assert svgmap.count_breaks([64, 301, 620]) == [0, 1, 5, 65, 302]
    classes = svgmap.classify([1, 2, 3, 4], svgmap.count_breaks([1, 2, 3, 4, 80]))
    assert set(classes.tolist()) == {1}


def test_breaks_must_increase() -> None:
    with pytest.raises(InputError, match="increasing"):
        svgmap.classify([1], [0, 5, 5])


def test_nice_lengths() -> None:
    assert [svgmap.nice_length(v) for v in (0.9, 1, 3, 7.5, 12, 2600, 50_000)] == [
        0.5,
        1,
        2,
        5,
        10,
        2000,
        50_000,
    ]


def test_simplify_keeps_polygons_and_shrinks_them() -> None:
    circle = Point(500, 500).buffer(500, quad_segs=256)
    extent = svgmap.MapExtent(0, 0, 1000, 1000)
    [small] = svgmap.simplify([circle], extent)
    assert small.is_valid and small.geom_type == "Polygon"
    assert len(small.exterior.coords) < len(circle.exterior.coords) / 4
    assert small.symmetric_difference(circle).area / circle.area < 0.01


def test_points_on_one_pixel_are_dropped() -> None:
    # 2000 vertices on a 10 m circle (1 px across at 0.05 px/m) fall on a few dozen
    # tenth-of-a-pixel positions.
    tiny = Point(5000, 5000).buffer(10, quad_segs=500)
    markup = svgmap.render(
        [svgmap.Layer([tiny, box(0, 0, 10_000, 10_000)], name="a")], title="t", width=500
    )
    [dot, _square] = _layer_paths(_parse(markup), "a")
    points = (dot.get("d", "").count(" ") + 1) / 2
    assert points < 50


def test_lines_cannot_be_drawn_as_areas() -> None:
    from shapely.geometry import LineString, Polygon

    layer = svgmap.Layer([LineString([(0, 0), (1, 1)]), box(0, 0, 1, 1), Polygon()], name="a")
    root = _parse(svgmap.render([layer], title="t"))
    assert len(_layer_paths(root, "a")) == 1


def test_a_layer_needs_one_title_per_geometry() -> None:
    with pytest.raises(InputError, match="one per geometry"):
        svgmap.Layer([box(0, 0, 1, 1)], titles=["a", "b"])


def test_nothing_to_draw_is_a_clear_error() -> None:
    with pytest.raises(InputError, match="nothing to draw"):
        svgmap.render([svgmap.Layer([])], title="t")
