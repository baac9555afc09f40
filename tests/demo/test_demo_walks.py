"""The demo's example safety walks and dialogues: present, labelled, idempotent, and shown."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

import pytest
from django.urls import reverse
from shapely.geometry import Point, shape

from samtrygg.demo.dialogues import load_demo_dialogues
from samtrygg.demo.walks import load_demo_walks
from samtrygg.dialogues.models import Dialogue, RaisedIssue
from samtrygg.dialogues.services import theme_counts
from samtrygg.walks.models import Action, SafetyWalk

TODAY = date(2026, 12, 5)
MEASURES = ("Belysning och snabb sanering vid Centrumskolan", "Säkra förråd och entréer")


@pytest.fixture
def demo(db: Any, settings: Any) -> Any:
    from samtrygg.demo.partnership import load_demo
    from samtrygg.plans.models import Measure

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    partnership = load_demo()
    # Two of the demo action plan's measures, which the walks' actions belong to.
    for title in MEASURES:
        Measure.objects.create(
            partnership=partnership, title=title, kind="situational", horizon="short"
        )
    load_demo_walks(partnership, today=TODAY)
    load_demo_dialogues(partnership, today=TODAY)
    return partnership


def _snapshot(partnership: Any) -> Any:
    walks = [
        (w.title, w.walked_on, w.light, w.area_id, w.participants, w.report_back_notes)
        for w in SafetyWalk.objects.filter(partnership=partnership).order_by("title")
    ]
    actions = sorted(
        Action.objects.filter(observation__walk__partnership=partnership).values_list(
            "text", "owner_organisation__slug", "private_owner", "status", "deadline"
        )
    )
    issues = sorted(
        RaisedIssue.objects.filter(dialogue__partnership=partnership).values_list(
            "dialogue__title", "dialogue__form", "theme", "area__name", "answer"
        )
    )
    return walks, actions, issues


def test_two_labelled_walks_one_in_darkness_with_partly_done_actions(demo: Any) -> None:
    walks = SafetyWalk.objects.filter(partnership=demo)
    assert walks.count() == 2
    assert sorted(walks.values_list("light", flat=True)) == ["darkness", "daylight"]
    for walk in walks:
        assert walk.title.endswith("(exempeldata)") and "Påhittade exempeldata" in walk.route
        assert walk.participant_total > 0
        assert all(isinstance(n, int) for n in walk.participants.values())
        assert walk.introduction_on is not None and walk.introduction_on < walk.walked_on
        assert walk.walked_on < TODAY
        assert walk.observations.count() >= 4
        assert not walk.observations.filter(action__isnull=True).exists()
        # Every observation lies inside the walk's area.
        for seen in walk.observations.all():
            assert shape(walk.area.geometry).contains(_point(seen)), seen.description
    dark = walks.get(light="darkness")
    assert dark.walked_on.month == 11
    assert dark.report_back_on is not None and dark.report_back_on < TODAY
    assert "beslutade" in dark.report_back_notes
    assert walks.get(light="daylight").report_back_on is None

    actions = Action.objects.filter(observation__walk__partnership=demo)
    statuses = set(actions.values_list("status", flat=True))
    assert {"done", "planned"} <= statuses and "ongoing" in statuses
    owners = set(actions.values_list("owner_organisation__slug", flat=True))
    assert {"karlskoga-kommun", "degerfors-kommun", "bostadsbolaget"} <= owners
    private = actions.filter(owner_organisation__isnull=True)
    assert private.exists() and all(a.private_owner for a in private)
    assert not actions.filter(owner_organisation__isnull=False).exclude(private_owner="").exists()
    assert set(actions.exclude(measure=None).values_list("measure__title", flat=True)) == set(
        MEASURES
    )
    # Done actions met their deadlines; open ones are still due.
    assert not actions.filter(status="done", deadline__gt=TODAY).exists()
    assert not actions.exclude(status="done").filter(deadline__lt=TODAY).exists()


def _point(seen: Any) -> Any:
    return Point(seen.lon, seen.lat)


def test_three_labelled_dialogues_with_themes_per_area_and_answers(demo: Any) -> None:
    dialogues = Dialogue.objects.filter(partnership=demo)
    assert sorted(dialogues.values_list("form", flat=True)) == ["meeting", "street", "web"]
    for dialogue in dialogues:
        assert dialogue.title.endswith("(exempeldata)")
        assert "Påhittade exempeldata" in dialogue.summary
        assert dialogue.participant_total == sum(dialogue.participants.values()) > 0
        assert dialogue.issues.count() >= 3
        assert not dialogue.issues.filter(answer="").exists()
        assert not dialogue.issues.filter(area=None).exists()
    from samtrygg.areas.models import Area

    centrum = Area.objects.get(partnership=demo, name="Karlskoga centrum")
    years, rows = theme_counts(demo, centrum)
    youth = next(r for r in rows if r.theme == "youth")
    # Raised at the library meeting and again in the web dialogue about Bofors.
    assert youth.total == 2
    assert years and sum(youth.per_year) == 2


def test_reloading_gives_the_same_demo_and_keeps_other_walks_and_dialogues(demo: Any) -> None:
    own_walk = SafetyWalk.objects.create(
        partnership=demo, title="Vår egen vandring", walked_on=TODAY, light="daylight"
    )
    own_dialogue = Dialogue.objects.create(
        partnership=demo, title="Vår egen dialog", kind="citizen", form="meeting", held_on=TODAY
    )
    before = _snapshot(demo)
    load_demo_walks(demo, today=TODAY)
    load_demo_dialogues(demo, today=TODAY)
    assert _snapshot(demo) == before
    assert SafetyWalk.objects.filter(partnership=demo).count() == 3
    assert Dialogue.objects.filter(partnership=demo).count() == 4
    assert SafetyWalk.objects.filter(pk=own_walk.pk).exists()
    assert Dialogue.objects.filter(pk=own_dialogue.pk).exists()


def test_the_demo_coordinator_sees_the_walks_protocols_and_dialogues(
    demo: Any, client: Any
) -> None:
    from django.contrib.auth import get_user_model
    from docx import Document

    from tests.agreements.helpers import pdf_text, squash

    client.force_login(get_user_model().objects.get(username="samordnare@demo.samtrygg.example"))
    slug = demo.slug
    listing = client.get(reverse("walk-list", args=[slug])).content.decode()
    for walk in SafetyWalk.objects.filter(partnership=demo):
        assert walk.title in listing
        page = client.get(reverse("walk-detail", args=[slug, walk.pk]))
        assert page.status_code == 200
        html = page.content.decode()
        assert "exempeldata" in html
        first = walk.observations.first().action
        assert first.text in html
        url = reverse("walk-protocol", args=[slug, walk.pk])
        docx = client.get(url, {"format": "docx"})
        assert docx.status_code == 200
        doc = Document(io.BytesIO(docx.content))
        text = "\n".join(
            [p.text for p in doc.paragraphs]
            + [c.text for t in doc.tables for r in t.rows for c in r.cells]
        )
        assert walk.title in text and first.text in text
        pdf = client.get(url, {"format": "pdf"})
        assert pdf.status_code == 200 and squash(first.text) in pdf_text(pdf.content)
    dark = SafetyWalk.objects.get(partnership=demo, light="darkness")
    protocol = client.get(reverse("walk-protocol", args=[slug, dark.pk]), {"format": "docx"})
    doc = Document(io.BytesIO(protocol.content))
    body = "\n".join(p.text for p in doc.paragraphs)
    assert "privat fastighetsägare" in body and "Återkopplingsmötet beslutade" in body

    listing = client.get(reverse("dialogue-list", args=[slug])).content.decode()
    for dialogue in Dialogue.objects.filter(partnership=demo):
        assert dialogue.title in listing
        page = client.get(reverse("dialogue-detail", args=[slug, dialogue.pk]))
        assert page.status_code == 200
        html = page.content.decode()
        answer = dialogue.issues.first().answer
        assert answer.split(";")[0][:40] in html
