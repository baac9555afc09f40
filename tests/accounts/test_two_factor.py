"""Two-factor sign-in with TOTP: set-up, the code step at sign-in, throttling, the requirement."""

from __future__ import annotations

import time
from typing import Any

import pytest
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.conftest import PASSWORD, World


def code(device: TOTPDevice, offset: int = 0) -> str:
    """The code the app would show (``offset`` steps later)."""
    value = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits,
                 drift=device.drift + offset)  # fmt: skip
    return f"{value:06d}"


def enrolled(world: World, persona: str = "analyst") -> TOTPDevice:
    device: TOTPDevice = TOTPDevice.objects.create(
        user=world.users[persona], name="Samtrygg", confirmed=True
    )
    return device


def sign_in_with_password(client: Any, email: str = "analyst@alfa.test") -> Any:
    return client.post(reverse("login"), {"username": email, "password": PASSWORD})


def start_page(world: World) -> str:
    return reverse("partnership-start", args=[world.a.slug])


def test_setting_up_shows_a_qr_code_and_is_confirmed_by_a_code(
    world: World, client_for: Any
) -> None:
    client = client_for("analyst")
    page = client.get(reverse("two-factor-setup"))
    html = page.content.decode()
    assert page.status_code == 200
    assert "<svg" in html and 'class="segno"' in html
    device = TOTPDevice.objects.get(user=world.users["analyst"])
    assert not device.confirmed
    wrong = client.post(reverse("two-factor-setup"), {"code": "000000"})
    assert wrong.status_code == 400
    device.refresh_from_db()
    assert not device.confirmed
    device.throttle_reset()
    ok = client.post(reverse("two-factor-setup"), {"code": code(device)})
    # The backup codes are shown once, right after setting up.
    assert ok.status_code == 200 and ok["Cache-Control"] == "no-store"
    assert len(ok.context["codes"]) == 10
    device.refresh_from_db()
    assert device.confirmed
    # The same set-up page now says it is on, and the session counts as verified.
    assert client.get(start_page(world)).status_code == 200


def test_with_an_authenticator_the_password_alone_opens_nothing(world: World, client: Any) -> None:
    device = enrolled(world)
    sign_in_with_password(client)
    target = start_page(world)
    blocked = client.get(target)
    assert blocked.status_code == 302
    assert blocked["Location"].startswith(reverse("two-factor-verify"))
    # Any other page too, including the admin and the plans: deny by default.
    assert client.get(reverse("plans-home", args=[world.a.slug])).status_code == 302
    wrong = client.post(reverse("two-factor-verify") + f"?next={target}", {"code": "12345x"})
    assert wrong.status_code == 400
    device.throttle_reset()
    done = client.post(reverse("two-factor-verify"), {"code": code(device), "next": target})
    assert done.status_code == 302 and done["Location"] == target
    assert client.get(target).status_code == 200


def test_the_code_step_never_redirects_off_site(world: World, client: Any) -> None:
    device = enrolled(world)
    sign_in_with_password(client)
    done = client.post(
        reverse("two-factor-verify"), {"code": code(device), "next": "https://evil.example/"}
    )
    assert done.status_code == 302 and not done["Location"].startswith("https://evil")


def test_a_used_code_cannot_be_replayed(world: World, client: Any) -> None:
    device = enrolled(world)
    used = code(device)
    sign_in_with_password(client)
    assert client.post(reverse("two-factor-verify"), {"code": used}).status_code == 302
    client.post(reverse("logout"))
    sign_in_with_password(client)
    assert client.post(reverse("two-factor-verify"), {"code": used}).status_code == 400


def test_wrong_codes_are_throttled(world: World, client: Any) -> None:
    device = enrolled(world)
    sign_in_with_password(client)
    for _ in range(3):
        client.post(reverse("two-factor-verify"), {"code": "000000"})
    refused = client.post(reverse("two-factor-verify"), {"code": code(device)})
    assert refused.status_code == 400
    assert "Wait" in refused.content.decode() or "Vänta" in refused.content.decode()


def test_sign_out_and_language_work_before_the_code(world: World, client: Any) -> None:
    enrolled(world)
    sign_in_with_password(client)
    assert client.post(reverse("set_language"), {"language": "en"}).status_code == 302
    assert client.post(reverse("logout")).status_code == 302
    assert client.get(start_page(world)).status_code == 302  # to the sign-in page now
    assert reverse("login") in client.get(start_page(world))["Location"]


def test_people_without_an_authenticator_are_unaffected_unless_required(
    world: World, client_for: Any, settings: Any
) -> None:
    client = client_for("reporter")
    assert client.get(start_page(world)).status_code == 200
    settings.SAMTRYGG_REQUIRE_2FA = True
    sent = client.get(start_page(world))
    assert sent.status_code == 302 and sent["Location"].startswith(reverse("two-factor-setup"))
    assert client.get(reverse("two-factor-setup")).status_code == 200


