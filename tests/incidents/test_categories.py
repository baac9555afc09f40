"""The category code list: add, rename, mark sensitive, retire and restore, keeping history."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from samtrygg.incidents.categories import seed_categories
from samtrygg.incidents.models import Category, Incident
from tests.incidents.test_report import event, post_data


@pytest.fixture
def categories(world: Any) -> dict[str, Category]:
    return {c.name: c for c in seed_categories(world.a)}


def report(world: Any, client_for: Any, category: Category) -> Any:
    return client_for("reporter").post(
        reverse("incident-report", args=[world.a.slug]), post_data(event(category))
    )


def test_category_list_seeds_the_est_list_and_counts_incidents(world: Any, client_for: Any) -> None:
    response = client_for("coordinator").get(reverse("category-list", args=[world.a.slug]))
    assert response.status_code == 200
    names = [c.name for c in response.context["categories"]]
    assert len(names) == 14 and names[0] == "skadegörelse/klotter"
    assert {c.incident_count for c in response.context["categories"]} == {0}


def test_coordinator_adds_a_category_and_it_is_offered_last(
    world: Any, client_for: Any, categories: dict[str, Category]
) -> None:
    client = client_for("coordinator")
    response = client.post(
        reverse("category-create", args=[world.a.slug]),
        {"name": "Elsparkcyklar", "description": "Slängda elsparkcyklar", "is_sensitive": ""},
    )
    assert response.status_code == 302
    added = Category.objects.get(partnership=world.a, name="Elsparkcyklar")
    assert list(Category.objects.filter(partnership=world.a).active())[-1] == added
    form = client.get(reverse("incident-report", args=[world.a.slug])).content.decode()
    assert "Elsparkcyklar" in form


def test_duplicate_name_is_refused(
    world: Any, client_for: Any, categories: dict[str, Category]
) -> None:
    response = client_for("coordinator").post(
        reverse("category-create", args=[world.a.slug]), {"name": "Brand"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["name"]
    assert Category.objects.filter(partnership=world.a, name__iexact="brand").count() == 1


def test_rename_keeps_the_history(
    world: Any, client_for: Any, categories: dict[str, Category]
) -> None:
    brand = categories["brand"]
    report(world, client_for, brand)
    incident = Incident.objects.get()
    response = client_for("coordinator").post(
        reverse("category-edit", args=[world.a.slug, brand.pk]),
        {"name": "brand/anlagd brand", "description": "Anlagda bränder", "is_sensitive": "on"},
    )
    assert response.status_code == 302
    incident.refresh_from_db()
    assert incident.category_id == brand.pk
    assert incident.category.name == "brand/anlagd brand"
    assert incident.category.is_sensitive


def test_retire_hides_from_the_form_only_and_restore_brings_it_back(
    world: Any, client_for: Any, categories: dict[str, Category]
) -> None:
    klotter = categories["skadegörelse/klotter"]
    report(world, client_for, klotter)
    coordinator = client_for("coordinator")
    retire = reverse("category-retire", args=[world.a.slug, klotter.pk])
    assert coordinator.post(retire).status_code == 302
    klotter.refresh_from_db()
    assert klotter.retired_at is not None
    assert Incident.objects.get().category == klotter  # History kept.
    listing = coordinator.get(reverse("category-list", args=[world.a.slug]))
    row = next(c for c in listing.context["categories"] if c.pk == klotter.pk)
    assert row.incident_count == 1
    incidents = coordinator.get(reverse("incident-list", args=[world.a.slug]))
    assert incidents.context["page"].object_list[0].category == klotter
    form = client_for("reporter").get(reverse("incident-report", args=[world.a.slug]))
    offered = form.context["events"].forms[0].fields["category"].queryset
    assert klotter not in offered and categories["brand"] in offered
    response = report(world, client_for, klotter)
    assert response.status_code == 200 and Incident.objects.count() == 1

    coordinator = client_for("coordinator")
    coordinator.post(retire)
    klotter.refresh_from_db()
    assert klotter.retired_at is None
    assert report(world, client_for, klotter).status_code == 302


def test_retire_needs_a_post(world: Any, client_for: Any, categories: dict[str, Category]) -> None:
    url = reverse("category-retire", args=[world.a.slug, categories["brand"].pk])
    assert client_for("coordinator").get(url).status_code == 405


def test_other_partnerships_category_is_not_found(world: Any, client_for: Any) -> None:
    foreign = seed_categories(world.b)[0]
    url = reverse("category-edit", args=[world.a.slug, foreign.pk])
    assert client_for("coordinator").get(url).status_code == 404
    retire = reverse("category-retire", args=[world.a.slug, foreign.pk])
    assert client_for("coordinator").post(retire).status_code == 404


def test_a_sensitive_category_is_public_only_by_an_explicit_choice(
    world: Any, client_for: Any, categories: dict[str, Category]
) -> None:
    client = client_for("coordinator")
    client.cookies["django_language"] = "en"
    url = reverse("category-create", args=[world.a.slug])
    fields = {"name": "Hot mot personal", "is_sensitive": "on", "is_public": "on"}
    refused = client.post(url, fields)
    assert refused.status_code == 200
    assert "This category is sensitive" in str(refused.context["form"].errors["is_public"])
    assert not Category.objects.filter(name="Hot mot personal").exists()
    # Not public: saved without a question.
    assert client.post(url, {**fields, "is_public": ""}).status_code == 302
    category = Category.objects.get(name="Hot mot personal")
    assert not category.is_public
    # Public by choice, with the warning acknowledged; the choice stays ticked afterwards.
    edit = reverse("category-edit", args=[world.a.slug, category.pk])
    assert client.post(edit, {**fields, "publish_sensitive": "on"}).status_code == 302
    category.refresh_from_db()
    assert category.is_public
    assert client.get(edit).context["form"]["publish_sensitive"].value()
    # Swedish, as everything else.
    client.cookies["django_language"] = "sv"
    refused = client.post(url, {**fields, "name": "Annat hot"})
    assert "Kategorin är känslig" in str(refused.context["form"].errors["is_public"])
