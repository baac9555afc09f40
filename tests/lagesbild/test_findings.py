"""The drafted lägesbild names tested hotspots and near-repeat patterns."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np
import pytest
from django.utils import translation

from samtrygg.incidents.categories import seed_categories
from samtrygg.incidents.models import Incident
from samtrygg.lagesbild import drafting, findings
from tests.conftest import World

STOCKHOLM = ZoneInfo("Europe/Stockholm")
START = datetime(2025, 10, 1, tzinfo=STOCKHOLM)


def _incident(world: World, category: object, lon: float, lat: float, when: datetime) -> Incident:
    return Incident(
        partnership=world.a,
        organisation=world.school,
        category=category,
        occurred_from=when,
        occurred_to=when,
        lon=lon,
        lat=lat,
    )


@pytest.fixture
def incidents(world: World) -> None:
    rng = np.random.default_rng(7)
    cats = {c.name: c for c in seed_categories(world.a)}
    rows = []
    # Background over about 6 × 6 km, and a dense cluster in Centrum (inside the drawn area).
    for _ in range(300):
        when = START + timedelta(days=float(rng.uniform(0, 360)))
        rows.append(
            _incident(
                world,
                cats["brand"],
                14.46 + rng.uniform(0, 0.1),
                59.30 + rng.uniform(0, 0.055),
                when,
            )
        )
    # A hotspot spans several 250 m cells (about 150 m spread), not one spike.
    for _ in range(150):
        when = START + timedelta(days=float(rng.uniform(0, 360)))
        rows.append(
            _incident(
                world,
                cats["brand"],
                14.515 + rng.normal(0, 0.0026),
                59.33 + rng.normal(0, 0.0013),
                when,
            )
        )
    # Burglaries in pairs: the second within about 50 m and two days of the first.
    for _ in range(40):
        lon, lat = 14.46 + rng.uniform(0, 0.1), 59.30 + rng.uniform(0, 0.055)
        when = START + timedelta(days=float(rng.uniform(0, 350)))
        rows.append(_incident(world, cats["inbrott"], lon, lat, when))
        rows.append(
            _incident(world, cats["inbrott"], lon + 0.0004, lat + 0.0002, when + timedelta(days=2))
        )
    Incident.objects.bulk_create(rows)


def test_hotspots_find_the_cluster_and_name_its_area(world: World, incidents: None) -> None:
    result = findings.hotspots(world.a.pk, START, START + timedelta(days=365))
    assert result["cells"], result
    strongest = result["cells"][0]
    assert abs(strongest["lon"] - 14.515) < 0.005 and abs(strongest["lat"] - 59.33) < 0.003
    assert "Centrum" in strongest["areas"]
    assert strongest["p_adjusted"] < 0.05 and strongest["z"] > 3


def test_near_repeats_are_found_and_summarised(world: World, incidents: None) -> None:
    with translation.override("sv"):
        result = findings.near_repeats(world.a.pk, START, START + timedelta(days=365))
    assert result["n_events"] == 80
    # The closest band (1–100 m) in the first week is raised well above chance.
    assert result["ratio"][1][0] > 5 and result["p_values"][1][0] <= 0.05
    assert "inbrott" in result["summary"]


def test_too_few_events_give_a_note_not_a_number(world: World) -> None:
    assert findings.hotspots(world.a.pk, START, START + timedelta(days=1))["cells"] == []
    assert findings.near_repeats(world.a.pk, START, START + timedelta(days=1))["summary"] == ""


def test_the_draft_text_mentions_the_findings(world: World, incidents: None) -> None:
    with translation.override("en"):
        fig = drafting.figures(world.a, date(2025, 10, 1), date(2026, 9, 30))
        text = drafting.draft_extent(fig)
    assert "hot cells, in Centrum" in text
    assert fig["near_repeat"]["summary"] in text
