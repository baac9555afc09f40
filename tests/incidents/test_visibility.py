"""Who sees which incidents: sharing levels, sensitive categories, outsiders and viewers."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from samtrygg.incidents.categories import seed_categories
from samtrygg.incidents.models import Category, Incident, Sharing
from tests.incidents.test_report import event, post_data


@pytest.fixture
def categories(world: Any) -> dict[str, Category]:
    return {c.name: c for c in seed_categories(world.a)}


def report_via_form(world: Any, client_for: Any, category: Category, sharing: str) -> Incident:
    client = client_for("reporter")
    response = client.post(
        reverse("incident-report", args=[world.a.slug]),
        post_data(event(category, description="Trasig belysning i gångtunneln."), sharing=sharing),
    )
    assert response.status_code == 302
    return Incident.objects.latest("pk")


def make(
    world: Any, category: Category, org: Any, sharing: str = Sharing.PARTNERSHIP, days: int = 1
) -> Incident:
    when = timezone.now() - timedelta(days=days)
    return Incident.objects.create(
        partnership=world.a,
        organisation=org,
        category=category,
        occurred_from=when,
        occurred_to=when,
        lon=14.51,
        lat=59.33,
        place="Stationen",
        sharing=sharing,
    )


def detail(world: Any, incident: Incident) -> str:
    return reverse("incident-detail", args=[world.a.slug, incident.pk])


def listing(world: Any) -> str:
    return reverse("incident-list", args=[world.a.slug])


def test_report_shared_within_the_organisation_reaches_only_it_and_the_staff(
    world: Any, client_for: Any, categories: dict[str, Category]
) -> None:
    incident = report_via_form(
        world, client_for, categories["belysning/mörk plats"], Sharing.ORGANISATION
    )
    for persona in ("reporter", "coordinator", "analyst", "superuser"):
        client = client_for(persona)
        assert client.get(detail(world, incident)).status_code == 200, persona
        assert incident in client.get(listing(world)).context["page"].object_list, persona
    assert client_for("housing_reporter").get(detail(world, incident)).status_code == 404
    assert not client_for("housing_reporter").get(listing(world)).context["page"].object_list
    assert client_for("outsider").get(detail(world, incident)).status_code == 404
    assert client_for("outsider").get(listing(world)).status_code == 404
    assert client_for("viewer").get(detail(world, incident)).status_code == 403
    assert client_for("viewer").get(listing(world)).status_code == 403


def test_report_shared_with_the_partnership_reaches_other_organisations_reporters(
    world: Any, client_for: Any, categories: dict[str, Category]
) -> None:
    incident = report_via_form(world, client_for, categories["nedskräpning"], Sharing.PARTNERSHIP)
    client = client_for("housing_reporter")
    response = client.get(detail(world, incident))
    assert response.status_code == 200
    assert "Trasig belysning i gångtunneln." in response.content.decode()
    assert client_for("outsider").get(detail(world, incident)).status_code == 404


def test_sensitive_category_details_are_hidden_from_other_organisations_even_when_shared(
    world: Any, client_for: Any, categories: dict[str, Category]
) -> None:
    sensitive = categories["våld/hot"]
    sensitive.is_sensitive = True
    sensitive.save()
    incident = report_via_form(world, client_for, sensitive, Sharing.PARTNERSHIP)
    assert client_for("housing_reporter").get(detail(world, incident)).status_code == 404
    assert not client_for("housing_reporter").get(listing(world)).context["page"].object_list
    assert client_for("reporter").get(detail(world, incident)).status_code == 200
    assert client_for("analyst").get(detail(world, incident)).status_code == 200
    assert client_for("coordinator").get(detail(world, incident)).status_code == 200


def test_list_is_newest_first_filtered_by_category_and_paginated(
    world: Any, client_for: Any, categories: dict[str, Category]
) -> None:
    brand, klotter = categories["brand"], categories["skadegörelse/klotter"]
    made = [make(world, brand if i % 3 else klotter, world.school, days=i + 1) for i in range(30)]
    client = client_for("coordinator")
    first = client.get(listing(world)).context["page"]
    assert first.paginator.count == 30 and first.paginator.num_pages == 2
    assert first.object_list[0] == made[-1]  # Registered last, shown first.
    second = client.get(listing(world), {"page": 2}).context["page"]
    assert len(second.object_list) == 5
    filtered = client.get(listing(world), {"category": klotter.pk}).context["page"]
    assert {i.category for i in filtered.object_list} == {klotter}
    assert filtered.paginator.count == 10
    assert client.get(listing(world), {"category": "x", "page": "99"}).status_code == 200


def test_sent_confirmation_shows_only_the_senders_own_report(
    world: Any, client_for: Any, categories: dict[str, Category]
) -> None:
    incident = report_via_form(world, client_for, categories["brand"], Sharing.PARTNERSHIP)
    sent = {"sent": incident.report_id}
    assert client_for("reporter").get(listing(world), sent).context["sent"] == [incident]
    assert client_for("housing_reporter").get(listing(world), sent).context["sent"] == []


def test_detail_shows_place_time_and_areas_to_the_staff(
    world: Any, client_for: Any, categories: dict[str, Category]
) -> None:
    incident = report_via_form(world, client_for, categories["brand"], Sharing.ORGANISATION)
    html = client_for("analyst").get(detail(world, incident)).content.decode()
    assert "Torget" in html and "Centrum" in html and "2025-11-20 14:30" in html
    assert 'id="incident-map"' in html and 'data-lon="14.515000"' in html


def test_other_partnerships_incident_is_not_found_through_this_partnership(
    world: Any, client_for: Any, categories: dict[str, Category]
) -> None:
    foreign_category = seed_categories(world.b)[0]
    from samtrygg.partnerships.models import Organisation

    beta_org = Organisation.objects.get(partnership=world.b)
    when = timezone.now() - timedelta(days=1)
    foreign = Incident.objects.create(
        partnership=world.b,
        organisation=beta_org,
        category=foreign_category,
        occurred_from=when,
        occurred_to=when,
    )
    assert client_for("coordinator").get(detail(world, foreign)).status_code == 404


def test_a_reporter_sees_their_own_sensitive_reports_but_not_a_colleagues(
    world: Any, client_for: Any, categories: Any
) -> None:
    """README: sensitive details are for analysts, coordinators and the reporter who filed them;
    a colleague in the same organisation gets them only as protected counts."""
    from samtrygg.partnerships.models import Membership, Role
    from tests.conftest import make_user

    sensitive = categories["våld/hot"]
    sensitive.is_sensitive = True
    sensitive.save()
    own = report_via_form(world, client_for, sensitive, Sharing.ORGANISATION)
    colleague = make_user("kollega@alfa.test")
    Membership.objects.create(
        user=colleague, partnership=world.a, role=Role.REPORTER, organisation=world.school
    )
    client = client_for("reporter")
    assert client.get(detail(world, own)).status_code == 200
    client.force_login(colleague, backend="django.contrib.auth.backends.ModelBackend")
    assert client.get(detail(world, own)).status_code == 404
    assert own not in client.get(listing(world)).context["page"].object_list
    # An ordinary incident of the organisation stays visible to the colleague.
    ordinary = report_via_form(world, client_for, categories["nedskräpning"], Sharing.ORGANISATION)
    client.force_login(colleague, backend="django.contrib.auth.backends.ModelBackend")
    assert client.get(detail(world, ordinary)).status_code == 200
