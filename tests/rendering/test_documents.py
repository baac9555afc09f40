"""The shared document layout: running header, "Page N of M", and figures (SVG or table)."""

from __future__ import annotations

from shapely.geometry import box

from samtrygg.rendering import svgmap
from samtrygg.rendering.documents import (
    Block,
    Document,
    Section,
    SignatureLabels,
    agreement_pdf,
    page_label_parts,
    report_docx,
    report_pdf,
)
from tests.documents_text import pdf_page_texts, squash, word_text

LABELS = SignatureLabels("Underskrifter", "Undertecknat av", "Roll", "Datum", "Underskrift", "Namn")


def _document(*blocks: Block, paragraphs: int = 0) -> Document:
    long = [Block("p", f"Stycke {i}: " + "ord " * 120) for i in range(paragraphs)]
    return Document(
        title="Lägesbild 2026",
        subtitle="Alfa",
        facts=[("Partnerskap", "Alfa")],
        sections=[Section("Omfattning", [*blocks, *long])],
        partnership="Alfa – Beta",
        page_label="Sida {page} av {pages}",
    )


def _map_svg() -> str:
    layer = svgmap.Layer([box(0, 0, 1000, 1000), box(1000, 0, 2000, 1000)], name="areas")
    legend = [svgmap.LegendEntry("#fee6ce", "1–4"), svgmap.LegendEntry("#a63603", "5 eller fler")]
    return svgmap.render([layer], title="Karta", description="Två områden", legend=legend)


def test_page_label_parts_keep_the_words_around_the_numbers() -> None:
    assert page_label_parts("{page}/{pages}") == [
        ("field", "PAGE"),
        ("text", "/"),
        ("field", "NUMPAGES"),
    ]
    assert page_label_parts("Page {page} of {pages}")[0] == ("text", "Page ")


def test_every_pdf_page_has_the_header_and_its_number_of_all() -> None:
    pages = pdf_page_texts(report_pdf(_document(paragraphs=40)))
    assert len(pages) >= 3
    for number, page in enumerate(pages, start=1):
        assert page.startswith(squash("Alfa – Beta · Lägesbild 2026"))
        assert page.endswith(f"Sida{number}av{len(pages)}")


def test_the_latin1_fallback_numbers_the_pages_too() -> None:
    data = agreement_pdf(_document(paragraphs=20), LABELS, compress=False, unicode_font=False)
    pages = pdf_page_texts(data)
    assert len(pages) >= 2
    assert all(p.endswith(f"Sida{n}av{len(pages)}") for n, p in enumerate(pages, start=1))
    assert pages[0].startswith(squash("Alfa - Beta · Lägesbild 2026"))  # en dash in Latin-1


def test_word_has_the_header_and_page_and_numpages_fields() -> None:
    text = word_text(report_docx(_document()))
    assert text.header == "Alfa – Beta · Lägesbild 2026"
    assert text.footer_fields == ["PAGE", "NUMPAGES"]
    assert text.footer == "Sida 1 av 1"  # the values shown until Word updates the fields


def test_a_figure_is_drawn_in_the_pdf_and_a_table_in_word() -> None:
    figure = Block(
        "figure",
        text="Karta: händelser per område.",
        svg=_map_svg(),
        header=["Område", "Händelser"],
        rows=[["Norr", "färre än 5"], ["Söder", "12"]],
    )
    whole = "".join(pdf_page_texts(report_pdf(_document(figure))))
    # The picture's legend is drawn (in the document's font, so "1–4" keeps its dash) ...
    assert "1–4" in whole and "5ellerfler" in whole
    # ... instead of the table, and the caption follows it.
    assert "Norr" not in whole and squash("Karta: händelser per område.") in whole
    text = word_text(report_docx(_document(figure)))
    assert text.rows_starting("Norr") == [["Norr", "färre än 5"]]
    assert "Karta: händelser per område." in text.body


def test_a_figure_fpdf_cannot_draw_falls_back_to_its_table() -> None:
    figure = Block("figure", text="Karta.", svg="<svg><g>", header=["Område"], rows=[["Norr"]])
    whole = "".join(pdf_page_texts(report_pdf(_document(figure))))
    assert "Norr" in whole and "Karta." in whole
