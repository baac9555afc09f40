"""`samtrygg manage send_reminders`: coordinators get the overdue and soon-due activities."""

from __future__ import annotations

import logging
from datetime import timedelta
from io import StringIO
from typing import Any

import pytest
from django.core import mail
from django.core.management import CommandError, call_command

from samtrygg.partnerships.models import Membership, Organisation, Role
from samtrygg.plans.models import Measure
from tests.conftest import World, make_user
from tests.followup import helpers as h


@pytest.fixture
def activities(world: World) -> dict[str, Any]:
    t = h.today()
    m = h.measure(world, "Trygg park")
    return {
        "late": h.activity(m, "Beskär buskarna", t - timedelta(days=2)),
        "soon": h.activity(m, "Byt lampor", t + timedelta(days=5), "ongoing"),
        "later": h.activity(m, "Måla om bänkar", t + timedelta(days=20)),
        "done": h.activity(m, "Klar sedan länge", t - timedelta(days=30), "done"),
        "cancelled": h.activity(m, "Inställd vandring", t - timedelta(days=3), "cancelled"),
    }


def _run(*args: str) -> str:
    out = StringIO()
    call_command("send_reminders", *args, stdout=out)
    return out.getvalue()


def test_coordinators_get_overdue_and_due_activities(
    world: World, activities: dict[str, Any], caplog: Any
) -> None:
    with caplog.at_level(logging.INFO):
        _run("--days", "7")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["coordinator@alfa.test"]
    assert "Alfa" in message.subject and "2" in message.subject
    assert "Beskär buskarna" in message.body and "Byt lampor" in message.body
    assert "Trygg park" in message.body
    for left_out in ("Måla om bänkar", "Klar sedan länge", "Inställd vandring"):
        assert left_out not in message.body
    # Overdue first, then due soon.
    assert message.body.index("Beskär buskarna") < message.body.index("Byt lampor")
    # The log carries ids and counts only: no titles, no addresses.
    logged = caplog.text
    assert "coordinator@alfa.test" not in logged and "Beskär" not in logged


def test_days_widens_the_window(world: World, activities: dict[str, Any]) -> None:
    _run("--days", "30")
    assert "Måla om bänkar" in mail.outbox[0].body


def test_every_coordinator_gets_their_own_message(world: World, activities: dict[str, Any]) -> None:
    second = make_user("second@alfa.test")
    Membership.objects.create(user=second, partnership=world.a, role=Role.COORDINATOR)
    _run()
    assert sorted(m.to[0] for m in mail.outbox) == ["coordinator@alfa.test", "second@alfa.test"]
    assert all(len(m.to) == 1 for m in mail.outbox)


def test_each_partnership_gets_only_its_own_activities(
    world: World, activities: dict[str, Any]
) -> None:
    beta_org = Organisation.objects.get(partnership=world.b)
    beta = Measure.objects.create(
        partnership=world.b, title="Beta-åtgärd", kind="social", horizon="long"
    )
    beta.activities.create(title="Betas aktivitet", owner_organisation=beta_org, deadline=h.today())
    _run()
    by_recipient = {m.to[0]: m.body for m in mail.outbox}
    assert "Betas aktivitet" in by_recipient["outsider@beta.test"]
    assert "Beskär buskarna" not in by_recipient["outsider@beta.test"]
    assert "Betas aktivitet" not in by_recipient["coordinator@alfa.test"]


def test_nothing_due_sends_nothing(world: World) -> None:
    h.activity(h.measure(world), "Långt fram", h.today() + timedelta(days=90))
    _run()
    assert mail.outbox == []


def test_partnership_option_and_bad_values(world: World, activities: dict[str, Any]) -> None:
    _run("--partnership", "beta")
    assert mail.outbox == []
    with pytest.raises(CommandError):
        _run("--partnership", "no-such")
    with pytest.raises(CommandError):
        _run("--days", "-1")
