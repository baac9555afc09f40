"""The synthetic demo generator: reproducible, inside the towns, with the structure it documents."""

from __future__ import annotations

import subprocess
import sys
from collections import Counter
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np
import pytest
import shapely
from scipy.stats import binomtest

from samtrygg.analysis.geo import to_metric
from samtrygg.analysis.nearrepeat import knox
from samtrygg.sources.geodata import swedish_municipalities
from samtrygg.sources.personal_data import find_personal_data
from samtrygg.sources.synthetic import (
    CATEGORIES,
    DEFAULT_CHANGES,
    DEMO_ORGANISATIONS,
    SyntheticIncident,
    generate_incidents,
)

END = datetime(2026, 11, 1, tzinfo=UTC)
LOCAL = ZoneInfo("Europe/Stockholm")
YEAR = timedelta(days=364)  # 52 weeks: the same weekdays a year earlier


@pytest.fixture(scope="module")
def small() -> list[SyntheticIncident]:
    return generate_incidents(1500, end=END, seed=2026)


@pytest.fixture(scope="module")
def demo() -> list[SyntheticIncident]:
    """The default demo (about 3,000 incidents in two years)."""
    return generate_incidents(end=END, seed=2026)


def count(
    rows: list[SyntheticIncident], category: str, place: str | None, a: datetime, b: datetime
) -> int:
    return sum(
        1
        for r in rows
        if r.category == category
        and (place is None or r.place == place)
        and a <= r.occurred_from < b
    )


def test_the_same_seed_gives_the_same_incidents_and_another_seed_others(
    small: list[SyntheticIncident],
) -> None:
    assert generate_incidents(1500, end=END, seed=2026) == small
    assert generate_incidents(1500, end=END, seed=2027) != small


def test_the_count_is_about_n_and_the_default_about_three_thousand(
    small: list[SyntheticIncident], demo: list[SyntheticIncident]
) -> None:
    assert abs(len(small) - 1500) < 150
    assert abs(len(demo) - 3000) < 300
    assert abs(len(generate_incidents(300, end=END, seed=1)) - 300) < 60


def test_incidents_are_complete_sorted_and_within_the_two_years(
    small: list[SyntheticIncident],
) -> None:
    start = END - timedelta(days=730)
    assert [r.occurred_from for r in small] == sorted(r.occurred_from for r in small)
    for r in small:
        assert r.occurred_from.utcoffset() == timedelta(0)
        assert start <= r.occurred_from <= r.occurred_to <= END
        assert r.category in CATEGORIES
        assert r.organisation in DEMO_ORGANISATIONS
        assert 1 <= r.assessment <= 4
        assert r.sharing in ("organisation", "partnership")
        assert r.place in r.description
    bands = Counter(r.time_band for r in small)
    assert set(bands) == {"exact", "morning", "day", "evening", "night", "unknown"}
    assert 0.6 < bands["exact"] / len(small) < 0.8
    sharing = Counter(r.sharing for r in small)
    assert 0.75 < sharing["partnership"] / len(small) < 0.95
    assert set(Counter(r.category for r in small)) == set(CATEGORIES)


def test_time_bands_cover_their_local_hours(small: list[SyntheticIncident]) -> None:
    hours = {"morning": (6, 4), "day": (10, 7), "evening": (17, 5), "night": (22, 8)}
    for r in small:
        if r.time_band in hours:
            start, length = hours[r.time_band]
            assert r.occurred_from.astimezone(LOCAL).hour == start
            assert (r.occurred_to - r.occurred_from) in {
                timedelta(hours=length + d) for d in (-1, 0, 1)
            }


def test_every_point_lies_inside_karlskoga_or_degerfors(small: list[SyntheticIncident]) -> None:
    towns = shapely.union_all(
        [m.geometry for m in swedish_municipalities() if m.code in ("1883", "1862")]
    )
    lon = np.array([r.lon for r in small])
    lat = np.array([r.lat for r in small])
    assert shapely.contains_xy(towns, lon, lat).all()
    degerfors = next(m.geometry for m in swedish_municipalities() if m.code == "1862")
    assert 0.1 < shapely.contains_xy(degerfors, lon, lat).mean() < 0.4


