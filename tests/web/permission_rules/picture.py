"""The situational picture: every member (viewers included) reads it and exports what they may;
coordinators and analysts record the weekly meeting's decisions."""

from __future__ import annotations

from datetime import date
from typing import Any

from tests.conftest import World
from tests.web.permissions import Rule, members_only, partnership_slug

STAFF_POST = {**members_only(302), "viewer": 403, "reporter": 403}


def _decision(w: World) -> dict[str, Any]:
    from samtrygg.picture.models import MeetingDecision

    d = MeetingDecision.objects.create(
        partnership=w.a,
        week=date(2026, 11, 30),
        place="Torget",
        what="Fler vuxna ute",
        who=w.kommun,
        by_when=date(2026, 12, 11),
    )
    return {"slug": w.a.slug, "pk": d.pk}


RULES: dict[str, Rule] = {
    "picture": Rule(members_only(), kwargs=partnership_slug),
    "picture-export": Rule(members_only(), kwargs=partnership_slug),
    "picture-map-data": Rule(members_only(), kwargs=partnership_slug),
    "picture-decision-add": Rule(STAFF_POST, kwargs=partnership_slug, method="post"),
    "picture-decision-done": Rule(STAFF_POST, kwargs=_decision, method="post"),
}
