"""The start page is a task list per role: what each person should do next."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.urls import reverse

from tests.agreements.helpers import make_agreement
from tests.conftest import World
from tests.followup import helpers as f


def _start(client: Any, world: World) -> str:
    response = client.get(reverse("partnership-start", args=[world.a.slug]))
    assert response.status_code == 200
    return response.content.decode()


def test_coordinator_sees_overdue_and_upcoming_activities_first(
    world: World, client_for: Any
) -> None:
    m = f.measure(world)
    f.activity(m, "Byt lampor i parken", f.today() - timedelta(days=3))
    f.activity(m, "Planerad parkvandring", f.today() + timedelta(days=5))
    f.activity(m, "Klart sedan länge", f.today() - timedelta(days=9), status="done")
    f.activity(m, "Nästa år", f.today() + timedelta(days=200))
    html = _start(client_for("coordinator"), world)
    overdue = html.index("Byt lampor i parken")
    assert "task-overdue" in html[html.rindex("<li", 0, overdue) : overdue]
    assert overdue < html.index("Planerad parkvandring")
    assert "Klart sedan länge" not in html and "Nästa år" not in html


def test_a_reporter_sees_only_the_activities_of_their_own_organisation(
    world: World, client_for: Any
) -> None:
    m = f.measure(world)
    f.activity(m, "Kommunens aktivitet", f.today() + timedelta(days=2))
    m.activities.create(
        title="Skolans aktivitet",
        owner_organisation=world.school,
        deadline=f.today() + timedelta(days=2),
    )
    html = _start(client_for("reporter"), world)
    assert "Skolans aktivitet" in html and "Kommunens aktivitet" not in html


def test_staff_are_asked_for_values_of_indicators_that_have_none_recent(
    world: World, client_for: Any
) -> None:
    goal = f.goal(world)
    stale = f.indicator(goal, "Upplevd trygghet", None)
    f.indicator(goal, "Nyss mätt", 90)
    html = _start(client_for("analyst"), world)
    assert "Upplevd trygghet" in html and "Nyss mätt" not in html
    assert reverse("indicator-value-add", args=[world.a.slug, stale.pk]) in html
    assert "Upplevd trygghet" not in _start(client_for("viewer"), world)


def test_the_signatory_is_asked_to_sign_and_the_coordinator_sees_who_is_awaited(
    world: World, client_for: Any
) -> None:
    world.memberships["viewer"].organisation = world.school
    world.memberships["viewer"].save()
    agreement = make_agreement(
        world,
        status="review",
        parties=((world.kommun, "Kommunstyrelsens ordförande"), (world.school, "Rektor")),
    )
    viewer = _start(client_for("viewer"), world)
    assert "Din underskrift väntas" in viewer
    assert reverse("agreement-detail", args=[world.a.slug, agreement.pk]) in viewer
    coordinator = _start(client_for("coordinator"), world)
    # The coordinator signs for the municipality and is told so; the school's is awaited too.
    assert agreement.title in coordinator
    assert "Din underskrift" not in _start(client_for("analyst"), world)


def test_reporters_get_a_report_button_and_viewers_do_not(world: World, client_for: Any) -> None:
    url = reverse("incident-report", args=[world.a.slug])
    assert f'class="button button-large" href="{url}"' in _start(client_for("reporter"), world)
    assert f'href="{url}"' not in _start(client_for("viewer"), world)


def test_nothing_to_do_is_said_plainly(world: World, client_for: Any) -> None:
    html = _start(client_for("viewer"), world)
    assert "Inget väntar på dig just nu." in html
