"""The weekly meeting's decisions per place: recorded, carried to the next week, closed."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.urls import reverse
from django.utils import timezone

from samtrygg.picture.meeting import monday
from samtrygg.picture.models import MeetingDecision
from tests.conftest import World


def _decide(client: Any, world: World, **data: Any) -> Any:
    values = {
        "place": "Torget (ruta 14.52, 59.33)",
        "what": "Fler vuxna på torget fredag kväll",
        "who": world.kommun.pk,
        "by_when": (timezone.localdate() + timedelta(days=5)).isoformat(),
        **data,
    }
    return client.post(reverse("picture-decision-add", args=[world.a.slug]), values)


def test_the_coordinator_records_a_decision_that_everyone_sees_on_the_picture(
    world: World, client_for: Any
) -> None:
    assert _decide(client_for("coordinator"), world).status_code == 302
    decision = MeetingDecision.objects.get()
    assert decision.week == monday(timezone.localdate())
    html = client_for("viewer").get(reverse("picture", args=[world.a.slug])).content.decode()
    assert "Fler vuxna på torget fredag kväll" in html and "Alfa kommun" in html
    assert "Registrera ett beslut" not in html  # viewers do not decide


def test_an_open_decision_is_carried_to_the_next_weeks_and_leaves_once_done(
    world: World, client_for: Any
) -> None:
    old = MeetingDecision.objects.create(
        partnership=world.a,
        week=monday(timezone.localdate()) - timedelta(days=14),
        place="Busstationen",
        what="Ny belysning i väntsalen",
        who=world.kommun,
        by_when=timezone.localdate() - timedelta(days=2),
    )
    client = client_for("coordinator")
    html = client.get(reverse("picture", args=[world.a.slug])).content.decode()
    assert "Ny belysning i väntsalen" in html and "försenat" in html
    client.post(reverse("picture-decision-done", args=[world.a.slug, old.pk]))
    old.refresh_from_db()
    assert old.done_at is not None
    # Done this week: still named once, no longer among the open ones.
    html = client.get(reverse("picture", args=[world.a.slug])).content.decode()
    assert "Inga öppna beslut." in html


def test_a_decision_with_personal_data_or_no_owner_is_refused(
    world: World, client_for: Any
) -> None:
    client = client_for("coordinator")
    _decide(client, world, what="Ring Kalle på 070-123 45 67")
    _decide(client, world, who="")
    assert not MeetingDecision.objects.exists()


def test_reporters_and_viewers_cannot_record_decisions(world: World, client_for: Any) -> None:
    assert _decide(client_for("reporter"), world).status_code == 403
    assert _decide(client_for("viewer"), world).status_code == 403
    assert not MeetingDecision.objects.exists()


def test_monday_is_the_start_of_the_iso_week() -> None:
    assert monday(date(2026, 12, 6)) == date(2026, 11, 30)
    assert monday(date(2026, 11, 30)) == date(2026, 11, 30)
