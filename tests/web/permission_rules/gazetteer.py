"""Rules for the gazetteer pages and the review list of unplaced names: coordinators only;
the maps' place search: every member of the partnership."""

from __future__ import annotations

from tests.web.permissions import Rule, coordinators_only, members_only
from tests.web.permissions import partnership_slug as _slug

RULES: dict[str, Rule] = {
    "gazetteer": Rule(coordinators_only(), kwargs=_slug),
    "gazetteer-place-add": Rule(coordinators_only(), kwargs=_slug),
    "gazetteer-search": Rule(members_only(), kwargs=_slug),
    "incident-place-review": Rule(coordinators_only(), kwargs=_slug),
}
