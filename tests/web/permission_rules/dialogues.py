"""Rules for the dialogue pages: members read; coordinators and analysts record."""

from __future__ import annotations

from datetime import date
from typing import Any

from tests.conftest import World
from tests.web.permissions import Rule, members_only
from tests.web.permissions import partnership_slug as _slug

STAFF = {**members_only(), "viewer": 403, "reporter": 403}


def _dialogue(w: World) -> dict[str, Any]:
    from samtrygg.dialogues.models import Dialogue

    d = Dialogue.objects.create(
        partnership=w.a, title="Dialog", kind="citizen", form="meeting", held_on=date(2026, 4, 1)
    )
    return {"slug": w.a.slug, "pk": d.pk}


RULES: dict[str, Rule] = {
    "dialogue-list": Rule(members_only(), kwargs=_slug),
    "dialogue-create": Rule(STAFF, kwargs=_slug),
    "dialogue-detail": Rule(members_only(), kwargs=_dialogue),
    "dialogue-edit": Rule(STAFF, kwargs=_dialogue),
}
