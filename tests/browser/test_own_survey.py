"""The own survey in a browser on a 390 × 844 phone: a coordinator makes it and gets the link;
a resident, not signed in, answers it; every page axe-checked and without sideways scrolling."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from playwright.sync_api import expect

from tests.browser.conftest import check_accessibility, sign_in
from tests.browser.test_phone import OVERFLOW, PHONE


def _fits(page: Any) -> None:
    width, wide = page.evaluate(OVERFLOW)
    assert width <= PHONE["width"] and wide == [], wide


def test_a_coordinator_makes_a_survey_and_a_resident_answers_it_on_a_phone(
    browser: Any, live_server: Any, bworld: Any
) -> None:
    from django.utils import timezone

    from samtrygg.surveys.models import Questionnaire, QuestionnaireResponse
    from tests.surveys.own_helpers import extra_area

    extra_area(bworld, "Norr")
    today = timezone.localdate()
    staff = browser.new_context(locale="sv-SE", base_url=live_server.url, viewport=PHONE)
    staff.set_default_timeout(15000)
    page = staff.new_page()
    try:
        sign_in(page, "coordinator@alfa.test")
        page.goto("/alfa/surveys/")
        page.get_by_role("link", name="Ny egen enkät").click()
        expect(page).to_have_url(re.compile(r"/alfa/surveys/own/new/$"))
        page.get_by_label("Titel").fill("Trygghetsenkät Centrum och Norr")
        page.get_by_label("Centrum").check()
        page.get_by_label("Norr").check()
        page.get_by_label("Öppnar").fill(today.isoformat())
        page.get_by_label("Stänger").fill((today + timedelta(days=14)).isoformat())
        check_accessibility(page)
        _fits(page)
        page.get_by_role("button", name="Spara").click()
        expect(page.get_by_role("heading", name="Länken till de boende")).to_be_visible()
        check_accessibility(page)
        _fits(page)
        link = page.locator(".survey-link a").get_attribute("href")
    finally:
        staff.close()
    q = Questionnaire.objects.get()
    assert link is not None and link.endswith(f"/s/{q.token}/")

    resident = browser.new_context(locale="sv-SE", base_url=live_server.url, viewport=PHONE)
    resident.set_default_timeout(15000)
    page = resident.new_page()
    try:
        page.goto(f"/s/{q.token}/")
        expect(page.get_by_role("heading", name="Trygghetsenkät Centrum och Norr")).to_be_visible()
        check_accessibility(page)
        _fits(page)
        # Sending without an area says what to do.
        unsafe = page.get_by_role("group", name=re.compile("Hur trygg känner du dig"))
        unsafe.get_by_label("Ganska otrygg").check()
        page.get_by_role("button", name="Skicka mina svar").click()
        expect(page.get_by_text("Välj det område där du bor.")).to_be_visible()
        check_accessibility(page)
        page.get_by_role("group", name="Vilket område bor du i?").get_by_label("Norr").check()
        page.get_by_role("group", name=re.compile("nedskräpning")).get_by_label(
            "Ganska stort problem"
        ).check()
        page.get_by_role("button", name="Skicka mina svar").click()
        expect(page.get_by_role("heading", name="Tack för dina svar")).to_be_visible()
        check_accessibility(page)
        _fits(page)
    finally:
        resident.close()
    response = QuestionnaireResponse.objects.get()
    assert response.area == "Norr" and response.channel == "web"
    assert dict(response.answers.values_list("item", "answer")) == {
        "trygg_ute_sent": "Ganska otrygg",
        "problem_nedskrapning": "Ganska stort problem",
    }
