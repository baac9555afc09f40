"""The dashboard: lights per indicator, red lights needing action, the note form, deadlines."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.urls import reverse
from django.utils import timezone

from samtrygg.followup import services
from samtrygg.followup.lights import Light
from samtrygg.followup.models import FollowUpNote
from samtrygg.plans.models import ActionPlan, ChangeRecord, DocumentStatus
from tests.conftest import World
from tests.followup import helpers as h


def _url(world: World, name: str = "followup-dashboard", **kw: Any) -> str:
    return reverse(name, kwargs={"slug": world.a.slug, **kw})


def _statuses(response: Any) -> dict[str, Any]:
    return {s.indicator.name: s for _g, ss in response.context["data"].goals for s in ss}


def test_dashboard_shows_a_light_for_every_indicator(world: World, client_for: Any) -> None:
    goal = h.goal(world)
    h.indicator(goal, "On track", 90)
    h.indicator(goal, "Behind", 95)
    h.indicator(goal, "Wrong way", 110)
    h.indicator(goal, "No data", None)
    response = client_for("coordinator").get(_url(world))
    assert response.status_code == 200
    lights = {name: s.light for name, s in _statuses(response).items()}
    assert lights == {
        "On track": "green",
        "Behind": "yellow",
        "Wrong way": "red",
        "No data": "unknown",
    }
    counts = {light: n for light, _label, n in response.context["data"].counts}
    assert counts == {"green": 1, "yellow": 1, "red": 1, "unknown": 1}
    body = response.content.decode()
    assert 'class="light light-red"' in body and 'class="light light-unknown"' in body


def test_computed_indicator_uses_the_live_count(world: World, client_for: Any) -> None:
    cat = h.category(world)
    goal = h.goal(world)
    t = h.today()
    # 100 → 80 over two years, one year in: 12 incidents in the last year is far ahead (green);
    # 120 would be red. Computed values count the last 12 months in the area.
    ind = h.indicator(goal, "Computed", None, category=cat, area=world.drawn_area)
    for i in range(12):
        h.incident(world, cat, t - timedelta(days=5 + i), [world.drawn_area])
    h.incident(world, cat, t - timedelta(days=400), [world.drawn_area])  # older than a year
    h.incident(world, cat, t - timedelta(days=3), [])  # outside the area
    status = services.indicator_status(ind, t)
    assert status.current == 12
    assert status.as_of == t
    assert status.result.light == Light.GREEN


def test_red_indicator_without_note_is_flagged_with_a_form(world: World, client_for: Any) -> None:
    red = h.indicator(h.goal(world), "Klotteranmälningar", 110)
    response = client_for("coordinator").get(_url(world))
    data = response.context["data"]
    assert [s.indicator for s in data.needing_action] == [red]
    body = response.content.decode()
    assert f'id="note-{red.pk}"' in body
    assert f'action="{_url(world, "followup-note", pk=red.pk)}"' in body


def test_viewer_sees_the_flag_but_no_form(world: World, client_for: Any) -> None:
    red = h.indicator(h.goal(world), "Klotteranmälningar", 110)
    response = client_for("viewer").get(_url(world))
    assert response.status_code == 200
    assert len(response.context["data"].needing_action) == 1
    assert f'id="note-{red.pk}"' not in response.content.decode()


def test_coordinator_writes_the_corrective_measure(world: World, client_for: Any) -> None:
    red = h.indicator(h.goal(world), "Klotteranmälningar", 110)
    client = client_for("coordinator")
    text = "Målet nås inte i år; vi sätter upp belysning och ökar tillsynen."
    response = client.post(_url(world, "followup-note", pk=red.pk), {"text": text})
    assert response.status_code == 302
    assert response["Location"].endswith(f"#indicator-{red.pk}")
    note = FollowUpNote.objects.get(indicator=red)
    assert (note.text, note.light, note.author) == (text, "red", world.users["coordinator"])
    assert ChangeRecord.objects.filter(object_type="followupnote", object_id=note.pk).exists()
    page = client.get(_url(world))
    assert page.context["data"].needing_action == []
    assert text in page.content.decode()
    assert f'id="note-{red.pk}"' not in page.content.decode()


def test_analyst_may_write_the_corrective_measure(world: World, client_for: Any) -> None:
    red = h.indicator(h.goal(world), "Klotteranmälningar", 110)
    client_for("analyst").post(_url(world, "followup-note", pk=red.pk), {"text": "Åtgärd"})
    assert FollowUpNote.objects.filter(indicator=red).count() == 1


def test_empty_note_is_refused(world: World, client_for: Any) -> None:
    red = h.indicator(h.goal(world), "Klotteranmälningar", 110)
    response = client_for("coordinator").post(
        _url(world, "followup-note", pk=red.pk), {"text": "   "}
    )
    assert response.status_code == 302
    assert not FollowUpNote.objects.exists()


def test_note_is_refused_for_an_indicator_that_is_not_red(world: World, client_for: Any) -> None:
    green = h.indicator(h.goal(world), "On track", 90)
    client_for("coordinator").post(_url(world, "followup-note", pk=green.pk), {"text": "x"})
    assert not FollowUpNote.objects.exists()


def test_note_for_another_partnerships_indicator_is_404(world: World, client_for: Any) -> None:
    red = h.indicator(h.goal(world), "Klotteranmälningar", 110)
    response = client_for("outsider").post(
        reverse("followup-note", kwargs={"slug": world.b.slug, "pk": red.pk}), {"text": "x"}
    )
    assert response.status_code == 404
    assert not FollowUpNote.objects.exists()


def test_a_note_older_than_a_year_no_longer_counts(world: World) -> None:
    red = h.indicator(h.goal(world), "Klotteranmälningar", 110)
    note = FollowUpNote.objects.create(indicator=red, light="red", text="Gammal åtgärd")
    FollowUpNote.objects.filter(pk=note.pk).update(
        created=timezone.now() - timedelta(days=services.NOTE_VALID_DAYS + 1)
    )
    assert services.indicator_status(red, h.today()).needs_action


def test_overdue_and_upcoming_activities(world: World, client_for: Any) -> None:
    t = h.today()
    m = h.measure(world)
    late = h.activity(m, "Sen", t - timedelta(days=1))
    h.activity(m, "Sen men klar", t - timedelta(days=5), "done")
    h.activity(m, "Sen men inställd", t - timedelta(days=5), "cancelled")
    delayed = h.activity(m, "Försenad", t - timedelta(days=20), "delayed")
    today_ = h.activity(m, "I dag", t)
    soon = h.activity(m, "Snart", t + timedelta(days=30), "ongoing")
    h.activity(m, "Senare", t + timedelta(days=31))
    h.activity(m, "Utan datum", None)
    response = client_for("viewer").get(_url(world))
    data = response.context["data"]
    assert data.overdue == [delayed, late]
    assert data.upcoming == [today_, soon]


def test_follow_up_dates_of_goals_and_plans(world: World, client_for: Any) -> None:
    t = h.today()
    goal = h.goal(world)
    goal.follow_up_date = t + timedelta(days=10)
    goal.save()
    adopted = ActionPlan.objects.create(
        partnership=world.a, title="Antagen plan", follow_up_date=t - timedelta(days=2)
    )
    ActionPlan.objects.filter(pk=adopted.pk).update(status=DocumentStatus.ADOPTED)
    ActionPlan.objects.create(partnership=world.a, title="Utkast", follow_up_date=t)
    staff = client_for("analyst").get(_url(world)).context["data"].follow_ups
    assert [(f.title, f.overdue) for f in staff] == [
        ("Antagen plan (v1)", True),
        ("Utkast (v1)", False),
        (goal.statement, False),
    ]
    viewer = client_for("viewer").get(_url(world)).context["data"].follow_ups
    assert [f.title for f in viewer] == ["Antagen plan (v1)", goal.statement]
