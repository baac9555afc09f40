"""Word and PDF of the yearly lägesbild and the action plan, downloaded from their pages.

On a desktop and a 390 px phone: the buttons are there (and fit), axe finds nothing serious,
and the files name the partnership and number their pages.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse

from tests.browser.conftest import check_accessibility, sign_in
from tests.documents_text import pdf_page_texts, word_text

PHONE = {"width": 390, "height": 844}


def _download(page: Any, name: str, tmp_path: Path) -> bytes:
    with page.expect_download() as info:
        page.get_by_role("link", name=name).click()
    target = tmp_path / info.value.suggested_filename
    info.value.save_as(target)
    return target.read_bytes()


@pytest.mark.parametrize("phone", [False, True])
def test_lagesbild_and_plan_download_as_word_and_pdf(
    page: Any, bworld: Any, tmp_path: Path, phone: bool
) -> None:
    from tests.lagesbild.test_documents import _lagesbild
    from tests.plans.test_documents import _plan

    if phone:
        page.set_viewport_size(PHONE)
    lagesbild = _lagesbild(bworld)
    plan = _plan(bworld)
    sign_in(page, "viewer@alfa.test")

    page.goto(reverse("lagesbild-detail", args=["alfa", lagesbild.pk]))
    check_accessibility(page)
    if phone:
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    word = word_text(_download(page, "Ladda ner som Word", tmp_path))
    assert word.header == f"Alfa · {lagesbild.title}" and word.footer.startswith("Sida ")
    pages = pdf_page_texts(_download(page, "Ladda ner som PDF", tmp_path))
    assert pages[-1].endswith(f"Sida{len(pages)}av{len(pages)}")

    page.goto(reverse("actionplan-detail", args=["alfa", plan.pk]))
    check_accessibility(page)
    if phone:
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    word = word_text(_download(page, "Ladda ner som Word", tmp_path))
    assert word.header == f"Alfa · {plan.title}" and word.rows_starting("Byta armaturer")
    assert _download(page, "Ladda ner som PDF", tmp_path).startswith(b"%PDF-")
