"""The public page: everyone, signed in or not, reads a partnership's published content."""

from __future__ import annotations

from typing import Any

from tests.conftest import World
from tests.web.permissions import Rule, everyone


def _published(w: World) -> dict[str, Any]:
    from tests.agreements.helpers import make_agreement

    make_agreement(w, status="published")
    return {"slug": w.a.slug}


RULES: dict[str, Rule] = {
    "public-page": Rule(everyone(200), kwargs=_published),
    "public-map-data": Rule(everyone(200), kwargs=_published),
}
