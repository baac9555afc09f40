"""Rules for the safety walk pages: members read; staff plan and write the protocol; staff and
reporters record points."""

from __future__ import annotations

from typing import Any

from tests.conftest import World
from tests.web.permissions import Rule, members_only
from tests.web.permissions import partnership_slug as _slug

STAFF = {**members_only(), "viewer": 403, "reporter": 403}
RECORDERS = {**members_only(), "viewer": 403}


def _walk(w: World) -> dict[str, Any]:
    from tests.walks.helpers import walk

    return {"slug": w.a.slug, "pk": walk(w).pk}


def _point(w: World) -> dict[str, Any]:
    from samtrygg.walks import photos
    from tests.walks.helpers import jpeg_with_location, observation, walk

    a_walk = walk(w)
    seen = observation(a_walk, photo=photos.clean_photo(jpeg_with_location()))
    return {"slug": w.a.slug, "pk": a_walk.pk, "observation": seen.pk}


RULES: dict[str, Rule] = {
    "walk-list": Rule(members_only(), kwargs=_slug),
    "walk-create": Rule(STAFF, kwargs=_slug),
    "walk-detail": Rule(members_only(), kwargs=_walk),
    "walk-edit": Rule(STAFF, kwargs=_walk),
    "walk-protocol": Rule(members_only(), kwargs=_walk),
    "walk-observation-add": Rule(RECORDERS, kwargs=_walk),
    "walk-action-edit": Rule(STAFF, kwargs=_point),
    "walk-photo": Rule(members_only(), kwargs=_point),
}
