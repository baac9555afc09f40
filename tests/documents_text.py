"""Reading back the Word and PDF documents Samtrygg writes, for the tests of every document."""

from __future__ import annotations

import io
from dataclasses import dataclass

from tests.agreements.helpers import pdf_page_texts, squash

__all__ = ["WordText", "pdf_page_texts", "squash", "word_text"]


@dataclass
class WordText:
    """A Word file's body (paragraphs and table cells), running header and footer."""

    body: str
    header: str
    footer: str
    footer_fields: list[str]
    rows: list[list[str]]

    def rows_starting(self, first: str) -> list[list[str]]:
        """Every table row whose first cell is ``first``."""
        return [row for row in self.rows if row and row[0] == first]


def word_text(data: bytes) -> WordText:
    """Open ``data`` with python-docx and return its texts and the footer's field codes."""
    from docx import Document

    doc = Document(io.BytesIO(data))
    parts = [p.text for p in doc.paragraphs]
    rows = [[c.text for c in row.cells] for table in doc.tables for row in table.rows]
    for row in rows:
        parts += row
    section = doc.sections[0]
    footer = section.footer
    fields = [
        node.text.strip()
        for node in footer._element.iter()
        if node.tag.endswith("}instrText") and node.text
    ]
    return WordText(
        body="\n".join(parts),
        header="\n".join(p.text for p in section.header.paragraphs),
        footer="\n".join(p.text for p in footer.paragraphs),
        footer_fields=fields,
        rows=rows,
    )
