"""The yearly follow-up report as .docx and PDF."""

from __future__ import annotations

import io
from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse

from samtrygg.followup import report
from tests.conftest import World
from tests.followup import helpers as h

# The report is "as of" today and its plan is dated from today: a fixed day makes it the same
# report on any date (a year end would otherwise move activities into another year).
pytestmark = pytest.mark.usefixtures("frozen_now")


def _plan(world: World) -> dict[str, Any]:
    goal = h.goal(world, "Färre klotter vid torget")
    red = h.indicator(goal, "Anmält klotter", 110)
    m = h.measure(world, "Belysning på torget", start_date=h.today() - timedelta(days=60))
    m.goals.add(goal)
    h.activity(m, "Sätt upp lampor", h.today() - timedelta(days=3))
    h.activity(m, "Beställ armaturer", h.today() - timedelta(days=30), "done")
    return {"goal": goal, "red": red, "measure": m}


def _docx_text(data: bytes) -> str:
    from docx import Document

    doc = Document(io.BytesIO(data))
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            parts += [c.text for c in row.cells]
    return "\n".join(parts)


def test_docx_report_holds_goals_lights_measures_and_activities(
    world: World, client_for: Any
) -> None:
    _plan(world)
    response = client_for("viewer").get(
        reverse("followup-report", args=[world.a.slug]), {"format": "docx"}
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    text = _docx_text(response.content)
    for expected in (
        "Färre klotter vid torget",
        "Anmält klotter",
        "Belysning på torget",
        "Sätt upp lampor",
        "Beställ armaturer",
        "Alfa",
    ):
        assert expected in text


def test_docx_report_in_english_names_the_light(world: World) -> None:
    plan = _plan(world)
    plan["red"].followup_notes.create(light="red", text="Vi byter strategi.")
    text = _docx_text(report.build_docx(world.a, h.today(), lang="en"))
    assert "Red – not moving or the wrong way" in text
    assert "Vi byter strategi." in text
    assert "Goals and their lights" in text and "Activities by status" in text


def test_pdf_report_is_a_pdf(world: World, client_for: Any) -> None:
    _plan(world)
    response = client_for("analyst").get(
        reverse("followup-report", args=[world.a.slug]), {"format": "pdf"}
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_unknown_format_is_a_plain_400(world: World, client_for: Any) -> None:
    response = client_for("coordinator").get(
        reverse("followup-report", args=[world.a.slug]), {"format": "xls"}
    )
    assert response.status_code == 400


def test_viewers_report_hides_small_effect_counts(world: World) -> None:
    from shapely.geometry import box

    from samtrygg.areas import services as area_services

    cat = h.category(world)
    control = area_services.create_drawn_area(
        world.a, "Söder", box(14.50, 59.30, 14.53, 59.31), None
    )
    start = h.today() - timedelta(days=60)
    h.measure(
        world,
        "Kameror i Centrum",
        target_area=world.drawn_area,
        comparison_area=control,
        start_date=start,
    )
    for i in range(3):  # 3 before in the target area: below k
        h.incident(world, cat, start - timedelta(days=5 + i), [world.drawn_area])
    staff = report.report_content(world.a, h.today(), exact=True, include_drafts=True)
    viewer = report.report_content(world.a, h.today(), exact=False, include_drafts=False)

    def tables(content: Any) -> list[list[str]]:
        (measures,) = [s for s in content.sections if s.key == "measures"]
        return [row for b in measures.blocks if b.kind == "table" for row in b.rows]

    assert [r[1:] for r in tables(staff)] == [["3", "0"], ["0", "0"]]
    assert tables(viewer) == []


def test_report_pages_name_the_partnership_and_are_numbered(world: World) -> None:
    from tests.documents_text import pdf_page_texts, squash, word_text

    _plan(world)
    text = word_text(report.build_docx(world.a, h.today()))
    title = f"Uppföljningsrapport {h.today().year}"
    assert text.header == f"Alfa · {title}"
    assert text.footer_fields == ["PAGE", "NUMPAGES"] and text.footer.startswith("Sida ")
    pages = pdf_page_texts(report.build_pdf(world.a, h.today()))
    for number, page in enumerate(pages, start=1):
        assert page.startswith(squash(f"Alfa · {title}"))
        assert page.endswith(f"Sida{number}av{len(pages)}")
