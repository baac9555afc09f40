"""Rules for the EST report form, the incident pages and the category code list."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from tests.conftest import World
from tests.web.permissions import Rule, coordinators_only, members_only


def _slug(w: World) -> dict[str, Any]:
    return {"slug": w.a.slug}


def _category(w: World) -> Any:
    from samtrygg.incidents.categories import seed_categories

    return seed_categories(w.a)[0]


def _school_incident(w: World) -> dict[str, Any]:
    """A sensitive incident the reporter filed for the school, shared only within it.

    README: the details of sensitive categories are for analysts, coordinators and the reporter
    who filed the report (a colleague's are not: tests/incidents/test_visibility.py).
    """
    from django.utils import timezone

    from samtrygg.incidents.models import Incident, Sharing

    category = _category(w)
    category.is_sensitive = True
    category.save()
    when = timezone.now() - timedelta(days=1)
    incident = Incident.objects.create(
        partnership=w.a,
        organisation=w.school,
        created_by=w.users["reporter"],
        category=category,
        occurred_from=when,
        occurred_to=when,
        lon=14.51,
        lat=59.33,
        sharing=Sharing.ORGANISATION,
    )
    return {"slug": w.a.slug, "pk": incident.pk}


def _own_report(w: World, **fields: Any) -> dict[str, Any]:
    """A report the reporter sent from the form, shared with the partnership (so the analyst
    sees it, and may still not change it)."""
    from django.utils import timezone

    from samtrygg.incidents.models import Incident, Sharing, Source

    when = timezone.now() - timedelta(days=1)
    incident = Incident.objects.create(
        partnership=w.a,
        organisation=w.school,
        created_by=w.users["reporter"],
        category=_category(w),
        occurred_from=when,
        occurred_to=when,
        lon=14.51,
        lat=59.33,
        sharing=Sharing.PARTNERSHIP,
        source=Source.FORM,
        **fields,
    )
    return {"slug": w.a.slug, "pk": incident.pk}


def _withdrawn_report(w: World) -> dict[str, Any]:
    from django.utils import timezone

    return _own_report(w, withdrawn_at=timezone.now(), version=3)


# Only the report's own reporter and coordinators change it: analysts read, viewers see
# aggregates (reporters of another organisation: tests/incidents/test_corrections.py).
_changers = {**members_only(), "viewer": 403, "analyst": 403}

# Viewers see aggregates only; analysts without an organisation cannot report for one.
_details = {**members_only(), "viewer": 403}

RULES: dict[str, Rule] = {
    "incident-report": Rule({**_details, "analyst": 403}, kwargs=_slug),
    "incident-list": Rule(_details, kwargs=_slug),
    "incident-detail": Rule(_details, kwargs=_school_incident),
    "incident-correct": Rule(_changers, kwargs=_own_report),
    "incident-withdraw": Rule(_changers, kwargs=_own_report),
    # Restored, the report is shown again on its page.
    "incident-restore": Rule(
        {**_changers, "reporter": 302, "coordinator": 302, "superuser": 302},
        kwargs=_withdrawn_report,
        method="post",
        data=lambda w: {"version": "3"},
    ),
    "category-list": Rule(coordinators_only(), kwargs=_slug),
    "incidents-access-log": Rule(coordinators_only(), kwargs=_slug),
    "category-create": Rule(coordinators_only(), kwargs=_slug),
    "category-edit": Rule(
        coordinators_only(), kwargs=lambda w: {"slug": w.a.slug, "pk": _category(w).pk}
    ),
    "category-retire": Rule(
        coordinators_only(302),
        kwargs=lambda w: {"slug": w.a.slug, "pk": _category(w).pk},
        method="post",
    ),
}
