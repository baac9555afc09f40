"""Two-factor sign-in in a real browser: set it up from the QR page, then sign in with a code."""

from __future__ import annotations

import base64
import re
from typing import Any

from django_otp.oath import totp
from playwright.sync_api import expect

from tests.browser.conftest import check_accessibility, sign_in


def _code(secret: str, offset: int = 0) -> str:
    # What the phone's app computes from the key shown on the page (RFC 6238, 30 s steps).
    key = base64.b32decode(secret.replace(" ", "") + "=" * (-len(secret.replace(" ", "")) % 8))
    return f"{totp(key, step=30, t0=0, digits=6, drift=offset):06d}"


def test_a_reporter_switches_on_two_factor_and_signs_in_with_a_code(page: Any, bworld: Any) -> None:
    sign_in(page, "reporter@alfa.test")
    page.get_by_role("link", name="Tvåstegsinloggning").click()
    # The click starts a navigation; wait for the new page's QR code rather than look at once.
    page.locator("svg.segno").wait_for(state="visible")
    expect(page.locator("svg.segno")).to_be_visible()
    check_accessibility(page)
    secret = page.locator("figure.qr code").inner_text()
    page.get_by_label("Sexsiffrig kod från appen").fill(_code(secret))
    with page.expect_navigation():
        page.get_by_role("button", name="Slå på tvåstegsinloggning").click()
    expect(page.get_by_text("Tvåstegsinloggning är på").first).to_be_visible()
    # The ten backup codes are shown once.
    expect(page.get_by_role("heading", name="Reservkoder")).to_be_visible()
    expect(page.locator("ol.backup-codes li")).to_have_count(10)
    check_accessibility(page)
    with page.expect_navigation():
        page.get_by_role("link", name="Jag har sparat koderna").click()

    with page.expect_navigation():
        page.get_by_role("button", name="Logga ut").click()
    sign_in(page, "reporter@alfa.test")
    expect(page).to_have_url(re.compile(re.escape("/accounts/two-factor/code/")))
    check_accessibility(page)
    page.goto("/alfa/")  # the password alone opens nothing
    expect(page).to_have_url(re.compile(re.escape("/accounts/two-factor/code/")))
    # The code used at set-up cannot be used again: give the next 30 s step's code, which the
    # server accepts (one step of tolerance for the phone's clock).
    page.get_by_label("Sexsiffrig kod från appen").fill(_code(secret, offset=1))
    with page.expect_navigation():
        page.get_by_role("button", name="Logga in").click()
    expect(page).to_have_url(re.compile(re.escape("/alfa/") + "$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Alfa")
