"""Inviting people, accepting invitations, changing roles, and the history of changes."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone, translation

from samtrygg.partnerships import services
from samtrygg.partnerships.models import Invitation, Membership, MembershipEvent, Partnership, Role
from tests.conftest import World


def test_coordinator_invites_a_reporter_and_the_change_is_recorded(
    world: World, client_for: Any, django_capture_on_commit_callbacks: Any
) -> None:
    client = client_for("coordinator")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("member-invite", args=[world.a.slug]),
            {
                "email": "New.Reporter@Alfa.test",
                "role": "reporter",
                "organisation": world.school.pk,
            },
        )
    assert response.status_code == 302
    invitation = Invitation.objects.get(email="new.reporter@alfa.test")
    assert invitation.role == Role.REPORTER and invitation.organisation == world.school
    assert len(mail.outbox) == 1
    assert invitation.token in mail.outbox[0].body
    event = MembershipEvent.objects.get(action="invited")
    assert event.actor == world.users["coordinator"]
    assert event.details["role"] == "reporter"


def test_invitation_of_a_reporter_without_organisation_is_refused(
    world: World, client_for: Any
) -> None:
    client = client_for("coordinator")
    response = client.post(
        reverse("member-invite", args=[world.a.slug]), {"email": "x@alfa.test", "role": "reporter"}
    )
    assert response.status_code == 200
    assert not Invitation.objects.filter(email="x@alfa.test").exists()
    assert "organisation" in response.context["form"].errors


@translation.override("en")
def test_inviting_an_existing_member_says_to_change_their_role_instead(world: World) -> None:
    with pytest.raises(services.MembershipError, match="already a member"):
        services.invite(world.a, world.users["coordinator"], "viewer@alfa.test", "analyst", None)


def test_newcomer_accepts_invitation_with_a_strong_password(world: World, client: Any) -> None:
    url = reverse("invitation-accept", args=[world.invitation.token])
    weak = client.post(
        url,
        {
            "first_name": "Ny",
            "last_name": "Person",
            "password1": "12345678",
            "password2": "12345678",
        },
    )
    assert weak.status_code == 200
    assert weak.context["form"].errors["password1"]
    assert not Membership.objects.filter(user__email="newcomer@alfa.test").exists()
    good = "lugn-sommar-kväll-2026"
    response = client.post(
        url, {"first_name": "Ny", "last_name": "Person", "password1": good, "password2": good}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("partnership-start", args=[world.a.slug])
    membership = Membership.objects.get(user__email="newcomer@alfa.test")
    assert membership.role == Role.VIEWER and membership.partnership == world.a
    world.invitation.refresh_from_db()
    assert world.invitation.accepted_at is not None
    assert MembershipEvent.objects.filter(action="joined", subject=membership.user).exists()
    # The link cannot be used twice.
    client.logout()
    again = client.get(url)
    assert "partnerships/invitation_unusable.html" in [t.name for t in again.templates]


def test_expired_invitation_cannot_be_used(world: World, client: Any) -> None:
    Invitation.objects.filter(pk=world.invitation.pk).update(
        expires_at=timezone.now() - timedelta(days=1)
    )
    response = client.get(reverse("invitation-accept", args=[world.invitation.token]))
    assert "partnerships/invitation_unusable.html" in [t.name for t in response.templates]


def test_existing_user_is_asked_to_sign_in_before_accepting(world: World, client: Any) -> None:
    invitation = services.invite(
        world.b, world.users["outsider"], "analyst@alfa.test", "analyst", None
    )
    response = client.get(reverse("invitation-accept", args=[invitation.token]))
    assert "partnerships/invitation_sign_in.html" in [t.name for t in response.templates]
    client.force_login(world.users["analyst"], backend="django.contrib.auth.backends.ModelBackend")
    response = client.post(reverse("invitation-accept", args=[invitation.token]))
    assert response.status_code == 302
    # One person, two partnerships.
    assert set(Partnership.objects.visible_to(world.users["analyst"])) == {world.a, world.b}
    home = client.get(reverse("home"))
    assert home.status_code == 200
    assert {p.slug for p in home.context["partnerships"]} == {"alfa", "beta"}


def test_role_change_is_recorded_and_shown_in_the_history(world: World, client_for: Any) -> None:
    client = client_for("coordinator")
    membership = world.memberships["viewer"]
    response = client.post(
        reverse("member-edit", args=[world.a.slug, membership.pk]),
        {"role": "analyst", "organisation": ""},
    )
    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.role == Role.ANALYST
    event = MembershipEvent.objects.get(action="role_changed")
    assert event.details == {"old": "viewer", "new": "analyst"}
    history = client.get(reverse("member-history", args=[world.a.slug]))
    assert "viewer@alfa.test" in history.content.decode()


@translation.override("en")
def test_the_last_coordinator_cannot_be_demoted_or_removed(world: World) -> None:
    membership = world.memberships["coordinator"]
    with pytest.raises(services.MembershipError, match="at least one coordinator"):
        services.change_membership(membership, membership.user, "viewer", None)
    with pytest.raises(services.MembershipError, match="at least one coordinator"):
        services.remove_member(membership, membership.user)
    assert Membership.objects.get(pk=membership.pk).role == Role.COORDINATOR


def test_removing_a_member_is_recorded(world: World, client_for: Any) -> None:
    client = client_for("coordinator")
    membership = world.memberships["housing_reporter"]
    client.post(reverse("member-remove", args=[world.a.slug, membership.pk]))
    assert not Membership.objects.filter(pk=membership.pk).exists()
    assert MembershipEvent.objects.filter(action="removed", subject=membership.user).exists()


def test_membership_events_are_append_only(world: World) -> None:
    event = services.record(world.a, None, "added", subject=world.users["viewer"])
    event.action = "removed"
    with pytest.raises(ValueError, match="append-only"):
        event.save()


def test_outsider_cannot_edit_members_of_another_partnership(world: World, client_for: Any) -> None:
    client = client_for("outsider")
    membership = world.memberships["viewer"]
    response = client.post(
        reverse("member-edit", args=[world.b.slug, membership.pk]), {"role": "coordinator"}
    )
    assert response.status_code == 404
    membership.refresh_from_db()
    assert membership.role == Role.VIEWER


def test_querysets_show_members_only_their_partnerships(world: World) -> None:
    assert list(Partnership.objects.visible_to(world.users["reporter"])) == [world.a]
    assert list(Partnership.objects.visible_to(world.users["outsider"])) == [world.b]
    reporter_sees = Membership.objects.visible_to(world.users["reporter"])
    assert list(reporter_sees) == [world.memberships["reporter"]]
    coordinator_sees = Membership.objects.visible_to(world.users["coordinator"])
    assert world.memberships["outsider"] not in coordinator_sees
    assert coordinator_sees.count() == 5


def test_coordinator_adds_and_edits_an_organisation(world: World, client_for: Any) -> None:
    client = client_for("coordinator")
    response = client.post(
        reverse("organisation-create", args=[world.a.slug]),
        {"name": "Räddningstjänsten Alfa", "kind": "raddningstjanst"},
    )
    assert response.status_code == 302
    org = world.a.organisations.get(name="Räddningstjänsten Alfa")
    assert org.slug == "raddningstjansten-alfa"
    duplicate = client.post(
        reverse("organisation-create", args=[world.a.slug]), {"name": "alfaskolan", "kind": "skola"}
    )
    assert duplicate.status_code == 200
    assert "name" in duplicate.context["form"].errors


@pytest.mark.parametrize(
    ("base_url", "expected"),
    [
        ("", "http://samtrygg.example.se:8443/invitations/"),
        ("https://trygg.kommun.se/", "https://trygg.kommun.se/invitations/"),
    ],
)
def test_invitation_link_points_to_the_address_the_server_runs_on(
    base_url: str,
    expected: str,
    world: World,
    client_for: Any,
    settings: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    settings.ALLOWED_HOSTS = ["samtrygg.example.se"]
    settings.SAMTRYGG_BASE_URL = base_url
    client = client_for("coordinator")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("member-invite", args=[world.a.slug]),
            {"email": "new@alfa.test", "role": "viewer"},
            HTTP_HOST="samtrygg.example.se:8443",
        )
    invitation = Invitation.objects.get(email="new@alfa.test")
    assert f"{expected}{invitation.token}/" in mail.outbox[0].body
