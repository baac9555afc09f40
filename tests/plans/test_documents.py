"""The action plan as Word and PDF: header, page numbers, measures, activities, indicators."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from samtrygg.plans import documents, services
from samtrygg.plans.models import ActionPlan, Indicator
from tests.conftest import World
from tests.documents_text import pdf_page_texts, squash, word_text
from tests.plans.test_freeze import adopted_plan, complete_measure


def _plan(world: World, *, adopt: bool = True) -> ActionPlan:
    measure = complete_measure(world)
    measure.activities.filter(title="Byta armaturer").update(owner_person="Kim Karlsson")
    # A decimal baseline, to be written with a decimal comma in Swedish.
    Indicator.objects.filter(goal__measures=measure).update(baseline_value=12.5, unit="per 1 000")
    if adopt:
        return adopted_plan(world, measure)
    plan = ActionPlan.objects.create(partnership=world.a, title="Åtgärdsplan 2027 (utkast)")
    plan.measures.set([measure])
    return plan


def _download(client: Any, plan: ActionPlan, fmt: str) -> Any:
    return client.get(reverse("actionplan-export", args=["alfa", plan.pk]), {"format": fmt})


def test_word_holds_measures_activities_owners_deadlines_and_indicators(
    world: World, client_for: Any
) -> None:
    plan = _plan(world)
    response = _download(client_for("viewer"), plan, "docx")
    assert response.status_code == 200
    assert response["Content-Type"] == documents.FORMATS["docx"]
    assert "atgardsplan-alfa-v1.docx" in response["Content-Disposition"]
    text = word_text(response.content)
    assert text.header == "Alfa · Åtgärdsplan 2027"
    assert text.footer_fields == ["PAGE", "NUMPAGES"] and text.footer.startswith("Sida ")
    for heading in (
        "1. Åtgärder i planen",
        "2. Åtgärder och aktiviteter",
        "3. Mål och indikatorer",
    ):
        assert heading in text.body
    [activity] = text.rows_starting("Byta armaturer")
    assert activity[1:4] == ["Alfa kommun, Kim Karlsson", "–", "2027-03-01"]
    [indicator] = text.rows_starting("Anmält klotter")
    assert indicator[1] == "12,5 per 1 000 (2026-01-01)"
    assert "Kommunstyrelsen" in text.body and "KS 2026/12" in text.body
    assert services.content_sha256(plan) in text.body


def test_pdf_names_the_partnership_and_numbers_the_pages(world: World, client_for: Any) -> None:
    plan = _plan(world)
    response = _download(client_for("coordinator"), plan, "pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    pages = pdf_page_texts(response.content)
    for number, page in enumerate(pages, start=1):
        assert page.startswith(squash("Alfa · Åtgärdsplan 2027"))
        assert page.endswith(f"Sida{number}av{len(pages)}")
    whole = "".join(pages)
    assert "Bytaarmaturer" in whole and squash("Mål och indikatorer") in whole
    assert "12,5per1000" in whole


def test_reporters_get_the_plans_page_only(world: World, client_for: Any) -> None:
    plan = _plan(world)
    text = word_text(_download(client_for("reporter"), plan, "docx").content)
    assert "Belysning vid skolan" in text.body
    assert "Byta armaturer" not in text.body and "Anmält klotter" not in text.body


def test_a_draft_is_not_for_viewers_and_has_no_checksum(world: World, client_for: Any) -> None:
    plan = _plan(world, adopt=False)
    assert _download(client_for("viewer"), plan, "docx").status_code == 404
    text = word_text(_download(client_for("coordinator"), plan, "docx").content)
    assert "Utkast" in text.body and "SHA-256" not in text.body


def test_the_checksum_follows_what_was_adopted(world: World) -> None:
    plan = _plan(world)
    before = services.content_sha256(plan)
    measure = plan.measures.get()
    measure.activities.update(progress=50)  # follow-up is not part of what was adopted
    assert services.content_sha256(plan) == before
    plan.diarienummer = "KS 2026/13"  # not saved: an adopted plan refuses the change
    assert services.content_sha256(plan) != before


def test_the_page_offers_word_and_pdf_and_refuses_other_formats(
    world: World, client_for: Any
) -> None:
    plan = _plan(world)
    client = client_for("reporter")
    page = client.get(reverse("actionplan-detail", args=["alfa", plan.pk])).content.decode()
    url = reverse("actionplan-export", args=["alfa", plan.pk])
    assert f'href="{url}?format=docx"' in page and f'href="{url}?format=pdf"' in page
    assert _download(client, plan, "rtf").status_code == 400


def test_english_document(world: World) -> None:
    plan = _plan(world)
    text = word_text(documents.build(plan, "docx", reads_work=True, lang="en"))
    assert text.footer.startswith("Page ") and "12.5 per 1 000" in text.body
    assert "2027-03-01" in text.body and "Goals and indicators" in text.body
