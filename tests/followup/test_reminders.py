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


# --------------------------------------------------------------------------- responsible people


def _activity(measure: Any, title: str, deadline: Any, **fields: Any) -> Any:
    fields.setdefault(
        "owner_organisation", measure.partnership.organisations.get(slug="alfa-kommun")
    )
    return measure.activities.create(title=title, deadline=deadline, **fields)


def _by_address() -> dict[str, Any]:
    return {m.to[0].lower(): m for m in mail.outbox}


def test_the_responsible_member_gets_their_activities_and_coordinators_the_digest(
    world: World, activities: dict[str, Any], caplog: Any
) -> None:
    school_task = _activity(
        h.measure(world, "Trygg skolväg"),
        "Vandra skolvägen",
        h.today() + timedelta(days=1),
        owner_organisation=world.school,
        responsible=world.users["reporter"],
    )
    assert school_task.responsible == world.users["reporter"]
    with caplog.at_level(logging.INFO):
        _run("--days", "7")
    sent = _by_address()
    assert sorted(sent) == ["coordinator@alfa.test", "reporter@alfa.test"]
    personal = sent["reporter@alfa.test"]
    assert "Vandra skolvägen" in personal.body and "Trygg skolväg" in personal.body
    assert "Beskär buskarna" not in personal.body and "dina aktiviteter" in personal.subject
    digest = sent["coordinator@alfa.test"].body
    assert "Vandra skolvägen" in digest and "Beskär buskarna" in digest
    assert "reporter@alfa.test" not in caplog.text and "Vandra" not in caplog.text


def test_without_a_responsible_member_the_owner_organisations_working_members_get_it(
    world: World,
) -> None:
    m = h.measure(world, "Trygg skolväg")
    _activity(m, "Vandra skolvägen", h.today(), owner_organisation=world.school)
    # A viewer of the school, an inactive analyst and one without an address are left out.
    for email, role, active in (
        ("rektor@alfa.test", Role.VIEWER, True),
        ("gammal@alfa.test", Role.ANALYST, False),
        ("", Role.ANALYST, True),
    ):
        user = make_user(email or "utan-adress")
        user.email, user.is_active = email, active
        user.save()
        Membership.objects.create(
            user=user, partnership=world.a, role=role, organisation=world.school
        )
    _run()
    sent = _by_address()
    assert sorted(sent) == ["coordinator@alfa.test", "reporter@alfa.test"]
    assert "Vandra skolvägen" in sent["reporter@alfa.test"].body


def test_a_responsible_member_who_left_falls_back_to_the_organisation(world: World) -> None:
    gone = make_user("gone@alfa.test")
    _activity(
        h.measure(world),
        "Vandra skolvägen",
        h.today(),
        owner_organisation=world.school,
        responsible=gone,
    )
    _run()
    assert sorted(_by_address()) == ["coordinator@alfa.test", "reporter@alfa.test"]


def test_no_address_gets_two_messages_in_one_run(world: World) -> None:
    """A coordinator responsible for activities gets the digest only; addresses match case-free."""
    m = h.measure(world)
    _activity(m, "Samordna", h.today(), responsible=world.users["coordinator"])
    _activity(m, "Vandra", h.today(), owner_organisation=world.school)
    _activity(m, "Vandra igen", h.today(), responsible=world.users["reporter"])
    twin = make_user("twin@alfa.test")
    twin.email = "COORDINATOR@alfa.test"
    twin.save()
    Membership.objects.create(
        user=twin, partnership=world.a, role=Role.REPORTER, organisation=world.school
    )
    _run()
    addresses = [m.to[0].lower() for m in mail.outbox]
    assert sorted(addresses) == ["coordinator@alfa.test", "reporter@alfa.test"]
    reporter = _by_address()["reporter@alfa.test"].body
    assert "Vandra" in reporter and "Vandra igen" in reporter and "Samordna" not in reporter


def test_responsible_people_are_reminded_even_without_a_coordinator(world: World) -> None:
    world.memberships["coordinator"].delete()
    _activity(
        h.measure(world),
        "Vandra",
        h.today(),
        owner_organisation=world.school,
        responsible=world.users["reporter"],
    )
    out = _run()
    assert [m.to[0] for m in mail.outbox] == ["reporter@alfa.test"]
    assert "1" in out
