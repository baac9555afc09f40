"""Rules for the reference-data pages: staff import and delete, viewers read, reporters see none."""

from __future__ import annotations

from typing import Any

from tests.conftest import World
from tests.web.permissions import Rule, members_only
from tests.web.permissions import partnership_slug as _slug

STAFF = {**members_only(), "viewer": 403, "reporter": 403}
STAFF_REDIRECT = {**members_only(302), "viewer": 403, "reporter": 403}
READERS = {**members_only(), "reporter": 403}


def _series(w: World) -> dict[str, Any]:
    from django.utils import timezone

    from samtrygg.reference.models import ReferenceSeries

    series = ReferenceSeries.objects.create(
        partnership=w.a,
        source="kolada",
        indicator_code="N07403",
        name="Anmälda våldsbrott",
        imported_at=timezone.now(),
    )
    series.values.create(region_code="00", region_name="Riket", level="riket", year=2024, value=1)
    return {"slug": w.a.slug, "pk": series.pk}


RULES: dict[str, Rule] = {
    "reference-list": Rule(READERS, kwargs=lambda w: (_series(w), _slug(w))[1]),
    "reference-import": Rule(STAFF, kwargs=_slug),
    "reference-delete": Rule(STAFF_REDIRECT, kwargs=_series, method="post"),
}
