"""Forgot password: a one-time link by e-mail, the product's pages, no account enumeration."""

from __future__ import annotations

import re
from typing import Any

from django.core import mail
from django.urls import reverse
from django.utils import translation

from tests.conftest import World

NEW_PASSWORD = "a-brand-new-passphrase-77"


def _link(body: str) -> str:
    match = re.search(r"https?://\S+", body)
    assert match, body
    return match.group(0)


def test_person_who_forgot_the_password_chooses_a_new_one_by_e_mail(
    world: World, client: Any, settings: Any
) -> None:
    settings.ALLOWED_HOSTS = ["trygg.example.se"]
    settings.SAMTRYGG_BASE_URL = ""
    response = client.post(
        reverse("password_reset"),
        {"email": "Reporter@Alfa.test"},
        HTTP_HOST="trygg.example.se:8443",
    )
    assert response.status_code == 302
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["reporter@alfa.test"]
    link = _link(mail.outbox[0].body)
    assert link.startswith("http://trygg.example.se:8443/accounts/password/reset/")
    path = link.split("8443", 1)[1]
    # Django swaps the token for a session marker and redirects to the form.
    form_page = client.get(path, HTTP_HOST="trygg.example.se:8443", follow=True)
    assert form_page.context["validlink"]
    done = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
        HTTP_HOST="trygg.example.se:8443",
    )
    assert done.status_code == 302
    world.users["reporter"].refresh_from_db()
    assert world.users["reporter"].check_password(NEW_PASSWORD)
    # The link works once.
    again = client.get(path, HTTP_HOST="trygg.example.se:8443", follow=True)
    assert not again.context["validlink"]


def test_unknown_address_gets_the_same_answer_and_no_e_mail(world: World, client: Any) -> None:
    known = client.post(reverse("password_reset"), {"email": "viewer@alfa.test"}, follow=True)
    unknown = client.post(reverse("password_reset"), {"email": "nobody@alfa.test"}, follow=True)
    assert known.redirect_chain == unknown.redirect_chain
    assert len(mail.outbox) == 1


def test_sign_in_page_offers_the_reset_in_swedish(client: Any) -> None:
    with translation.override("sv"):
        html = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="sv").content.decode()
    assert reverse("password_reset") in html
    assert "Glömt lösenordet?" in html


def test_account_pages_have_the_products_look(world: World, client_for: Any) -> None:
    client = client_for("coordinator")
    for name in ("password_change", "password_reset"):
        html = client.get(reverse(name)).content.decode()
        assert 'class="site-header"' in html, name
        assert "Django administration" not in html and "Django-administration" not in html
