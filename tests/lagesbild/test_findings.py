"""The drafted lägesbild names tested hotspots and near-repeat patterns."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np
import pytest
from django.utils import translation

from samtrygg.analysis.nearrepeat import KnoxFindings, RaisedRisk
from samtrygg.cli.analyse import knox_summary
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


def test_points_placed_only_to_a_street_or_the_municipality_make_no_hotspot(
    world: World, incidents: None
) -> None:
    from samtrygg.gazetteer.models import Precision

    # 120 rows that named only the municipality (or a street) got its centre as their point:
    # analysed as points they would be the strongest hot spot of the year, far from Centrum.
    cat = Incident.objects.filter(partnership=world.a).first().category  # type: ignore[union-attr]
    when = START + timedelta(days=30)
    coarse = [_incident(world, cat, 14.47, 59.35, when) for _ in range(120)]
    for i, row in enumerate(coarse):
        row.precision = Precision.MUNICIPALITY if i % 2 else Precision.STREET
    Incident.objects.bulk_create(coarse)
    result = findings.hotspots(world.a.pk, START, START + timedelta(days=365))
    assert result["cells"]
    assert all(abs(c["lon"] - 14.47) > 0.003 or abs(c["lat"] - 59.35) > 0.003
               for c in result["cells"])  # fmt: skip
    strongest = result["cells"][0]
    assert abs(strongest["lon"] - 14.515) < 0.005 and abs(strongest["lat"] - 59.33) < 0.003
    # Readers without exact access see each hot cell's count protected: 0 or at least k.
    assert all(c["published"] == 0 or c["published"] >= 5 for c in result["cells"])


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


NEAR_AND_SAME_DAY = KnoxFindings(
    raised=(
        RaisedRisk(True, 0.0, 0.0, 0.0, 0.0, 140),
        RaisedRisk(False, 1.0, 100.0, 0.0, 1.0, 35),
        RaisedRisk(False, 101.0, 200.0, 4.0, 6.0, 12),
    ),
    alpha=0.05,
    min_ratio=1.2,
    iterations=99,
    p_floor=0.01,
)


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        (
            "sv",
            "På samma plats som ett inbrott är risken förhöjd samma dag, ca 140 %. "
            "Inom 1–100 m från ett inbrott är risken förhöjd i upp till 1 dag, ca 35 %. "
            "Inom 101–200 m från ett inbrott är risken förhöjd 4–6 dagar efteråt, ca 12 %.",
        ),
        (
            "en",
            "At the same place as a burglary the risk is raised on the same day, by about 140%. "
            "Within 1–100 m of a burglary the risk is raised for up to 1 day, by about 35%. "
            "Within 101–200 m of a burglary the risk is raised 4–6 days later, by about 12%.",
        ),
    ],
)
def test_near_repeat_findings_are_worded_in_the_active_language(
    language: str, expected: str
) -> None:
    with translation.override(language):
        assert findings.near_repeat_summary(NEAR_AND_SAME_DAY) == expected


def test_no_raised_risk_names_the_thresholds_with_the_languages_decimal_mark() -> None:
    found = KnoxFindings(raised=(), alpha=0.05, min_ratio=1.2, iterations=9, p_floor=0.1)
    with translation.override("sv"):
        sv = findings.near_repeat_summary(found)
    with translation.override("en"):
        en = findings.near_repeat_summary(found)
    assert sv == (
        "Ingen förhöjd risk: inget avstånds- och tidsband nära händelserna är både signifikant "
        "(p ≤ 0,05) och tydligt förhöjt (kvot ≥ 1,2). Med 9 permutationer kan p inte bli lägre "
        "än 0,1; använd fler."
    )
    assert en == (
        "No raised risk: no distance and time band near the events is both significant "
        "(p ≤ 0.05) and clearly raised (ratio ≥ 1.2). With 9 permutations p cannot be lower "
        "than 0.1; use more."
    )


def test_the_web_and_the_command_line_word_the_findings_alike() -> None:
    for language in ("sv", "en"):
        event = "ett inbrott" if language == "sv" else "a burglary"
        with translation.override(language):
            web = findings.near_repeat_summary(NEAR_AND_SAME_DAY)
        assert web == knox_summary.summary(NEAR_AND_SAME_DAY, language, event=event)
