"""Rules for the web import of incident files (the import paths in ``incidents/urls.py``)."""

from __future__ import annotations

from typing import Any

from tests.conftest import World
from tests.web.permissions import Rule, members_only


def _slug(w: World) -> dict[str, Any]:
    return {"slug": w.a.slug}


# Coordinators, analysts and reporters import; viewers may not.
IMPORTERS = {**members_only(), "viewer": 403}
# Without a stored upload the mapping step sends importers back to the upload step.
IMPORTERS_REDIRECTED = {**members_only(302), "viewer": 403}
# The history is for those who see all of the partnership's data.
STAFF = {**members_only(), "viewer": 403, "reporter": 403}

RULES: dict[str, Rule] = {
    "incident-import": Rule(IMPORTERS, kwargs=_slug),
    "incident-import-mapping": Rule(IMPORTERS_REDIRECTED, kwargs=_slug),
    "incident-import-history": Rule(STAFF, kwargs=_slug),
    # Without columns chosen for a stored upload, the value step sends importers to the mapping.
    "incident-import-values": Rule(IMPORTERS_REDIRECTED, kwargs=_slug),
    # The school's template: its reporter, coordinators and analysts; other reporters get 404.
    "incident-import-template": Rule(
        IMPORTERS, kwargs=lambda w: {"slug": w.a.slug, "organisation": w.school.pk, "fmt": "xlsx"}
    ),
}
