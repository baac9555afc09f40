"""The public version history of the published agreement and its promises (docs/domain.md §11)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from samtrygg.agreements.models import Agreement, Promise
from samtrygg.public.services import version_history
from tests.agreements.helpers import PROMISE_TEXT, make_agreement
from tests.public import helpers as h

pytestmark = pytest.mark.django_db


def _status(agreement: Agreement, status: str, published: datetime | None) -> None:
    Agreement.objects.filter(pk=agreement.pk).update(status=status, published_at=published)


def _page() -> str:
    client = Client()
    client.cookies["django_language"] = "en"
    return client.get(reverse("public-page", kwargs={"slug": "alfa"})).content.decode()


def test_published_versions_are_listed_newest_first_with_promise_changes(world: Any) -> None:
    first = make_agreement(world, version=1)
    _status(first, "superseded", datetime(2026, 1, 15, 10, tzinfo=UTC))
    second = make_agreement(world, version=2)
    promise = second.promises.get()
    promise.text = PROMISE_TEXT + " Även på lördagar."
    promise.save()
    Promise.objects.create(agreement=second, year=2027, focus_area="Skolvägen", text="Ny")
    Promise.objects.create(
        agreement=second, year=2027, focus_area="Internt", text="Dolt", published=False
    )
    _status(second, "published", datetime(2027, 2, 1, 10, tzinfo=UTC))
    draft = make_agreement(world, version=3)
    Promise.objects.filter(agreement=draft).update(focus_area="Utkastets fokus")

    history = version_history(world.a)
    assert [(v.version, v.current, v.first) for v in history] == [
        (2, True, False),
        (1, False, True),
    ]
    newest = history[0]
    assert newest.added == ["Skolvägen (2027)"]
    assert newest.changed == ["Torget (2026)"]
    assert newest.removed == []
    html = _page()
    assert "Version history" in html and "Version 2" in html and "Version 1" in html
    assert "Skolvägen (2027)" in html and "reworded promises: Torget (2026)" in html
    assert "Internt" not in html and "Utkastets fokus" not in html and "Version 3" not in html


def test_a_version_that_was_never_published_is_not_in_the_history(world: Any) -> None:
    signed_only = make_agreement(world, version=1)
    _status(signed_only, "superseded", None)  # signed, then replaced before publication
    current = make_agreement(world, version=2)
    _status(current, "published", datetime(2027, 2, 1, 10, tzinfo=UTC))
    assert [v.version for v in version_history(world.a)] == [2]


def test_removed_promises_are_named(world: Any) -> None:
    first = make_agreement(world, version=1)
    Promise.objects.create(agreement=first, year=2026, focus_area="Parken", text="Belysning")
    _status(first, "superseded", datetime(2026, 1, 15, 10, tzinfo=UTC))
    second = make_agreement(world, version=2)
    _status(second, "published", datetime(2027, 2, 1, 10, tzinfo=UTC))
    assert version_history(world.a)[0].removed == ["Parken (2026)"]


def test_nothing_published_means_no_history(world: Any) -> None:
    make_agreement(world, status="signed")
    assert version_history(world.a) == []
    assert "Version history" not in _page()


def test_the_history_keeps_internal_material_out(world: Any) -> None:
    h.publish(world)
    html = _page()
    assert "Version history" in html
    for secret in (h.SECRET_PROMISE, h.DRAFT_TEXT, h.COMMENT_TEXT, h.SIGNER_NAME):
        assert secret not in html
