"""The safety walks' part of the drafted lägesbild: what the walks found on the ground.

Registered in :class:`samtrygg.walks.apps.WalksConfig` as a source of
:mod:`samtrygg.lagesbild.voices`. Per area (the walk's area) for the walks of the period: how
many walks (in darkness), the places found unsafe or at risk counted by physical cause, the
safe places, and the protocol's actions done, open and not to be done. Only counts of places
and actions are kept: no participants, photos or free text.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from samtrygg.lagesbild.voices import VoiceSource
from samtrygg.partnerships.models import Partnership
from samtrygg.walks.models import Action, Light, Observation, SafetyWalk

OPEN = (Action.Status.PLANNED, Action.Status.ONGOING)
UNSAFE = (Observation.Kind.UNSAFE, Observation.Kind.RISK)


def _blank(name: str) -> dict[str, Any]:
    return {
        "area": name,
        "walks": 0,
        "darkness": 0,
        "unsafe": 0,
        "causes": {c.value: 0 for c in Observation.Cause},
        "safe": 0,
        "done": 0,
        "open": 0,
        "rejected": 0,
        "no_action": 0,
    }


def figures(partnership: Partnership, first: date, last: date) -> dict[str, Any] | None:
    """Counts per area for the walks held from ``first`` to ``last`` (None without walks)."""
    walks = list(
        SafetyWalk.objects.filter(
            partnership=partnership, walked_on__gte=first, walked_on__lte=last
        ).select_related("area")
    )
    if not walks:
        return None
    no_area = _("No area given")
    rows: dict[str, dict[str, Any]] = {}
    area_of = {}
    for walk in walks:
        name = walk.area.name if walk.area else no_area
        area_of[walk.pk] = name
        row = rows.setdefault(name, _blank(name))
        row["walks"] += 1
        row["darkness"] += walk.light == Light.DARKNESS
    seen = Observation.objects.filter(walk__in=walks).select_related("action").defer("photo")
    for o in seen:
        row = rows[area_of[o.walk_id]]
        if o.kind not in UNSAFE:
            row["safe"] += 1
            continue
        row["unsafe"] += 1
        row["causes"][o.cause] += 1
        action = getattr(o, "action", None)
        if action is None:
            row["no_action"] += 1
        elif action.status == Action.Status.DONE:
            row["done"] += 1
        elif action.status in OPEN:
            row["open"] += 1
        else:
            row["rejected"] += 1
    return {
        "walks": len(walks),
        "darkness": sum(r["darkness"] for r in rows.values()),
        # Labels in the drafting language, kept with the document like its other words.
        "causes": [{"key": c.value, "label": str(c.label)} for c in Observation.Cause],
        "areas": sorted(
            ({**r, "cause_counts": list(r["causes"].values())} for r in rows.values()),
            key=lambda r: (-r["unsafe"], r["area"]),
        ),
    }


def lines(data: dict[str, Any]) -> list[str]:
    """A sentence for the walks and one per area with what was found and done."""
    labels = dict(Observation.Cause.choices)
    out = [
        ngettext(
            "%(n)s safety walk was held in the period (%(dark)s in darkness).",
            "%(n)s safety walks were held in the period (%(dark)s in darkness).",
            data["walks"],
        )
        % {"n": data["walks"], "dark": data["darkness"]}
    ]
    for row in data["areas"]:
        causes = ", ".join(
            f"{str(labels[c]).lower()} {n}"
            for c, n in sorted(row["causes"].items(), key=lambda kv: -kv[1])
            if n
        )
        out.append(
            "- "
            + ngettext(
                "%(area)s: %(unsafe)s place found unsafe or at risk%(causes)s; actions done: "
                "%(done)s, open: %(open)s, without an action yet: %(none)s.",
                "%(area)s: %(unsafe)s places found unsafe or at risk%(causes)s; actions done: "
                "%(done)s, open: %(open)s, without an action yet: %(none)s.",
                row["unsafe"],
            )
            % {
                "area": row["area"],
                "unsafe": row["unsafe"],
                "causes": f" ({causes})" if causes else "",
                "done": row["done"],
                "open": row["open"],
                "none": row["no_action"],
            }
        )
    return out


def source_entry(data: dict[str, Any]) -> dict[str, str]:
    """The walks' line in the source inventory."""
    return {
        "name": _("Safety walks (%(n)s)") % {"n": data["walks"]},
        "reason": _("What the safety walks found on the ground: unsafe places and their causes."),
        "limitations": _(
            "Only the walks' routes, on the day and in the light of each walk; the places are "
            "what the participants pointed out, not a survey of the whole area."
        ),
    }


SOURCE = VoiceSource(key="walks", order=20, figures=figures, lines=lines, source_entry=source_entry)
