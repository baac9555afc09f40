"""Dialogue themes counted per year and area: how often residents and staff raised each one."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count
from django.db.models.functions import ExtractYear

from samtrygg.areas.models import Area
from samtrygg.dialogues.models import RaisedIssue, Theme
from samtrygg.partnerships.models import Partnership


@dataclass(frozen=True)
class ThemeRow:
    """One theme: in how many dialogues it was raised, per year, and in all."""

    theme: str
    label: str
    per_year: list[int]
    total: int


def theme_counts(
    partnership: Partnership, area: Area | None = None
) -> tuple[list[int], list[ThemeRow]]:
    """(years, rows): the number of dialogues raising each theme per year, most raised first.

    A theme raised twice in the same dialogue counts once: the figure reads "raised in N
    dialogues". With ``area``, only issues placed in that area (or raised in a dialogue held
    there without an area of their own) count.
    """
    issues = RaisedIssue.objects.filter(dialogue__partnership=partnership)
    if area is not None:
        issues = issues.filter(area=area) | issues.filter(area__isnull=True, dialogue__area=area)
    counted = (
        issues.annotate(year=ExtractYear("dialogue__held_on"))
        .values("theme", "year")
        .annotate(dialogues=Count("dialogue", distinct=True))
    )
    table: dict[str, dict[int, int]] = {}
    for row in counted:
        table.setdefault(row["theme"], {})[row["year"]] = row["dialogues"]
    years = sorted({y for by_year in table.values() for y in by_year})
    rows = [
        ThemeRow(
            theme=theme,
            label=str(Theme(theme).label),
            per_year=[by_year.get(y, 0) for y in years],
            total=issues.filter(theme=theme).values("dialogue").distinct().count(),
        )
        for theme, by_year in table.items()
    ]
    rows.sort(key=lambda r: (-r.total, r.label))
    return years, rows
