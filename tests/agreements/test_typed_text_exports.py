"""Any text a person can type exports to Word and PDF: control characters, line breaks, emoji.

Word inserts a vertical tab for a manual line break (Shift+Enter) when its text is pasted; XML,
and so a .docx, cannot hold it or most other control characters.
"""

from __future__ import annotations

import io
from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse

from samtrygg.agreements import services
from samtrygg.agreements.documents import build_docx, build_pdf
from samtrygg.agreements.models import Agreement, ArchivedDocument
from samtrygg.followup import report
from samtrygg.partnerships.access import access_for
from samtrygg.plans.models import Activity
from samtrygg.rendering.documents import printable
from tests.agreements.helpers import make_agreement, pdf_text, squash
from tests.conftest import World
from tests.followup import helpers as h

CONTROLS = "".join(chr(c) for c in range(0x20))
# Stored text never holds NUL (forms refuse it; PostgreSQL cannot store it); every other control
# character can be typed or pasted.
TYPED = f"Rad ett\vrad två{CONTROLS[1:]}slut 🙂 trygghet 👮"


def _docx_text(data: bytes) -> str:
    from docx import Document

    doc = Document(io.BytesIO(data))
    parts = [p.text for p in doc.paragraphs]
    parts += [c.text for t in doc.tables for row in t.rows for c in row.cells]
    return "\n".join(parts)


def _typed_agreement(world: World) -> Agreement:
    agreement = make_agreement(world)
    agreement.background = TYPED
    agreement.title = "Överenskommelse\v2026"
    agreement.save()
    Activity.objects.filter(measure__partnership=world.a).update(title=TYPED)
    return agreement


def test_printable_keeps_line_breaks_tabs_and_emoji_and_drops_the_rest() -> None:
    assert printable("a\vb\fc\r\nd\re") == "a\nb\nc\nd\ne"
    assert printable(CONTROLS) == "\t\n\n\n\n"  # \n, \v, \f and \r
    assert printable("🙂\x7f\x9f\ufffe") == "🙂"


def test_word_export_holds_typed_control_characters_and_emoji(world: World) -> None:
    text = _docx_text(build_docx(_typed_agreement(world)))
    assert "Rad ett\nrad två" in text
    assert "slut 🙂 trygghet 👮" in text
    assert "Överenskommelse\n2026" in text
    assert not any(c in text for c in "\x01\x0b\x0c\x1f")


@pytest.mark.parametrize("unicode_font", [True, False])
def test_pdf_export_holds_typed_control_characters(world: World, unicode_font: bool) -> None:
    data = build_pdf(_typed_agreement(world), unicode_font=unicode_font)
    assert data.startswith(b"%PDF-")
    text = pdf_text(data)
    assert squash("Rad ett rad två") in text
    assert "slut" in text


def test_the_last_signature_archives_an_agreement_with_a_vertical_tab(
    world: World, client_for: Any
) -> None:
    agreement = _typed_agreement(world)
    Agreement.objects.filter(pk=agreement.pk).update(status="review")
    agreement.refresh_from_db()
    party = agreement.parties.get()
    access = access_for(world.users["coordinator"], world.a)
    assert access is not None
    services.sign(agreement, party, access, world.users["coordinator"])
    agreement.refresh_from_db()
    assert agreement.status == "signed"
    assert ArchivedDocument.objects.filter(agreement=agreement).count() == 2
    client = client_for("viewer")
    for fmt in ("docx", "pdf"):
        url = reverse("agreement-download", kwargs={"slug": "alfa", "pk": agreement.pk, "fmt": fmt})
        assert client.get(url).status_code == 200


def test_follow_up_report_exports_typed_control_characters(world: World) -> None:
    goal = h.goal(world, "Färre klotter\vvid torget 🙂")
    h.indicator(goal, "Anmält\x01 klotter", 110)
    measure = h.measure(world, "Belysning\x1bpå torget", start_date=h.today() - timedelta(days=60))
    measure.goals.add(goal)
    h.activity(measure, TYPED, h.today() - timedelta(days=3))
    text = _docx_text(report.build_docx(world.a, h.today()))
    assert "Färre klotter\nvid torget 🙂" in text
    assert "Belysningpå torget" in text
    pdf = report.build_pdf(world.a, h.today())
    assert squash("Färre klotter vid torget") in pdf_text(pdf)
