"""The traffic-light rule, worked by hand.

Baseline 2025-01-01, target date 2027-01-01: 730 days. On 2026-01-01, 365 days have passed, so
the expected share is 0.5 — an indicator on track has covered half the way.
"""

from __future__ import annotations

from datetime import date

import pytest

from samtrygg.followup.lights import Light, traffic_light

B, T, MID = date(2025, 1, 1), date(2027, 1, 1), date(2026, 1, 1)


def light(baseline, target, current, as_of=MID, *, lower=True, bd=B, td=T):  # noqa: ANN001, ANN202
    return traffic_light(
        baseline=baseline,
        target=target,
        current=current,
        baseline_date=bd,
        target_date=td,
        as_of=as_of,
        lower_is_better=lower,
    )


@pytest.mark.parametrize(
    ("current", "expected", "progress"),
    [
        (90, Light.GREEN, 0.5),  # (90−100)/(80−100) = 0.5 ≥ 0.5: exactly on schedule
        (70, Light.GREEN, 1.5),  # past the target already
        (95, Light.YELLOW, 0.25),  # right way, half as fast as needed
        (100, Light.RED, 0.0),  # not moving
        (105, Light.RED, -0.25),  # the wrong way
    ],
)
def test_lower_is_better_goal(current: float, expected: Light, progress: float) -> None:
    result = light(100, 80, current)
    assert result.light == expected
    assert result.progress == pytest.approx(progress)
    assert result.expected == pytest.approx(0.5)


@pytest.mark.parametrize(
    ("current", "expected"),
    [(50, Light.GREEN), (60, Light.GREEN), (45, Light.YELLOW), (40, Light.RED), (38, Light.RED)],
)
def test_higher_is_better_goal(current: float, expected: Light) -> None:
    # Baseline 40, target 60: 50 is half way, 45 a quarter, 38 the wrong way.
    assert light(40, 60, current, lower=False).light == expected


def test_a_quarter_of_the_time_needs_a_quarter_of_the_way() -> None:
    # 2025-07-02 is 182 days after the baseline: expected 182/730 ≈ 0.249.
    as_of = date(2025, 7, 2)
    assert light(100, 80, 95, as_of).light == Light.GREEN  # 0.25 ≥ 0.249
    assert light(100, 80, 96, as_of).light == Light.YELLOW  # 0.20 < 0.249


def test_after_the_target_date_only_the_target_is_green() -> None:
    late = date(2027, 6, 1)
    result = light(100, 80, 85, late)
    assert result.expected == 1.0
    assert result.light == Light.YELLOW  # 0.75 of the way when all the time has passed
    assert light(100, 80, 80, late).light == Light.GREEN


def test_holding_the_level_uses_the_direction() -> None:
    assert light(10, 10, 9).light == Light.GREEN
    assert light(10, 10, 10).light == Light.GREEN
    assert light(10, 10, 11).light == Light.RED
    assert light(10, 10, 11, lower=False).light == Light.GREEN
    assert light(10, 10, 9, lower=False).light == Light.RED


@pytest.mark.parametrize(
    "kwargs",
    [
        {"current": None},
        {"baseline": None},
        {"target": None},
        {"bd": None},
        {"td": None},
        {"as_of": None},
        {"td": B},  # target date not after the baseline date
        {"as_of": B},  # nothing measured since the baseline
        {"as_of": date(2024, 12, 1)},
    ],
)
def test_cannot_assess_when_something_is_missing(kwargs: dict) -> None:  # type: ignore[type-arg]
    args = {"baseline": 100, "target": 80, "current": 90, **kwargs}
    result = light(args.pop("baseline"), args.pop("target"), args.pop("current"), **args)
    assert result.light == Light.UNKNOWN
    assert result.progress is None
