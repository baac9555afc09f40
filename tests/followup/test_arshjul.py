"""The årshjul: the year's deadlines month by month."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.urls import reverse
from django.utils import translation

from samtrygg.agreements.models import Agreement, Promise
from samtrygg.followup import arshjul
from samtrygg.plans.models import ActionPlan, DocumentStatus, Lagesbild
from tests.conftest import World
from tests.followup import helpers as h

YEAR = 2026


def _deadlines(world: World) -> None:
    doc = Lagesbild.objects.create(
        partnership=world.a,
        year=YEAR,
        title="Lägesbild 2026",
        period_start=date(2025, 10, 1),
        period_end=date(2026, 9, 30),
        follow_up_date=date(2026, 11, 15),
    )
    Lagesbild.objects.filter(pk=doc.pk).update(status=DocumentStatus.ADOPTED)
    agreement = Agreement.objects.create(
        partnership=world.a,
        title="Överenskommelse",
        period_start=date(2025, 1, 1),
        period_end=date(2026, 12, 31),
        follow_up_date=date(2026, 6, 15),
    )
    Promise.objects.create(agreement=agreement, year=YEAR, focus_area="Torget", text="Vi lovar")
    Promise.objects.create(agreement=agreement, year=YEAR + 1, focus_area="Nästa år", text="x")
    ActionPlan.objects.create(
        partnership=world.a, title="Planutkast", follow_up_date=date(2026, 5, 2)
    )
    goal = h.goal(world)
    goal.follow_up_date = date(2026, 4, 10)
    goal.save()
    m = h.measure(world)
    h.activity(m, "Lampor", date(2026, 2, 3))
    h.activity(m, "Inställd", date(2026, 2, 4), "cancelled")
    h.activity(m, "Klar", date(2026, 2, 5), "done")
    h.activity(m, "Förra året", date(2025, 2, 5))


def test_the_year_holds_every_kind_of_deadline(world: World) -> None:
    _deadlines(world)
    with translation.override("en"):
        found = {(e.date, e.kind, e.title) for e in arshjul.entries(world.a, YEAR, True)}
    expected = {
        (date(2026, 9, 30), "Lägesbild", "Period ends: Lägesbild 2026 (2026, v1)"),
        (date(2026, 11, 15), "Lägesbild", "Follow-up: Lägesbild 2026 (2026, v1)"),
        (date(2026, 12, 31), "Agreement", "Renew the agreement: Överenskommelse"),
        (
            date(2026, 6, 15),
            "Citizen promises",
            "Follow up the agreement and its promises: Överenskommelse",
        ),
        (date(2026, 12, 31), "Citizen promises", "The promise year ends: Torget"),
        (date(2026, 8, 1), "Survey", "Survey season (safety survey)"),
        (date(2026, 9, 1), "Survey", "Survey season (safety survey)"),
        (date(2026, 10, 1), "Survey", "Survey season (safety survey)"),
        (date(2026, 3, 31), "EST", "Quarterly EST analysis (quarter 1)"),
        (date(2026, 6, 30), "EST", "Quarterly EST analysis (quarter 2)"),
        (date(2026, 9, 30), "EST", "Quarterly EST analysis (quarter 3)"),
        (date(2026, 12, 31), "EST", "Quarterly EST analysis (quarter 4)"),
        (date(2026, 2, 3), "Activity", "Lampor"),
        (date(2026, 2, 5), "Activity", "Klar"),
        (date(2026, 5, 2), "Action plan", "Follow-up: Planutkast (v1)"),
        (date(2026, 4, 10), "Goal", "Follow-up: Mindre klotter vid torget"),
    }
    assert found == expected


def test_drafts_are_left_out_for_those_who_do_not_see_them(world: World) -> None:
    _deadlines(world)
    titles = [e.title for e in arshjul.entries(world.a, YEAR, include_drafts=False)]
    assert not any("Planutkast" in t for t in titles)


def test_the_page_lists_twelve_months(world: World, client_for: Any) -> None:
    _deadlines(world)
    url = reverse("followup-arshjul", args=[world.a.slug])
    response = client_for("viewer").get(url, {"year": YEAR})
    assert response.status_code == 200
    months = response.context["months"]
    assert [m.number for m in months] == list(range(1, 13))
    assert [e.title for e in months[1].entries] == ["Lampor", "Klar"]
    assert months[0].entries == []
    body = response.content.decode()
    assert body.count('class="arshjul-month"') == 12
    assert "<script" not in body.split("<main", 1)[1]


def test_a_bad_year_falls_back_to_this_year(world: World, client_for: Any) -> None:
    url = reverse("followup-arshjul", args=[world.a.slug])
    response = client_for("coordinator").get(url, {"year": "abc"})
    assert response.context["year"] == h.today().year
