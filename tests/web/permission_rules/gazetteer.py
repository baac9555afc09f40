"""Rules for the gazetteer pages and the review list of unplaced names: coordinators only;
the maps' place search: every member of the partnership."""

from __future__ import annotations

from typing import Any

from tests.conftest import World
from tests.web.permissions import Rule, coordinators_only, members_only
from tests.web.permissions import partnership_slug as _slug


def _known_place(w: World) -> dict[str, Any]:
    from samtrygg.gazetteer import services

    entry = services.add_known_place(w.a, "Bregården", 14.52, 59.33)
    return {"slug": w.a.slug, "pk": entry.pk}


def _placed_name(w: World) -> dict[str, Any]:
    from samtrygg.gazetteer import services

    placed = services.remember(w.a, "Myran", 14.51, 59.33, w.users["coordinator"])
    return {"slug": w.a.slug, "pk": placed.pk}


RULES: dict[str, Rule] = {
    "gazetteer": Rule(coordinators_only(), kwargs=_slug),
    "gazetteer-place-add": Rule(coordinators_only(), kwargs=_slug),
    "gazetteer-search": Rule(members_only(), kwargs=_slug),
    "gazetteer-place-edit": Rule(coordinators_only(), kwargs=_known_place),
    # The page asks for confirmation; only its POST deletes.
    "gazetteer-place-delete": Rule(coordinators_only(), kwargs=_known_place),
    "gazetteer-placed-edit": Rule(coordinators_only(), kwargs=_placed_name),
    "gazetteer-placed-delete": Rule(coordinators_only(), kwargs=_placed_name),
    "incident-place-review": Rule(coordinators_only(), kwargs=_slug),
}
