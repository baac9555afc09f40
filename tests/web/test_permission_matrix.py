"""Every URL pattern × every role → the expected status.

The list of URL names is read from the URL configuration, so a new view without a rule here fails
``test_every_url_pattern_has_a_rule`` and the build.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.conftest import World
from tests.web.permissions import (
    ROLES,
    Rule,
    coordinators_only,
    everyone,
    members_only,
    partnership_slug,
    signed_in,
)

RULES: dict[str, Rule] = {
    "healthz": Rule(everyone(200)),
    "set_language": Rule(everyone(302), method="post", data=lambda w: {"language": "en"}),
    "login": Rule({"anonymous": 200, **{r: 302 for r in ROLES if r != "anonymous"}}),
    "logout": Rule(everyone(302), method="post"),
    "password_change": Rule(signed_in(200)),
    "password_change_done": Rule(signed_in(200)),
    # Asking for a reset link is open to anyone and says the same whoever asks.
    "password_reset": Rule(everyone(200)),
    "password_reset_done": Rule(everyone(200)),
    # A made-up link shows "this link cannot be used".
    "password_reset_confirm": Rule(
        everyone(200), kwargs=lambda w: {"uidb64": "MQ", "token": "set-password"}
    ),
    "password_reset_complete": Rule(everyone(200)),
    "two-factor-setup": Rule(signed_in(200)),
    # Without an authenticator there is no code to give: sent to set one up.
    "two-factor-verify": Rule(signed_in(302)),
    "two-factor-disable": Rule(signed_in(302), method="post"),
    "two-factor-backup-codes": Rule(signed_in(302), method="post"),
    # Members of exactly one partnership are taken straight to it.
    "home": Rule(
        {
            "anonymous": 302,
            "outsider": 302,
            "viewer": 302,
            "reporter": 302,
            "analyst": 302,
            "coordinator": 302,
            "superuser": 200,
        }
    ),
    "partnership-create": Rule({**signed_in(403), "superuser": 200}),
    "invitation-accept": Rule(
        {"anonymous": 200, **{r: 403 for r in ROLES if r != "anonymous"}},
        kwargs=lambda w: {"token": w.invitation.token},
    ),
    "partnership-start": Rule(members_only(), kwargs=partnership_slug),
    "organisation-list": Rule(members_only(), kwargs=partnership_slug),
    "organisation-create": Rule(coordinators_only(), kwargs=partnership_slug),
    "organisation-edit": Rule(
        coordinators_only(), kwargs=lambda w: {"slug": w.a.slug, "org": w.school.slug}
    ),
    "member-list": Rule(coordinators_only(), kwargs=partnership_slug),
    "member-invite": Rule(coordinators_only(), kwargs=partnership_slug),
    "member-history": Rule(coordinators_only(), kwargs=partnership_slug),
    "member-edit": Rule(
        coordinators_only(),
        kwargs=lambda w: {"slug": w.a.slug, "pk": w.memberships["reporter"].pk},
    ),
    "member-remove": Rule(
        coordinators_only(302),
        kwargs=lambda w: {"slug": w.a.slug, "pk": w.memberships["housing_reporter"].pk},
        method="post",
    ),
    "invitation-revoke": Rule(
        coordinators_only(302),
        kwargs=lambda w: {"slug": w.a.slug, "pk": w.invitation.pk},
        method="post",
    ),
    "area-list": Rule(members_only(), kwargs=partnership_slug),
    "area-geojson": Rule(members_only(), kwargs=partnership_slug),
    "area-municipalities": Rule(coordinators_only(), kwargs=partnership_slug),
    "area-import": Rule(coordinators_only(), kwargs=partnership_slug),
    "area-draw": Rule(coordinators_only(), kwargs=partnership_slug),
    "area-delete": Rule(
        coordinators_only(302),
        kwargs=lambda w: {"slug": w.a.slug, "pk": w.drawn_area.pk},
        method="post",
    ),
    # The admin site is one rule: only the superuser gets in; others are sent to its sign-in.
    "admin:index": Rule({**everyone(302), "superuser": 200}),
}


def _load_app_rules() -> None:
    """Merge the rules each app keeps in ``tests/web/permission_rules/<app>.py`` (``RULES``)."""
    import importlib
    import pkgutil

    from tests.web import permission_rules

    for module in pkgutil.iter_modules(permission_rules.__path__):
        extra = importlib.import_module(f"tests.web.permission_rules.{module.name}").RULES
        clash = RULES.keys() & extra.keys()
        assert not clash, f"Rules defined twice: {sorted(clash)}"
        RULES.update(extra)


_load_app_rules()


def _url_names(patterns: list[Any], namespace: str | None = None) -> set[str]:
    names: set[str] = set()
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = p.namespace or namespace
            if ns == "admin":
                names.add("admin:index")
                continue
            names |= _url_names(p.url_patterns, ns)
        elif isinstance(p, URLPattern):
            if p.name is None:
                raise AssertionError(
                    f"URL pattern {p.pattern} has no name; name it and add a rule."
                )
            names.add(f"{namespace}:{p.name}" if namespace else p.name)
    return names


def test_every_url_pattern_has_a_rule() -> None:
    names = _url_names(get_resolver().url_patterns)
    missing = names - RULES.keys()
    stale = RULES.keys() - names
    assert not missing, f"URL patterns without a permission rule: {sorted(missing)}"
    assert not stale, f"Rules for URL names that no longer exist: {sorted(stale)}"


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", sorted(RULES))
def test_permission_matrix(name: str, role: str, world: World, client_for: Any) -> None:
    rule = RULES[name]
    client = client_for(role)
    url = reverse(name, kwargs=rule.kwargs(world))
    response = client.post(url, rule.data(world)) if rule.method == "post" else client.get(url)
    expected = rule.expected[role]
    assert response.status_code == expected, (
        f"{role} on {name} ({rule.method.upper()} {url}): got {response.status_code}, "
        f"expected {expected}"
    )
