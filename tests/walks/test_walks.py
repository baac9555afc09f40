"""Safety walks: planning, recording points from a phone, the protocol, privacy of photos."""

from __future__ import annotations

import io
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from samtrygg.walks import photos
from samtrygg.walks.models import Action, Observation, SafetyWalk
from tests.conftest import World
from tests.walks.helpers import jpeg_with_location, observation, walk


def test_coordinator_plans_a_walk_with_participants_as_counts_only(
    world: World, client_for: Any
) -> None:
    client = client_for("coordinator")
    response = client.post(
        reverse("walk-create", args=[world.a.slug]),
        {
            "title": "Kvällsvandring vid torget",
            "area": world.drawn_area.pk,
            "walked_on": "2026-11-03",
            "light": "darkness",
            "route": "Torget – busstationen – gångtunneln",
            "count_residents": "12",
            "count_young": "5",
            "count_police": "2",
        },
    )
    assert response.status_code == 302
    saved = SafetyWalk.objects.get()
    assert saved.participants == {"residents": 12, "young": 5, "police": 2}
    assert saved.participant_total == 19
    html = client.get(reverse("walk-detail", args=[world.a.slug, saved.pk])).content.decode()
    assert "19" in html and "Kvällsvandring vid torget" in html


def test_personal_data_in_the_walks_free_text_is_refused(world: World, client_for: Any) -> None:
    w = walk(world)
    response = client_for("coordinator").post(
        reverse("walk-observation-add", args=[world.a.slug, w.pk]),
        {
            "kind": "unsafe",
            "cause": "lighting",
            "lon": "14.51",
            "lat": "59.33",
            "description": "Ring 070-123 45 67 om lampan",
        },
    )
    assert response.status_code == 200 and not Observation.objects.exists()


def test_a_reporter_records_a_point_and_its_photo_is_stored_without_location(
    world: World, client_for: Any
) -> None:
    w = walk(world)
    photo = SimpleUploadedFile("bild.jpg", jpeg_with_location(), content_type="image/jpeg")
    response = client_for("reporter").post(
        reverse("walk-observation-add", args=[world.a.slug, w.pk]),
        {
            "kind": "unsafe",
            "cause": "vegetation",
            "lon": "14.512",
            "lat": "59.332",
            "description": "Buskarna skymmer gångvägen",
            "proposal": "Beskär buskarna",
            "photo_file": photo,
        },
    )
    assert response.status_code == 302
    seen = Observation.objects.get()
    assert (seen.lon, seen.lat) == (14.512, 59.332)
    stored = Image.open(io.BytesIO(bytes(seen.photo)))
    assert stored.format == "JPEG"
    assert len(stored.getexif()) == 0 and photos.photo_location(bytes(seen.photo)) is None


def test_the_photos_location_is_used_only_when_chosen(world: World, client_for: Any) -> None:
    w = walk(world)
    photo = SimpleUploadedFile("bild.jpg", jpeg_with_location(), content_type="image/jpeg")
    response = client_for("coordinator").post(
        reverse("walk-observation-add", args=[world.a.slug, w.pk]),
        {"kind": "risk", "cause": "design", "photo_file": photo, "use_photo_location": "on"},
    )
    assert response.status_code == 302
    seen = Observation.objects.get()
    assert abs(seen.lat - 59.3301) < 1e-4 and abs(seen.lon - 14.5203) < 1e-4
    assert photos.photo_location(bytes(seen.photo)) is None


def test_a_point_without_a_place_says_what_to_do(world: World, client_for: Any) -> None:
    w = walk(world)
    response = client_for("coordinator").post(
        reverse("walk-observation-add", args=[world.a.slug, w.pk]),
        {"kind": "unsafe", "cause": "lighting"},
    )
    assert response.status_code == 200
    assert "Markera platsen på kartan" in response.content.decode()
    assert not Observation.objects.exists()


def test_a_file_that_is_not_a_photo_is_refused(world: World, client_for: Any) -> None:
    w = walk(world)
    fake = SimpleUploadedFile("bild.jpg", b"not a picture at all", content_type="image/jpeg")
    response = client_for("coordinator").post(
        reverse("walk-observation-add", args=[world.a.slug, w.pk]),
        {"kind": "unsafe", "cause": "lighting", "lon": "14.5", "lat": "59.3", "photo_file": fake},
    )
    assert response.status_code == 200 and not Observation.objects.exists()


def test_the_protocol_gives_each_point_an_owner_priority_and_deadline(
    world: World, client_for: Any
) -> None:
    w = walk(world)
    seen = observation(w, proposal="Byt armaturer")
    url = reverse("walk-action-edit", args=[world.a.slug, w.pk, seen.pk])
    client = client_for("coordinator")
    missing_owner = client.post(url, {"text": "Byt armaturer", "priority": "high"})
    assert missing_owner.status_code == 200 and not Action.objects.exists()
    done = client.post(
        url,
        {
            "text": "Byt armaturer i gångtunneln",
            "owner_organisation": world.kommun.pk,
            "priority": "high",
            "deadline": "2026-12-15",
            "status": "ongoing",
        },
    )
    assert done.status_code == 302
    action = Action.objects.get()
    assert action.owner == "Alfa kommun" and action.priority == "high"
    private = client.post(
        url,
        {
            "text": "Klipp häcken",
            "private_owner": "Fastighetsägaren på Storgatan 3",
            "priority": "low",
            "status": "planned",
        },
    )
    assert private.status_code == 302
    assert Action.objects.get().owner == "Fastighetsägaren på Storgatan 3"


def test_members_read_the_walk_and_outsiders_see_nothing(world: World, client_for: Any) -> None:
    w = walk(world)
    observation(w, photo=photos.clean_photo(jpeg_with_location()))
    detail = reverse("walk-detail", args=[world.a.slug, w.pk])
    assert client_for("viewer").get(detail).status_code == 200
    assert client_for("outsider").get(detail).status_code == 404
    photo = reverse("walk-photo", args=[world.a.slug, w.pk, w.observations.get().pk])
    assert client_for("viewer").get(photo)["Content-Type"] == "image/jpeg"
    assert client_for("outsider").get(photo).status_code == 404
