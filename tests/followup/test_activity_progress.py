"""Partner staff responsible for an activity report its progress themselves."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.urls import reverse

from samtrygg.plans.models import ChangeRecord
from tests.conftest import World
from tests.followup import helpers as f


def _school_activity(world: World, **fields: Any) -> Any:
    m = f.measure(world)
    return m.activities.create(
        title="Rastvakter på skolgården",
        owner_organisation=world.school,
        deadline=f.today() + timedelta(days=7),
        **fields,
    )


def _progress_url(world: World, activity: Any) -> str:
    return reverse("activity-progress", args=[world.a.slug, activity.pk])


def test_the_reporter_of_the_responsible_school_reports_progress_and_it_is_recorded(
    world: World, client_for: Any
) -> None:
    activity = _school_activity(world)
    client = client_for("reporter")
    mine = client.get(reverse("activity-mine", args=[world.a.slug])).content.decode()
    assert "Rastvakter på skolgården" in mine
    response = client.post(
        _progress_url(world, activity), {"status": "ongoing", "progress": 40, "hours": "6"}
    )
    assert response.status_code == 302
    activity.refresh_from_db()
    assert activity.status == "ongoing" and activity.progress == 40
    change = ChangeRecord.objects.get(action="progress", object_id=activity.pk)
    assert change.actor == world.users["reporter"] and change.details["progress"] == "40"


def test_another_organisations_reporter_may_not_report_it(world: World, client_for: Any) -> None:
    activity = _school_activity(world)
    client = client_for("housing_reporter")
    assert client.get(_progress_url(world, activity)).status_code == 403
    mine = client.get(reverse("activity-mine", args=[world.a.slug])).content.decode()
    assert "Rastvakter på skolgården" not in mine


def test_the_named_responsible_member_may_report_it_whatever_their_role(
    world: World, client_for: Any
) -> None:
    activity = _school_activity(world, responsible=world.users["viewer"])
    response = client_for("viewer").post(
        _progress_url(world, activity), {"status": "done", "progress": 100}
    )
    assert response.status_code == 302
    activity.refresh_from_db()
    assert activity.status == "done"


def test_progress_of_more_than_a_hundred_per_cent_is_refused(world: World, client_for: Any) -> None:
    activity = _school_activity(world)
    response = client_for("reporter").post(
        _progress_url(world, activity), {"status": "ongoing", "progress": 140}
    )
    assert response.status_code == 200
    activity.refresh_from_db()
    assert activity.progress == 0


def test_the_start_page_leads_the_reporter_to_the_progress_form(
    world: World, client_for: Any
) -> None:
    activity = _school_activity(world)
    html = client_for("reporter").get(reverse("partnership-start", args=[world.a.slug]))
    assert _progress_url(world, activity) in html.content.decode()
