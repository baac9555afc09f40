"""Real signing: each party names its signatory, who alone signs, after confirming who they are
on a page that shows exactly what is signed and its checksum; everyone concerned gets an e-mail."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from samtrygg.agreements import services
from samtrygg.agreements.models import Agreement, Party, Signature
from samtrygg.agreements.signing import content_sha256
from samtrygg.partnerships.access import access_for
from samtrygg.partnerships.models import Membership, Role
from tests.agreements.helpers import make_agreement, police
from tests.conftest import PASSWORD, World, make_user


def _chief(world: World) -> Any:
    chief = make_user("chef@polisen.test")
    Membership.objects.create(
        user=chief, partnership=world.a, role=Role.VIEWER, organisation=police(world)
    )
    return chief


def _named(world: World, status: str = "review") -> tuple[Agreement, Party, Party, Any]:
    """Two parties, each with a named signatory: the coordinator and the police chief."""
    agreement = make_agreement(
        world,
        status=status,
        parties=(
            (world.kommun, "Kommunstyrelsens ordförande"),
            (police(world), "Lokalpolisområdeschef"),
        ),
    )
    chief = _chief(world)
    kommun, polis = agreement.parties.order_by("pk")
    Party.objects.filter(pk=kommun.pk).update(signatory=world.users["coordinator"])
    Party.objects.filter(pk=polis.pk).update(signatory=chief)
    kommun.refresh_from_db()
    polis.refresh_from_db()
    return agreement, kommun, polis, chief


def _url(agreement: Agreement, party: Party) -> str:
    return reverse("agreement-sign", args=["alfa", agreement.pk, party.pk])


def _login(client: Any, user: Any) -> Any:
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


def test_only_the_named_signatory_may_sign_not_another_member_of_the_organisation(
    world: World, client: Any
) -> None:
    agreement, kommun, polis, chief = _named(world)
    other = make_user("annan@polisen.test")
    Membership.objects.create(
        user=other, partnership=world.a, role=Role.COORDINATOR, organisation=police(world)
    )
    assert _login(client, other).get(_url(agreement, polis)).status_code == 403
    assert _login(client, world.users["superuser"]).get(_url(agreement, polis)).status_code == 403
    assert _login(client, chief).get(_url(agreement, polis)).status_code == 200
    access = access_for(other, world.a)
    assert access is not None
    with pytest.raises(services.NotYourPartyError, match="undertecknare|signatory"):
        services.sign(agreement, polis, access, other)


def test_the_signing_page_shows_what_is_signed_and_its_checksum(world: World, client: Any) -> None:
    agreement, kommun, polis, chief = _named(world)
    html = _login(client, chief).get(_url(agreement, polis)).content.decode()
    assert content_sha256(agreement) in html
    assert agreement.title in html and agreement.promises.get().text in html
    assert 'type="password"' in html


def test_a_wrong_password_signs_nothing_and_the_right_one_records_what_was_signed(
    world: World, client: Any
) -> None:
    agreement, kommun, polis, chief = _named(world)
    checksum = content_sha256(agreement)
    _login(client, chief)
    wrong = client.post(_url(agreement, polis), {"password": "nope", "content_sha256": checksum})
    assert wrong.status_code == 200 and "lösenordet" in wrong.content.decode().lower()
    assert not Signature.objects.exists()
    right = client.post(_url(agreement, polis), {"password": PASSWORD, "content_sha256": checksum})
    assert right.status_code == 302
    signature = Signature.objects.get(party=polis)
    assert signature.signed_by == chief and signature.role == "Lokalpolisområdeschef"
    assert signature.content_sha256 == checksum and signature.method == "password"


def test_a_signer_with_two_factor_sign_in_also_gives_a_code(world: World, client: Any) -> None:
    agreement, kommun, polis, chief = _named(world)
    device = TOTPDevice.objects.create(user=chief, name="app", confirmed=True)
    checksum = content_sha256(agreement)
    _login(client, chief)
    # Signed in with the second factor, as the site requires of those who have one.
    session = client.session
    session["otp_device_id"] = device.persistent_id
    session.save()
    without = client.post(
        _url(agreement, polis), {"password": PASSWORD, "content_sha256": checksum}
    )
    assert without.status_code == 200 and not Signature.objects.exists()
    code = f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"
    done = client.post(
        _url(agreement, polis),
        {"password": PASSWORD, "otp_token": code, "content_sha256": checksum},
    )
    assert done.status_code == 302
    assert Signature.objects.get(party=polis).method == "password+totp"


def test_a_change_after_the_page_was_shown_is_refused(world: World, client: Any) -> None:
    agreement, kommun, polis, chief = _named(world)
    shown = content_sha256(agreement)
    Agreement.objects.filter(pk=agreement.pk).update(background="Ny bakgrund.")
    _login(client, chief)
    response = client.post(
        _url(agreement, polis), {"password": PASSWORD, "content_sha256": shown}, follow=True
    )
    assert "har ändrats" in response.content.decode()
    assert not Signature.objects.exists()


def test_sending_for_review_needs_a_signatory_for_every_party_and_e_mails_them(
    world: World, client_for: Any, django_capture_on_commit_callbacks: Any
) -> None:
    agreement = make_agreement(world, status="draft")
    client = client_for("coordinator")
    review = reverse("agreement-review", args=["alfa", agreement.pk])
    refused = client.post(review, follow=True)
    assert "Ange vem som skriver under för Alfa kommun" in refused.content.decode()
    party = agreement.parties.get()
    edit = reverse("party-edit", args=["alfa", agreement.pk, party.pk])
    # Only a member of the party's organisation can sign for it.
    wrong = client.post(
        edit,
        {
            "organisation": world.kommun.pk,
            "signatory_role": party.signatory_role,
            "signatory": world.users["reporter"].pk,
        },
    )
    assert wrong.status_code == 200 and "inte medlem" in wrong.content.decode()
    client.post(
        edit,
        {
            "organisation": world.kommun.pk,
            "signatory_role": party.signatory_role,
            "signatory": world.users["coordinator"].pk,
        },
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(review).status_code == 302
    agreement.refresh_from_db()
    assert agreement.status == "review"
    assert [m.to for m in mail.outbox] == [["coordinator@alfa.test"]]
    assert f"/alfa/agreement/{agreement.pk}/" in mail.outbox[0].body


def test_everyone_concerned_hears_when_the_last_party_has_signed(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    agreement, kommun, polis, chief = _named(world)
    for party, user in ((kommun, world.users["coordinator"]), (polis, chief)):
        access = access_for(user, world.a)
        assert access is not None
        with django_capture_on_commit_callbacks(execute=True):
            services.sign(agreement, party, access, user, content_sha256=content_sha256(agreement))
    agreement.refresh_from_db()
    assert agreement.status == "signed"
    assert len(mail.outbox) == 1
    assert sorted(mail.outbox[0].to) == ["chef@polisen.test", "coordinator@alfa.test"]
