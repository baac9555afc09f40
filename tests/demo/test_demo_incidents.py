"""Loading synthetic demo incidents: labelled synthetic, linked to areas, replaced on reload."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from samtrygg.areas import services as area_services
from samtrygg.areas.models import Area
from samtrygg.demo.incidents import load_demo_incidents
from samtrygg.incidents.models import Incident, IncidentArea, Source
from samtrygg.partnerships.models import Organisation
from samtrygg.sources.synthetic import DEMO_ORGANISATIONS

END = datetime(2026, 11, 1, tzinfo=UTC)


@pytest.fixture
def demo_world(world: Any) -> Any:
    area_services.set_municipalities(world.a, ["1883", "1862"], None)
    for slug in DEMO_ORGANISATIONS:
        Organisation.objects.create(partnership=world.a, name=slug, slug=slug, kind="kommun")
    return world


def test_demo_incidents_are_created_as_synthetic_and_linked_to_areas(demo_world: Any) -> None:
    created = load_demo_incidents(demo_world.a, n=1500, seed=2026, end=END)
    incidents = Incident.objects.filter(partnership=demo_world.a)
    assert created == incidents.count()
    assert abs(created - 1500) < 150
    assert incidents.filter(source=Source.DEMO, is_synthetic=True).count() == created
    assert set(incidents.values_list("organisation__slug", flat=True)) == set(DEMO_ORGANISATIONS)
    assert incidents.filter(source_id="demo-0").exists()
    assert incidents.filter(occurred_from__gt=END).count() == 0

    municipalities = Area.objects.municipalities().filter(partnership=demo_world.a)
    in_a_municipality = incidents.filter(areas__in=municipalities).distinct().count()
    assert in_a_municipality == created
    centrum = incidents.filter(areas=demo_world.drawn_area).count()
    assert 0 < centrum < created
    assert incidents.filter(areas=demo_world.drawn_area, place="Degerfors centrum").count() == 0


def test_reloading_replaces_the_demo_incidents_and_keeps_real_ones(demo_world: Any) -> None:
    first = load_demo_incidents(demo_world.a, n=400, seed=1, end=END)
    real = Incident.objects.filter(partnership=demo_world.a).first()
    assert real is not None
    real.pk = None
    real.source, real.source_id, real.is_synthetic = Source.FORM, "", False
    real.save()

    second = load_demo_incidents(demo_world.a, n=400, seed=1, end=END)
    assert second == first
    assert Incident.objects.filter(partnership=demo_world.a, source=Source.DEMO).count() == second
    assert Incident.objects.filter(partnership=demo_world.a, source=Source.FORM).count() == 1
    links = IncidentArea.objects.filter(
        incident__partnership=demo_world.a, incident__source=Source.DEMO
    )
    assert links.values("incident").distinct().count() == second


def test_a_partnership_without_the_demo_organisations_uses_its_own(world: Any) -> None:
    created = load_demo_incidents(world.a, n=200, seed=5, end=END)
    slugs = set(
        Incident.objects.filter(partnership=world.a).values_list("organisation__slug", flat=True)
    )
    assert created > 0
    assert slugs <= {"alfa-kommun", "alfaskolan", "alfahem"}
    assert Incident.objects.filter(partnership=world.b).count() == 0
