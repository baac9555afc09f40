"""The yearly lägesbild as Word and PDF: header, page numbers, sections, figures, disclosure."""

from __future__ import annotations

import re
from typing import Any

from django.urls import reverse
from django.utils import translation
from django.utils.text import capfirst

from samtrygg.lagesbild import documents, drafting, services
from samtrygg.lagesbild.models import Lagesbild, SourceEntry
from tests.conftest import World
from tests.documents_text import pdf_page_texts, squash, word_text
from tests.lagesbild.test_lagesbild_maps import EVIL, _incidents

REFERENCE = {
    "imported": True,
    "series": [
        {
            "source": "kolada",
            "source_name": "Kolada",
            "label": "Anmälda brott per 1 000 invånare",
            "is_example": False,
            "years": [2024, 2025],
            "regions": [{"name": "Alfa kommun", "level": "kommun", "values": [12.5, 1234.25]}],
        }
    ],
}


def _lagesbild(world: World, *, adopt: bool = True) -> Lagesbild:
    _incidents(world)
    doc = drafting.start_lagesbild(world.a, 2026, world.users["coordinator"])
    doc.consequences = "Otrygghet på kvällarna."
    doc.other_information = "Trygghetsmätningen 2025."
    doc.cause_analysis = "Mörka gångvägar."
    doc.figures = {**doc.figures, "reference": REFERENCE}
    doc.save()
    SourceEntry.objects.create(lagesbild=doc, name="EST-rapporter", used=True, reason="Alla.")
    if adopt:
        services.adopt_lagesbild(
            doc,
            world.users["coordinator"],
            decision_body="Kommunstyrelsen",
            decision_date=doc.period_end,
            diarienummer="KS 2026/12",
        )
        doc.refresh_from_db()
    return doc


def _download(client: Any, doc: Lagesbild, fmt: str) -> Any:
    url = reverse("lagesbild-export", args=[doc.partnership.slug, doc.pk])
    return client.get(url, {"format": fmt})


def _headings() -> list[str]:
    with translation.override("sv"):
        return [
            capfirst(str(Lagesbild._meta.get_field(name).verbose_name))
            for name in services.LAGESBILD_SECTIONS
        ]


def test_word_has_header_page_numbers_sections_and_swedish_figures(
    world: World, client_for: Any
) -> None:
    doc = _lagesbild(world)
    response = _download(client_for("coordinator"), doc, "docx")
    assert response.status_code == 200
    assert response["Content-Type"] == documents.FORMATS["docx"]
    assert "lagesbild-alfa-2026-v1.docx" in response["Content-Disposition"]
    text = word_text(response.content)
    assert text.header == f"Alfa · {doc.title}"
    assert text.footer_fields == ["PAGE", "NUMPAGES"]
    assert text.footer.startswith("Sida ") and " av " in text.footer
    for n, heading in enumerate([*_headings(), "Källförteckning"], start=1):
        assert f"{n}. {heading}" in text.body
    # Reference values in Swedish: decimal comma, as on the page.
    assert "12,5" in text.body and "1234,2" in text.body or "1234,3" in text.body
    assert "Mörka gångvägar." in text.body and "EST-rapporter" in text.body
    assert "Kommunstyrelsen" in text.body and "KS 2026/12" in text.body
    assert services.content_sha256(doc) in text.body
    assert "Antagen" in text.body  # the status


def test_pdf_has_the_header_and_page_n_of_m_on_every_page(world: World, client_for: Any) -> None:
    doc = _lagesbild(world)
    response = _download(client_for("coordinator"), doc, "pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    pages = pdf_page_texts(response.content)
    assert len(pages) >= 2
    for number, page in enumerate(pages, start=1):
        assert page.startswith(squash(f"Alfa · {doc.title}"))
        assert page.endswith(f"Sida{number}av{len(pages)}")
    whole = "".join(pages)
    for heading in _headings():
        assert squash(heading) in whole
    assert "12,5" in whole and squash(services.content_sha256(doc)) in whole


def test_viewers_document_hides_small_counts_like_the_page(world: World, client_for: Any) -> None:
    doc = _lagesbild(world)
    viewer = word_text(_download(client_for("viewer"), doc, "docx").content)
    coordinator = word_text(_download(client_for("coordinator"), doc, "docx").content)
    # The hostile-named area has 3 incidents this period and none the year before: the
    # coordinator sees the count; for the viewer it is protected as on the page: 0 (no row in
    # the area table, "no incidents" under the map) or at least k, never 1..k-1.
    assert [r[:3] for r in coordinator.rows_starting(EVIL)] == [
        [EVIL, "3", "0"],
        [EVIL, "3 händelser"],
    ]
    # Which of 0 and k or more it is depends on the record keys (the database's ids).
    rows = viewer.rows_starting(EVIL)
    numbers = [int(w) for r in rows for cell in r[1:] for w in re.findall(r"\d+", cell)]
    assert rows and all(n == 0 or n >= 5 for n in numbers)
    assert any(r[1:2] == ["inga händelser"] for r in rows) or any(n >= 5 for n in numbers)


def test_a_draft_is_no_download_for_reporters_and_says_draft_to_staff(
    world: World, client_for: Any
) -> None:
    doc = _lagesbild(world, adopt=False)
    assert _download(client_for("reporter"), doc, "pdf").status_code == 404
    assert _download(client_for("viewer"), doc, "docx").status_code == 404
    text = word_text(_download(client_for("analyst"), doc, "docx").content).body
    assert "Utkast" in text and "SHA-256" not in text


def test_unknown_format_is_a_400(world: World, client_for: Any) -> None:
    doc = _lagesbild(world)
    assert _download(client_for("coordinator"), doc, "odt").status_code == 400


def test_the_page_offers_word_and_pdf(world: World, client_for: Any) -> None:
    doc = _lagesbild(world)
    page = client_for("reporter").get(reverse("lagesbild-detail", args=["alfa", doc.pk]))
    url = reverse("lagesbild-export", args=["alfa", doc.pk])
    assert f'href="{url}?format=docx"' in page.content.decode()
    assert f'href="{url}?format=pdf"' in page.content.decode()


def test_english_document_in_english(world: World) -> None:
    doc = _lagesbild(world)
    text = word_text(documents.build(doc, "docx", exact=True, lang="en"))
    assert text.footer.startswith("Page ") and " of " in text.footer
    assert "12.5" in text.body and "Source inventory" in text.body
