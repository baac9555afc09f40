"""The collaboration agreement in a real browser: both parties sign, then Word and PDF export.

Buttons are found by their form's address (not their label), so the test holds in both
languages.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from django.urls import reverse
from playwright.sync_api import expect

from tests.agreements.helpers import (
    ACTIVITY_TITLE,
    PROMISE_TEXT,
    make_agreement,
    pdf_text,
    police,
    squash,
)
from tests.browser.conftest import check_accessibility, sign_in


def _setup(world: Any) -> Any:
    from samtrygg.partnerships.models import Membership, Role
    from tests.conftest import make_user

    chief = make_user("lpo@polisen.test")
    Membership.objects.create(
        user=chief, partnership=world.a, role=Role.VIEWER, organisation=police(world)
    )
    return make_agreement(
        world,
        status="review",
        parties=(
            (world.kommun, "Kommunstyrelsens ordförande"),
            (police(world), "Lokalpolisområdeschef"),
        ),
    )


def _sign(page: Any, agreement: Any, organisation: Any) -> None:
    """Open the signing page, read the checksum it shows, confirm with the password."""
    from samtrygg.agreements.signing import content_sha256
    from tests.conftest import PASSWORD

    party = agreement.parties.get(organisation=organisation)
    url = reverse("agreement-sign", kwargs={"slug": "alfa", "pk": agreement.pk, "party": party.pk})
    with page.expect_navigation():
        page.locator(f"a[href='{url}']").click()
    expect(page.locator("code.checksum")).to_have_text(content_sha256(agreement))
    check_accessibility(page)
    page.get_by_label("Ditt lösenord").fill(PASSWORD)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()


def _download(page: Any, fmt: str, agreement: Any, tmp_path: Path) -> bytes:
    url = reverse("agreement-download", kwargs={"slug": "alfa", "pk": agreement.pk, "fmt": fmt})
    with page.expect_download() as info:
        page.locator(f"a[href='{url}']").click()
    target = tmp_path / f"avtal.{fmt}"
    info.value.save_as(target)
    return target.read_bytes()


def test_both_parties_sign_and_export(page: Any, bworld: Any, tmp_path: Path) -> None:
    from docx import Document

    agreement = _setup(bworld)
    detail = reverse("agreement-detail", kwargs={"slug": "alfa", "pk": agreement.pk})

    sign_in(page, "coordinator@alfa.test")
    page.goto(detail)
    expect(page.get_by_text(PROMISE_TEXT)).to_be_visible()
    check_accessibility(page)
    _sign(page, agreement, bworld.kommun)
    # The coordinator cannot sign for the police: there is no button for it.
    police_party = agreement.parties.get(organisation=police(bworld))
    other = reverse(
        "agreement-sign", kwargs={"slug": "alfa", "pk": agreement.pk, "party": police_party.pk}
    )
    expect(page.locator(f"a[href='{other}']")).to_have_count(0)

    page.context.clear_cookies()
    sign_in(page, "lpo@polisen.test")
    page.goto(detail)
    check_accessibility(page)
    _sign(page, agreement, police(bworld))
    agreement.refresh_from_db()
    assert agreement.status == "signed"
    check_accessibility(page)

    docx = Document(io.BytesIO(_download(page, "docx", agreement, tmp_path)))
    body = "\n".join(p.text for p in docx.paragraphs)
    body += "\n".join(c.text for t in docx.tables for r in t.rows for c in r.cells)
    assert PROMISE_TEXT in body and ACTIVITY_TITLE in body
    assert "Coordinator" in body and "Lpo" in body  # both signers' names

    text = pdf_text(_download(page, "pdf", agreement, tmp_path))
    assert squash(PROMISE_TEXT) in text and squash(ACTIVITY_TITLE) in text
    assert "Coordinator" in text and "Lpo" in text


def test_coordinator_forms_are_accessible(page: Any, bworld: Any) -> None:
    agreement = _setup(bworld)
    from samtrygg.agreements.models import Agreement

    Agreement.objects.filter(pk=agreement.pk).update(status="draft")
    sign_in(page, "coordinator@alfa.test")
    for name, kwargs in (
        ("agreement-list", {"slug": "alfa"}),
        ("agreement-create", {"slug": "alfa"}),
        ("agreement-edit", {"slug": "alfa", "pk": agreement.pk}),
        ("promise-create", {"slug": "alfa", "pk": agreement.pk}),
        ("party-create", {"slug": "alfa", "pk": agreement.pk}),
    ):
        page.goto(reverse(name, kwargs=kwargs))
        check_accessibility(page)
