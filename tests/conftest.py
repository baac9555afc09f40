"""Shared fixtures: the personas of docs/conventions.md.

Partnership A ("Alfa") has a coordinator, an analyst, a reporter at a school, a reporter at a
housing company and a viewer; an outsider coordinates partnership B and must see nothing of A.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

PASSWORD = "correct-horse-battery-staple-42"


@dataclass
class World:
    a: Any
    b: Any
    school: Any
    housing: Any
    kommun: Any
    users: dict[str, Any]
    memberships: dict[str, Any]
    drawn_area: Any
    invitation: Any


def make_user(email: str, *, superuser: bool = False) -> Any:
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.create_user(
        username=email, email=email, password=PASSWORD, first_name=email.split("@")[0].title()
    )
    if superuser:
        user.is_superuser = user.is_staff = True
        user.save()
    return user


def build_world() -> World:
    from shapely.geometry import box

    from samtrygg.areas import services as area_services
    from samtrygg.partnerships.models import (
        Invitation,
        Membership,
        Organisation,
        Partnership,
        Role,
    )

    a = Partnership.objects.create(name="Alfa", slug="alfa")
    b = Partnership.objects.create(name="Beta", slug="beta")
    kommun = Organisation.objects.create(
        partnership=a, name="Alfa kommun", slug="alfa-kommun", kind="kommun"
    )
    school = Organisation.objects.create(
        partnership=a, name="Alfaskolan", slug="alfaskolan", kind="skola"
    )
    housing = Organisation.objects.create(
        partnership=a, name="Alfahem", slug="alfahem", kind="bostadsbolag"
    )
    Organisation.objects.create(
        partnership=b, name="Beta kommun", slug="beta-kommun", kind="kommun"
    )
    users = {
        "coordinator": make_user("coordinator@alfa.test"),
        "analyst": make_user("analyst@alfa.test"),
        "reporter": make_user("reporter@alfa.test"),
        "housing_reporter": make_user("housing@alfa.test"),
        "viewer": make_user("viewer@alfa.test"),
        "outsider": make_user("outsider@beta.test"),
        "superuser": make_user("root@samtrygg.test", superuser=True),
    }
    memberships = {
        "coordinator": Membership.objects.create(
            user=users["coordinator"], partnership=a, role=Role.COORDINATOR, organisation=kommun
        ),
        "analyst": Membership.objects.create(
            user=users["analyst"], partnership=a, role=Role.ANALYST
        ),
        "reporter": Membership.objects.create(
            user=users["reporter"], partnership=a, role=Role.REPORTER, organisation=school
        ),
        "housing_reporter": Membership.objects.create(
            user=users["housing_reporter"], partnership=a, role=Role.REPORTER, organisation=housing
        ),
        "viewer": Membership.objects.create(user=users["viewer"], partnership=a, role=Role.VIEWER),
        "outsider": Membership.objects.create(
            user=users["outsider"], partnership=b, role=Role.COORDINATOR
        ),
    }
    drawn = area_services.create_drawn_area(a, "Centrum", box(14.50, 59.32, 14.53, 59.34), None)
    invitation = Invitation.objects.create(
        partnership=a, email="newcomer@alfa.test", role=Role.VIEWER
    )
    return World(a, b, school, housing, kommun, users, memberships, drawn, invitation)


@pytest.fixture
def world(db: Any, settings: Any) -> World:
    # Argon2 is deliberately slow; tests that are not about hashing use a fast hasher.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    return build_world()


@pytest.fixture
def client_for(client: Any, world: World) -> Any:
    """Return a function that signs the test client in as a persona (or out, for 'anonymous')."""

    def sign_in(persona: str) -> Any:
        client.logout()
        if persona != "anonymous":
            client.force_login(
                world.users[persona], backend="django.contrib.auth.backends.ModelBackend"
            )
        return client

    return sign_in


@pytest.fixture(autouse=True)
def _default_language() -> Any:
    """Each test starts in the default language (Swedish): a request through the locale
    middleware leaves its language active in the thread, which would leak into the next test."""
    from django.utils import translation

    translation.deactivate()
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _fresh_cache(settings: Any) -> None:
    """Each test starts with an empty cache of its own process: ids are reused after a
    rolled-back test, and parallel workers must not share the data directory's file cache."""
    from django.core.cache import cache

    from samtrygg.public import views as public_views

    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        "local": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "t"},
    }
    cache.clear()
    from django.core.cache import caches

    caches["local"].clear()
    public_views.forget_kept()  # the public pages and slugs a worker keeps in memory
    from samtrygg.picture import kept

    kept.forget_all()  # and the weekly pictures


@pytest.fixture(autouse=True)
def _maps_offline(settings: Any) -> None:
    """Tests never fetch map tiles from the internet (the default tile layer is online)."""
    settings.MAP_TILE_URL = ""
    settings.MAP_TILE_ATTRIBUTION = ""


# A Monday in spring, inside the test agreements' period (2026-01-01 to 2027-12-31).
FROZEN_NOW = (2026, 3, 2, 9, 30)


@pytest.fixture
def frozen_now(monkeypatch: pytest.MonkeyPatch) -> Any:
    """Stop Django's clock at FROZEN_NOW (UTC), so tests of documents that print dates pass on
    any day: every ``timezone.now()``, ``localtime()`` and ``localdate()`` returns this moment."""
    from datetime import UTC, datetime

    from django.utils import timezone

    moment = datetime(*FROZEN_NOW, tzinfo=UTC)
    monkeypatch.setattr(timezone, "now", lambda: moment)
    return moment