def test_switching_off_needs_a_code_and_is_refused_where_required(
    world: World, client: Any, settings: Any
) -> None:
    device = enrolled(world)
    sign_in_with_password(client)
    client.post(reverse("two-factor-verify"), {"code": code(device)})
    assert client.post(reverse("two-factor-disable"), {"code": "000000"}).status_code == 400
    assert TOTPDevice.objects.filter(pk=device.pk).exists()
    settings.SAMTRYGG_REQUIRE_2FA = True
    device.throttle_reset()
    time.sleep(0)  # the next code is the same step; the last one is used, so take the next
    client.post(reverse("two-factor-disable"), {"code": code(device, offset=1)})
    assert TOTPDevice.objects.filter(pk=device.pk).exists()
    settings.SAMTRYGG_REQUIRE_2FA = False
    device.refresh_from_db()
    off = client.post(reverse("two-factor-disable"), {"code": code(device, offset=1)})
    assert off.status_code == 302
    assert not TOTPDevice.objects.filter(user=world.users["analyst"]).exists()


@pytest.mark.parametrize("persona", ["coordinator", "viewer"])
def test_the_public_page_stays_open_before_the_code(
    world: World, client: Any, persona: str
) -> None:
    enrolled(world, persona)
    sign_in_with_password(client, f"{persona}@alfa.test")
    response = client.get(reverse("public-page", args=[world.a.slug]))
    assert response.status_code in (200, 404)  # 404: nothing published; never a redirect


def test_coordinators_see_who_signs_in_with_two_factors(world: World, client_for: Any) -> None:
    enrolled(world, "analyst")
    TOTPDevice.objects.create(user=world.users["reporter"], name="Samtrygg", confirmed=False)
    client = client_for("coordinator")
    client.cookies["django_language"] = "en"
    page = client.get(reverse("member-list", args=[world.a.slug]))
    rows = {m.user.email: m.two_factor for m in page.context["memberships"]}
    assert rows["analyst@alfa.test"] is True
    assert rows["reporter@alfa.test"] is False  # set up but never confirmed
    assert rows["viewer@alfa.test"] is False
    assert "<td>On</td>" in page.content.decode()


def _backup_device(world: World) -> Any:
    from django_otp.plugins.otp_static.models import StaticDevice

    return StaticDevice.objects.get(user=world.users["analyst"])


def test_a_backup_code_signs_in_once(world: World, client: Any) -> None:
    from samtrygg.accounts.twofactor import new_backup_codes

    enrolled(world)
    codes = new_backup_codes(world.users["analyst"])
    sign_in_with_password(client)
    spaced = codes[0][:4].upper() + "-" + codes[0][4:].upper()  # as printed, in capitals
    done = client.post(reverse("two-factor-verify"), {"code": spaced})
    assert done.status_code == 302
    assert client.get(start_page(world)).status_code == 200
    client.post(reverse("logout"))
    sign_in_with_password(client)
    again = client.post(reverse("two-factor-verify"), {"code": codes[0]})
    assert again.status_code == 400
    _backup_device(world).throttle_reset()  # a wrong code throttles the next try for a second
    assert client.post(reverse("two-factor-verify"), {"code": codes[1]}).status_code == 302


def test_new_backup_codes_replace_the_old_ones(world: World, client: Any) -> None:
    from samtrygg.accounts.twofactor import new_backup_codes

    device = enrolled(world)
    old = new_backup_codes(world.users["analyst"])
    sign_in_with_password(client)
    client.post(reverse("two-factor-verify"), {"code": code(device)})
    page = client.post(reverse("two-factor-backup-codes"))
    assert page.status_code == 200
    fresh = [c.replace("-", "") for c in page.context["codes"]]
    assert len(fresh) == 10 and not set(fresh) & set(old)
    client.post(reverse("logout"))
    sign_in_with_password(client)
    assert client.post(reverse("two-factor-verify"), {"code": old[0]}).status_code == 400
    _backup_device(world).throttle_reset()
    assert client.post(reverse("two-factor-verify"), {"code": fresh[0]}).status_code == 302


def test_backup_codes_cannot_stand_in_for_the_app_when_setting_up(
    world: World, client_for: Any
) -> None:
    client = client_for("analyst")
    client.get(reverse("two-factor-setup"))
    refused = client.post(reverse("two-factor-setup"), {"code": "abcd-efgh"})
    assert refused.status_code == 400
    assert not TOTPDevice.objects.get(user=world.users["analyst"]).confirmed


def test_switching_off_removes_the_backup_codes_too(world: World, client: Any) -> None:
    from django_otp.plugins.otp_static.models import StaticDevice

    from samtrygg.accounts.twofactor import new_backup_codes

    device = enrolled(world)
    new_backup_codes(world.users["analyst"])
    sign_in_with_password(client)
    client.post(reverse("two-factor-verify"), {"code": code(device)})
    device.refresh_from_db()
    device.throttle_reset()
    off = client.post(reverse("two-factor-disable"), {"code": code(device, offset=1)})
    assert off.status_code == 302
    assert not StaticDevice.objects.filter(user=world.users["analyst"]).exists()
    # Without any device the password alone signs in again.
    client.post(reverse("logout"))
    sign_in_with_password(client)
    assert client.get(start_page(world)).status_code == 200
