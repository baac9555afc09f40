"""Checks that read other rows hold when two requests race: the hourly report limit, the
partnership's last coordinator, and the version check of two corrections of one report.

Two threads send their requests at the same moment, each on its own database connection, and the
check is slowed down so that without a lock both requests would pass it. PostgreSQL only: the
SQLite test database lives in memory, shared between threads with table locks that refuse
instead of waiting; in production SQLite serialises every write transaction
(``transaction_mode = IMMEDIATE``), so there the race cannot happen.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection, connections
from django.test import Client
from django.urls import reverse

from samtrygg.incidents import services as incident_services
from samtrygg.incidents.categories import seed_categories
from samtrygg.incidents.models import Report
from samtrygg.partnerships import services as partnership_services
from samtrygg.partnerships.models import Membership, Role
from tests.conftest import World
from tests.incidents.test_report import event, post_data

pytestmark = pytest.mark.django_db(transaction=True)

SLOW = 0.3  # seconds between a check and its write: the window the other request aims for


@pytest.fixture(autouse=True)
def _postgresql_only() -> None:
    if connection.vendor != "postgresql":
        pytest.skip(
            "Races need concurrent connections: run with DATABASE_URL=postgresql://… (SQLite "
            "serialises write transactions, so there two requests cannot race)."
        )


def _slowed(monkeypatch: Any, module: Any, name: str) -> None:
    """Make ``module.name`` wait after it has read, widening the race window."""
    original = getattr(module, name)

    def slow(*args: Any, **kwargs: Any) -> Any:
        result = original(*args, **kwargs)
        time.sleep(SLOW)
        return result

    monkeypatch.setattr(module, name, slow)


def _race(*requests: Callable[[], Any]) -> list[Any]:
    """Run the requests at the same moment in threads; their results in order."""
    barrier = threading.Barrier(len(requests))
    results: list[Any] = [None] * len(requests)

    def run(i: int, request: Callable[[], Any]) -> None:
        try:
            barrier.wait()
            results[i] = request()
        except Exception as exc:  # returned, so that the test shows it
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, r)) for i, r in enumerate(requests)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    return results


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


def test_two_reports_at_once_cannot_pass_the_hourly_limit(
    world: World, settings: Any, monkeypatch: Any
) -> None:
    settings.REPORTS_PER_HOUR = 1
    _slowed(monkeypatch, incident_services, "reports_in_last_hour")
    category = {c.name: c for c in seed_categories(world.a)}["nedskräpning"]
    url = reverse("incident-report", args=[world.a.slug])
    reporter = world.users["reporter"]
    clients = [_client(reporter), _client(reporter)]
    responses = _race(*[lambda c=c: c.post(url, post_data(event(category))) for c in clients])
    assert sorted(r.status_code for r in responses) == [302, 429]
    assert Report.objects.filter(reporter=reporter).count() == 1


@pytest.mark.parametrize("second", ["remove", "demote"])
def test_two_coordinators_cannot_remove_each_other_at_once(
    world: World, monkeypatch: Any, second: str
) -> None:
    first = world.memberships["coordinator"]
    other = world.memberships["analyst"]
    Membership.objects.filter(pk=other.pk).update(role=Role.COORDINATOR, organisation=world.kommun)
    _slowed(monkeypatch, partnership_services, "_coordinators_left")
    a, b = _client(first.user), _client(other.user)
    remove_b = reverse("member-remove", args=[world.a.slug, other.pk])
    change_a = reverse("member-edit", args=[world.a.slug, first.pk])
    remove_a = reverse("member-remove", args=[world.a.slug, first.pk])
    if second == "remove":
        responses = _race(lambda: a.post(remove_b), lambda: b.post(remove_a))
    else:
        demote = {"role": Role.ANALYST, "organisation": ""}
        responses = _race(lambda: a.post(remove_b), lambda: b.post(change_a, demote))
    assert all(not isinstance(r, Exception) and r.status_code in (200, 302) for r in responses)
    coordinators = Membership.objects.filter(partnership=world.a, role=Role.COORDINATOR)
    assert coordinators.count() == 1


def test_two_corrections_of_one_report_at_once_do_not_overwrite_each_other(
    world: World, monkeypatch: Any
) -> None:
    from samtrygg.incidents import corrections
    from samtrygg.incidents.models import Incident, IncidentChange
    from tests.incidents.test_corrections import form_data, make

    incident = make(world, {c.name: c for c in seed_categories(world.a)})
    _slowed(monkeypatch, corrections, "_values")
    url = reverse("incident-correct", args=[world.a.slug, incident.pk])
    reporter, coordinator = _client(world.users["reporter"]), _client(world.users["coordinator"])
    responses = _race(
        lambda: reporter.post(url, form_data(incident, description="Reporterns rättelse.")),
        lambda: coordinator.post(url, form_data(incident, assessment="4")),
    )
    assert all(not isinstance(r, Exception) and r.status_code == 302 for r in responses)
    # One was saved; the other was refused as made on an older version, not merged over it.
    assert IncidentChange.objects.filter(incident_id=incident.pk).count() == 1
    saved = Incident.objects.get(pk=incident.pk)
    assert saved.version == 1
    assert (saved.description == "Reporterns rättelse.") != (saved.assessment == 4)
