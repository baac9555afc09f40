"""The situational picture: every member (viewers included) reads it and exports what they may."""

from __future__ import annotations

from tests.web.permissions import Rule, members_only, partnership_slug

RULES: dict[str, Rule] = {
    "picture": Rule(members_only(), kwargs=partnership_slug),
    "picture-export": Rule(members_only(), kwargs=partnership_slug),
    "picture-map-data": Rule(members_only(), kwargs=partnership_slug),
}
