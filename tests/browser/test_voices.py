"""What residents say, in a browser on a phone: the lägesbild's section, the survey map and the
public page's published walk, each fitting 390 px and axe-checked."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import check_accessibility, sign_in
from tests.browser.test_phone import OVERFLOW, PHONE


@pytest.fixture
def phone(browser: Any, live_server: Any) -> Iterator[Any]:
    context = browser.new_context(locale="sv-SE", base_url=live_server.url, viewport=PHONE)
    context.set_default_timeout(15000)
    yield context.new_page()
    context.close()


def _fits(page: Any) -> None:
    width, wide = page.evaluate(OVERFLOW)
    assert width <= PHONE["width"], wide


def test_the_lagesbild_and_the_survey_map_show_what_residents_say_on_a_phone(
    phone: Any, bworld: Any
) -> None:
    from samtrygg.lagesbild import drafting
    from samtrygg.surveys.models import Survey
    from tests.lagesbild.test_voices import _dialogues, _survey, _walks

    _walks(bworld)
    _dialogues(bworld)
    survey = _survey(bworld)
    doc = drafting.start_lagesbild(bworld.a, 2026, bworld.users["coordinator"])
    sign_in(phone, "coordinator@alfa.test")

    phone.goto(f"/alfa/plans/lagesbild/{doc.pk}/")
    expect(phone.get_by_role("heading", name="Vad invånarna säger")).to_be_visible()
    expect(phone.get_by_text("Vad 3 trygghetsvandringar hittade (2 i mörker)")).to_be_visible()
    expect(phone.get_by_text("dolt: för få svarande").first).to_be_visible()
    _fits(phone)
    check_accessibility(phone)

    phone.goto(f"/alfa/surveys/{Survey.objects.get(pk=survey.pk).pk}/?year=2026")
    expect(phone.get_by_role("heading", name="Resultat per område på kartan")).to_be_visible()
    expect(phone.locator("figure.survey-map-figure svg.map")).to_be_visible()
    expect(phone.locator("g.map-survey-areas path")).to_have_count(1)
    _fits(phone)
    check_accessibility(phone)


def test_a_resident_reads_a_published_walk_on_a_phone(phone: Any, bworld: Any) -> None:
    from tests.public.test_public_walks import ACTION, _published_walk

    _published_walk(bworld)
    phone.goto("/p/alfa/")
    expect(phone.get_by_role("heading", name="Trygghetsvandringar")).to_be_visible()
    expect(phone.get_by_text(ACTION + " (Alfa kommun)")).to_be_visible()
    _fits(phone)
    check_accessibility(phone)