def test_only_the_given_organisations_and_categories_are_used() -> None:
    rows = generate_incidents(
        400, end=END, seed=3, organisations=["bostadsbolaget"], categories=["inbrott", "brand", "x"]
    )
    assert {r.organisation for r in rows} == {"bostadsbolaget"}
    assert {r.category for r in rows} == {"inbrott", "brand"}
    assert abs(len(rows) - 400) < 80


def test_youth_gatherings_peak_on_friday_and_saturday_evenings(
    small: list[SyntheticIncident],
) -> None:
    evenings = Counter(
        r.occurred_from.astimezone(LOCAL).weekday()
        for r in small
        if r.category == "ungdomsgrupp/samling"
        and r.time_band == "exact"
        and r.occurred_from.astimezone(LOCAL).hour >= 18
    )
    weekend = (evenings[4] + evenings[5]) / 2
    weekdays = sum(evenings[d] for d in range(4)) / 4
    assert weekend > 2 * weekdays


def test_buskorning_in_summer_and_dark_places_in_winter(small: list[SyntheticIncident]) -> None:
    def by_season(category: str) -> tuple[int, int]:
        months = [r.occurred_from.astimezone(LOCAL).month for r in small if r.category == category]
        summer = sum(1 for m in months if 4 <= m <= 9)
        return summer, len(months) - summer

    summer, winter = by_season("buskörning")
    assert summer > 3 * winter
    summer, winter = by_season("belysning/mörk plats")
    assert winter > 2 * summer


def test_the_step_increase_is_detected_and_an_unchanged_category_is_not(
    demo: list[SyntheticIncident],
) -> None:
    step = DEFAULT_CHANGES[0]
    assert (step.category, step.place, step.factor) == (
        "skadegörelse/klotter",
        "Centrumskolan",
        4.0,
    )
    since = END - timedelta(weeks=step.weeks_before_end)
    recent = count(demo, step.category, step.place, since, END)
    before = count(demo, step.category, step.place, since - YEAR, END - YEAR)
    assert binomtest(recent, recent + before, 0.5, alternative="greater").pvalue <= 0.01

    recent = count(demo, "nedskräpning", None, since, END)
    before = count(demo, "nedskräpning", None, since - YEAR, END - YEAR)
    assert binomtest(recent, recent + before, 0.5).pvalue > 0.05


def test_the_decrease_after_the_measure_is_detected(demo: list[SyntheticIncident]) -> None:
    measure = DEFAULT_CHANGES[1]
    assert measure.factor < 1
    since = END - timedelta(weeks=measure.weeks_before_end)
    after = count(demo, measure.category, measure.place, since, END)
    before = count(demo, measure.category, measure.place, since - YEAR, END - YEAR)
    assert binomtest(after, after + before, 0.5, alternative="less").pvalue <= 0.01


def test_burglaries_repeat_near_each_other_by_the_knox_test(small: list[SyntheticIncident]) -> None:
    burglaries = [r for r in small if r.category == "inbrott"]
    assert any(r.near_repeat for r in burglaries)
    x, y, _ = to_metric([r.lon for r in burglaries], [r.lat for r in burglaries])
    days = np.array([r.occurred_from.date() for r in burglaries], dtype="datetime64[D]")
    result = knox(x, y, days, [200, 400], [7, 14], iterations=99, seed=1)
    assert result.ratio_exact[0, 0] > 1.5
    assert result.p_values[0, 0] <= 0.05


def test_descriptions_hold_no_personal_data(small: list[SyntheticIncident]) -> None:
    assert all(find_personal_data(r.description) == [] for r in small)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"n": 0}, "positive whole number"),
        ({"end": datetime(2026, 1, 1)}, "timezone-aware"),
        ({"start": END, "end": END}, "must be before"),
        ({"categories": ["okänd"]}, "None of the categories"),
        ({"organisations": []}, "organisations is empty"),
    ],
)
def test_bad_arguments_are_refused_with_a_message(kwargs: dict[str, object], message: str) -> None:
    kwargs.setdefault("end", END)
    with pytest.raises(ValueError, match=message):
        generate_incidents(**kwargs)  # type: ignore[arg-type]


def test_the_generator_does_not_import_django() -> None:
    code = "import sys, samtrygg.sources.synthetic; print('django' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60
    )
    assert result.stdout.strip() == "False", result.stderr
