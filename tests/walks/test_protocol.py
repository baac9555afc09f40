"""The walk's protocol as Word and PDF: its content, Swedish dates, and nothing about people."""

from __future__ import annotations

import io
import zipfile
from datetime import date
from typing import Any

from django.urls import reverse

from samtrygg.walks import photos, protocol
from samtrygg.walks.models import Action
from tests.agreements.helpers import pdf_text, squash
from tests.conftest import World
from tests.walks.helpers import jpeg_with_location, observation, walk


def _walk_with_protocol(world: World) -> Any:
    from samtrygg.plans.models import Measure

    measure = Measure.objects.create(
        partnership=world.a,
        title="Belysning i gångtunnlarna",
        kind="situational",
        horizon="short",
    )
    w = walk(
        world,
        route="Torget – busstationen – gångtunneln under Ågatan",
        introduction_on=date(2026, 10, 1),
        report_back_on=date(2026, 11, 25),
        report_back_notes="Kommunen byter armaturer i tunneln före årsskiftet.",
        created_by=world.users["coordinator"],
    )
    dark = observation(
        w,
        description="Gångtunneln under Ågatan",
        proposal="Ljusare armaturer och vita väggar",
        photo=photos.clean_photo(jpeg_with_location()),
        created_by=world.users["reporter"],
    )
    Action.objects.create(
        observation=dark,
        text="Byta armaturer i gångtunneln",
        owner_organisation=world.kommun,
        priority="high",
        deadline=date(2026, 12, 15),
        status="done",
        measure=measure,
    )
    hedge = observation(w, cause="vegetation", description="Häcken vid kiosken")
    Action.objects.create(
        observation=hedge,
        text="Klippa ner häcken till en meter",
        private_owner="Kioskfastigheten",
        priority="low",
        deadline=date(2027, 5, 31),
    )
    observation(w, kind="safe", cause="design", description="Torget vid biblioteket")
    return w


def _docx_text(data: bytes) -> tuple[str, str]:
    """(body text with the tables, header text) of a Word file."""
    from docx import Document

    doc = Document(io.BytesIO(data))
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        parts += [cell.text for row in table.rows for cell in row.cells]
    header = "\n".join(p.text for s in doc.sections for p in s.header.paragraphs)
    return "\n".join(parts), header


def test_the_word_protocol_holds_the_walk_meetings_actions_and_decisions(
    world: World, client_for: Any
) -> None:
    w = _walk_with_protocol(world)
    response = client_for("viewer").get(
        reverse("walk-protocol", args=[world.a.slug, w.pk]), {"format": "docx"}
    )
    assert response.status_code == 200
    assert response["Content-Type"].endswith("wordprocessingml.document")
    assert "attachment" in response["Content-Disposition"]
    text, header = _docx_text(response.content)

    assert "Alfa" in header  # the partnership's name on every page
    assert "Protokoll" in text and "Trygghetsvandring Centrum" in text
    # Swedish dates in prose: the walk, the three meetings and the deadlines.
    for when in ("14 oktober 2026", "1 oktober 2026", "25 november 2026", "15 december 2026"):
        assert when in text, when
    assert "Mörker" in text and "Centrum" in text and "gångtunneln under Ågatan" in text
    # Participants as counts per group, and their sum.
    assert "Boende" in text and "Unga" in text and "14" in text
    for expected in (
        "Gångtunneln under Ågatan",
        "Ljusare armaturer och vita väggar",
        "Byta armaturer i gångtunneln",
        "Alfa kommun",
        "Hög",
        "Klar",
        "Belysning i gångtunnlarna",
        "Kioskfastigheten (privat fastighetsägare)",
        "Klippa ner häcken till en meter",
        "Planerad",
        "Åtgärd: inget beslutat ännu",
        "Kommunen byter armaturer i tunneln före årsskiftet.",
    ):
        assert expected in text, expected
    assert "1 av 2" in text  # actions done


def test_the_protocol_names_no_one_and_carries_no_photo(world: World, client_for: Any) -> None:
    w = _walk_with_protocol(world)
    client = client_for("coordinator")
    url = reverse("walk-protocol", args=[world.a.slug, w.pk])
    docx = client.get(url, {"format": "docx"}).content
    pdf = client.get(url, {"format": "pdf"}).content
    text = _docx_text(docx)[0] + pdf_text(pdf)
    for user in (world.users["coordinator"], world.users["reporter"]):
        assert user.email not in text and user.first_name not in text
    # No photo in either file, so no photo metadata (the phone's make or location) either.
    with zipfile.ZipFile(io.BytesIO(docx)) as archive:
        assert not [n for n in archive.namelist() if n.startswith("word/media/")]
    assert b"/Subtype /Image" not in pdf and b"Telef" not in pdf
    assert "Telefonmärke".encode() not in docx


def test_the_pdf_protocol_has_the_same_content_in_swedish(world: World, client_for: Any) -> None:
    w = _walk_with_protocol(world)
    response = client_for("analyst").get(
        reverse("walk-protocol", args=[world.a.slug, w.pk]), {"format": "pdf"}
    )
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    text = pdf_text(response.content)
    for expected in (
        "Protokoll",
        "Alfa",
        "14 oktober 2026",
        "25 november 2026",
        "Byta armaturer i gångtunneln",
        "Kioskfastigheten (privat fastighetsägare)",
        "Belysning i gångtunnlarna",
        "Kommunen byter armaturer i tunneln före årsskiftet.",
    ):
        assert squash(expected) in text, expected


def test_the_protocol_in_english_and_before_the_report_back(world: World) -> None:
    w = walk(world)
    observation(w, description="Parkeringen bakom hallen")
    text, header = _docx_text(protocol.build(w, "docx", lang="en"))
    assert "October 14, 2026" in text or "Oct. 14, 2026" in text
    assert "The report-back meeting has not been held yet." in text
    assert "Action: not decided yet" in text
    assert "Alfa" in header


def test_a_wrong_format_is_refused_and_downloads_are_shown_on_the_walk_page(
    world: World, client_for: Any
) -> None:
    w = walk(world)
    client = client_for("viewer")
    url = reverse("walk-protocol", args=[world.a.slug, w.pk])
    assert client.get(url, {"format": "odt"}).status_code == 400
    page = client.get(reverse("walk-detail", args=[world.a.slug, w.pk])).content.decode()
    assert f"{url}?format=docx" in page and f"{url}?format=pdf" in page
    outsider = client_for("outsider").get(url, {"format": "pdf"})
    assert outsider.status_code in (403, 404)
