"""The traffic light of an indicator: is it on track from its baseline to its target?

The rule, in plain words (the dashboard's help text says the same):

1. *Cannot assess* when the baseline, the target, either date or a current value is missing,
   when the target date is not after the baseline date, or when the current value is not newer
   than the baseline (nothing has been measured since).
2. ``progress`` is the share of the way from the baseline to the target that the current value
   has covered: ``(current − baseline) / (target − baseline)``; 1 means the target is reached,
   a negative share means it moved the wrong way.
3. ``expected`` is the share of the time from the baseline date to the target date that has
   passed at the date of the current value (capped at 1 after the target date).
4. *Red* when progress ≤ 0 (not moving, or moving the wrong way); *green* when
   progress ≥ expected (at least in proportion to the time elapsed); *yellow* otherwise
   (moving the right way, but behind schedule).

A target equal to the baseline ("hold the level") is judged by the indicator's direction:
green when the current value is at the target or on its better side, red otherwise.

The module is pure (no database, no Django) so that the rule can be tested by hand.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

__all__ = ["Light", "LightResult", "traffic_light"]

# Progress and expected shares are compared with this tolerance, so that a value exactly on
# schedule (e.g. 1/3 of the way after 1/3 of the time) is green despite rounding.
TOLERANCE = 1e-9


class Light(StrEnum):
    GREEN = "green"
    YELLOW = "yellow"
    RED = "red"
    UNKNOWN = "unknown"  # cannot assess


@dataclass(frozen=True)
class LightResult:
    """The light with the two shares it was computed from (None when not assessable)."""

    light: Light
    progress: float | None = None
    expected: float | None = None
    reason: str = ""


def traffic_light(
    *,
    baseline: float | None,
    target: float | None,
    current: float | None,
    baseline_date: date | None,
    target_date: date | None,
    as_of: date | None,
    lower_is_better: bool = True,
) -> LightResult:
    """Compute the light of one indicator (see the module docstring for the rule).

    ``as_of`` is the date of the current value (today for a value computed from live data);
    ``lower_is_better`` is used only when the target equals the baseline.

    >>> from datetime import date
    >>> traffic_light(baseline=100, target=80, current=90, baseline_date=date(2025, 1, 1),
    ...               target_date=date(2027, 1, 1), as_of=date(2026, 1, 1)).light.value
    'green'
    """
    if None in (baseline, target, current, baseline_date, target_date, as_of):
        return LightResult(Light.UNKNOWN, reason="missing")
    assert baseline is not None and target is not None and current is not None
    assert baseline_date is not None and target_date is not None and as_of is not None
    if target_date <= baseline_date:
        return LightResult(Light.UNKNOWN, reason="dates")
    if as_of <= baseline_date:
        return LightResult(Light.UNKNOWN, reason="no_new_data")
    span = (target_date - baseline_date).days
    expected = min(1.0, (as_of - baseline_date).days / span)
    gap = target - baseline
    if gap == 0:
        better_or_equal = current <= target if lower_is_better else current >= target
        light = Light.GREEN if better_or_equal else Light.RED
        return LightResult(light, 1.0 if better_or_equal else 0.0, expected, "hold")
    progress = (current - baseline) / gap
    if progress <= TOLERANCE:
        light = Light.RED
    elif progress >= expected - TOLERANCE:
        light = Light.GREEN
    else:
        light = Light.YELLOW
    return LightResult(light, progress, expected, "")
