"""The dialogues' part of the drafted lägesbild and of the citizen promises' choice of focus.

Registered in :class:`samtrygg.dialogues.apps.DialoguesConfig` with
:mod:`samtrygg.lagesbild.voices`:

1. as a source of the lägesbild: per theme and area, in how many citizen dialogues residents
   raised it in the period and in the same length of time before it;
2. as the provider of :func:`samtrygg.lagesbild.voices.raised_themes`: the same count per
   theme, area and years, shown where the promises' focus is chosen.

Only citizen dialogues count ("raised by residents"); staff dialogues are the police's and
partners' own view. A theme raised twice in one dialogue counts once. An issue's area is its
own, or else the dialogue's. Only themes and counts are kept, never what was said.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from samtrygg.dialogues.models import Dialogue, DialogueKind, RaisedIssue, Theme
from samtrygg.lagesbild.voices import RaisedTheme, VoiceSource
from samtrygg.partnerships.models import Partnership


def _issues(partnership: Partnership, first: date, last: date) -> Any:
    return (
        RaisedIssue.objects.filter(
            dialogue__partnership=partnership,
            dialogue__kind=DialogueKind.CITIZEN,
            dialogue__held_on__gte=first,
            dialogue__held_on__lte=last,
        )
        .select_related("area", "dialogue__area")
        .only("theme", "area__name", "dialogue__held_on", "dialogue__area__name")
    )


def _area_name(issue: RaisedIssue) -> str:
    area = issue.area or issue.dialogue.area
    return area.name if area else str(_("No area given"))


def figures(partnership: Partnership, first: date, last: date) -> dict[str, Any] | None:
    """Per theme and area: citizen dialogues raising it in the period and the one before."""
    days = (last - first).days + 1
    prev_last = first - timedelta(days=1)
    prev_first = prev_last - timedelta(days=days - 1)
    now: dict[tuple[str, str], set[int]] = defaultdict(set)
    before: dict[tuple[str, str], set[int]] = defaultdict(set)
    for issue in _issues(partnership, prev_first, last):
        key = (issue.theme, _area_name(issue))
        if issue.dialogue.held_on >= first:
            now[key].add(issue.dialogue_id)
        else:
            before[key].add(issue.dialogue_id)
    held = Dialogue.objects.filter(
        partnership=partnership, kind=DialogueKind.CITIZEN, held_on__gte=first, held_on__lte=last
    ).count()
    if not held:
        return None
    rows: list[dict[str, Any]] = [
        {
            "theme": theme,
            "label": str(Theme(theme).label),
            "area": area,
            "current": len(now.get((theme, area), ())),
            "previous": len(before.get((theme, area), ())),
        }
        for theme, area in set(now) | set(before)
    ]
    rows = [r for r in rows if r["current"]]
    rows.sort(key=lambda r: (-r["current"], r["label"], r["area"]))
    return {
        "dialogues": held,
        "period": {"start": first.isoformat(), "end": last.isoformat()},
        "previous": {"start": prev_first.isoformat(), "end": prev_last.isoformat()},
        "themes": rows,
    }


def lines(data: dict[str, Any]) -> list[str]:
    """A sentence on the dialogues and one per theme and area."""
    out = [
        ngettext(
            "%(n)s citizen dialogue was held in the period.",
            "%(n)s citizen dialogues were held in the period.",
            data["dialogues"],
        )
        % {"n": data["dialogues"]}
    ]
    out += [
        "- "
        + ngettext(
            "%(theme)s, %(area)s: raised by residents in %(n)s dialogue (the year before: %(m)s).",
            "%(theme)s, %(area)s: raised by residents in %(n)s dialogues (the year before: %(m)s).",
            row["current"],
        )
        % {"theme": row["label"], "area": row["area"], "n": row["current"], "m": row["previous"]}
        for row in data["themes"]
    ]
    return out


def source_entry(data: dict[str, Any]) -> dict[str, str]:
    """The dialogues' line in the source inventory."""
    return {
        "name": _("Citizen dialogues (%(n)s)") % {"n": data["dialogues"]},
        "reason": _("What residents say: the themes raised in dialogues, per area."),
        "limitations": _(
            "Those who took part are not a sample of the residents; a theme counts once per "
            "dialogue, however many raised it."
        ),
    }


def raised_themes(partnership: Partnership, first_year: int, last_year: int) -> list[RaisedTheme]:
    """Per theme and area: the citizen dialogues of ``first_year``..``last_year`` raising it."""
    seen: dict[tuple[str, str], dict[int, int]] = defaultdict(dict)
    for issue in _issues(partnership, date(first_year, 1, 1), date(last_year, 12, 31)):
        seen[(issue.theme, _area_name(issue))][issue.dialogue_id] = issue.dialogue.held_on.year
    return [
        RaisedTheme(
            theme=theme,
            label=str(Theme(theme).label),
            area=area,
            dialogues=len(held),
            years=tuple(sorted(set(held.values()))),
        )
        for (theme, area), held in seen.items()
    ]


SOURCE = VoiceSource(
    key="dialogues", order=30, figures=figures, lines=lines, source_entry=source_entry
)
