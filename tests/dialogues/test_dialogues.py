"""Dialogues: recorded as inputs with coded themes and places, counted per year and area."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.urls import reverse

from samtrygg.dialogues import services
from samtrygg.dialogues.models import Dialogue, RaisedIssue
from tests.conftest import World


def dialogue(world: World, held_on: date, themes: list[str], area: Any = None) -> Dialogue:
    d = Dialogue.objects.create(
        partnership=world.a,
        title=f"Dialog {held_on}",
        kind="citizen",
        form="meeting",
        held_on=held_on,
        area=area,
        participants={"residents": 30},
        participant_total=30,
    )
    for theme in themes:
        RaisedIssue.objects.create(dialogue=d, theme=theme)
    return d


def _formset(prefix: str = "issues", **rows: Any) -> dict[str, Any]:
    data = {
        f"{prefix}-TOTAL_FORMS": "3",
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    data.update(rows)
    return data


def test_coordinator_records_a_dialogue_with_its_issues_in_one_go(
    world: World, client_for: Any
) -> None:
    client = client_for("coordinator")
    page = client.get(reverse("dialogue-create", args=[world.a.slug]))
    prefix = page.context["issues"].prefix
    response = client.post(
        reverse("dialogue-create", args=[world.a.slug]),
        {
            "title": "Medborgardialog på torget",
            "kind": "citizen",
            "form": "street",
            "held_on": "2026-05-12",
            "count_residents": "40",
            "count_young": "12",
            **_formset(
                prefix,
                **{
                    f"{prefix}-0-theme": "lighting",
                    f"{prefix}-0-area": str(world.drawn_area.pk),
                    f"{prefix}-0-place": "Gångtunneln vid stationen",
                    f"{prefix}-0-answer": "Kommunen byter belysning under hösten.",
                    f"{prefix}-1-theme": "youth",
                },
            ),
        },
    )
    assert response.status_code == 302
    saved = Dialogue.objects.get()
    assert saved.participants == {"residents": 40, "young": 12} and saved.participant_total == 52
    assert list(saved.issues.values_list("theme", flat=True)) == ["lighting", "youth"]


def test_personal_data_in_an_answer_refuses_the_whole_dialogue(
    world: World, client_for: Any
) -> None:
    client = client_for("coordinator")
    prefix = client.get(reverse("dialogue-create", args=[world.a.slug])).context["issues"].prefix
    response = client.post(
        reverse("dialogue-create", args=[world.a.slug]),
        {
            "title": "Dialog",
            "kind": "citizen",
            "form": "meeting",
            "held_on": "2026-05-12",
            **_formset(
                prefix,
                **{f"{prefix}-0-theme": "drugs", f"{prefix}-0-answer": "Ring 070-123 45 67"},
            ),
        },
    )
    assert response.status_code == 200
    assert not Dialogue.objects.exists() and not RaisedIssue.objects.exists()


def test_themes_are_counted_once_per_dialogue_per_year_and_area(world: World) -> None:
    dialogue(world, date(2025, 3, 1), ["lighting", "lighting", "youth"], area=world.drawn_area)
    dialogue(world, date(2025, 9, 1), ["lighting"])
    dialogue(world, date(2026, 4, 1), ["lighting", "drugs"])
    years, rows = services.theme_counts(world.a)
    assert years == [2025, 2026]
    by_theme = {r.theme: (r.per_year, r.total) for r in rows}
    assert by_theme["lighting"] == ([2, 1], 3)
    assert by_theme["youth"] == ([1, 0], 1)
    assert rows[0].theme == "lighting"
    years, rows = services.theme_counts(world.a, world.drawn_area)
    assert years == [2025] and {r.theme: r.total for r in rows} == {"lighting": 1, "youth": 1}


def test_members_read_dialogues_and_outsiders_do_not(world: World, client_for: Any) -> None:
    d = dialogue(world, date(2026, 4, 1), ["traffic"])
    url = reverse("dialogue-detail", args=[world.a.slug, d.pk])
    assert client_for("viewer").get(url).status_code == 200
    assert client_for("outsider").get(url).status_code == 404
    listing = client_for("reporter").get(reverse("dialogue-list", args=[world.a.slug]))
    assert "Trafik" in listing.content.decode()
