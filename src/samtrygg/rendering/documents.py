"""Samtrygg's documents (agreement, follow-up report) as Word and PDF.

A :class:`Document` is a title, facts and a list of numbered :class:`Section` objects made of
:class:`Block` objects (paragraph, sub-heading, bullet list, table), and for the agreement the
:class:`Signatory` rows of its signature block. :func:`docx_block` and :class:`PdfWriter` render
the same blocks, so every document looks alike in both formats; :func:`agreement_docx`,
:func:`agreement_pdf`, :func:`report_docx` and :func:`report_pdf` lay out the whole documents.
No Django here: callers make the content (and its translations) and pass plain text.

PDF font: the PDF needs a Unicode TrueType font. :func:`pdf_font_paths` looks, in order, at
``$SAMTRYGG_PDF_FONT`` (a regular .ttf; a bold file next to it named ``*-Bold.ttf`` is used if
present), Debian's ``fonts-dejavu-core`` (/usr/share/fonts/truetype/dejavu/), and the DejaVu
Sans that matplotlib ships (mpl-data/fonts/ttf) when matplotlib is installed. Without any of
them it falls back to the PDF core font Helvetica, whose Latin-1 encoding still renders
å, ä, ö (and é, ü …); characters outside Latin-1 are replaced by close equivalents.
"""

from __future__ import annotations

import dataclasses
import functools
import importlib.util
import io
import logging
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

DEJAVU_DIR = Path("/usr/share/fonts/truetype/dejavu")

# Characters XML 1.0 forbids (Word files are XML) or that show as nothing but garbage in a PDF:
# C0 controls other than tab and line breaks, C1 controls, lone surrogates, U+FFFE and U+FFFF.
_UNPRINTABLE = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
# Word writes a manual line break as a vertical tab (and a page break as a form feed) when its
# text is copied; they mean a new line.
_LINE_BREAKS = re.compile("\r\n?|[\x0b\x0c\x85\u2028\u2029]")
T = TypeVar("T")

_LATIN1_REPLACEMENTS = str.maketrans(
    {"–": "-", "—": "-", "“": '"', "”": '"', "„": '"', "’": "'", "‘": "'", "…": "...", "•": "*"}
)


@dataclass
class Block:
    """A paragraph ("p"), sub-heading ("h"), bullet list ("bullets"), table ("table") or
    figure ("figure").

    A figure is a picture given as SVG markup (``svg``) with its caption (``text``) and the
    same numbers as a table (``header``, ``rows``): the PDF shows the picture, Word (which
    python-docx cannot give an SVG) the table; either falls back to the table when the
    picture cannot be drawn.
    """

    kind: str
    text: str = ""
    items: list[str] = field(default_factory=list)
    header: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)
    svg: str = ""


@dataclass
class Section:
    """A numbered section of a document."""

    heading: str
    blocks: list[Block]
    key: str = ""


def printable(text: str) -> str:
    """``text`` with line breaks as ``\\n`` and the characters Word and PDF cannot hold removed.

    Examples
    --------
    >>> printable("Rad ett\\vrad två\\x00 🙂")
    'Rad ett\\nrad två 🙂'
    """
    return _UNPRINTABLE.sub("", _LINE_BREAKS.sub("\n", text))


def printable_tree(value: T) -> T:
    """A copy of document content (dataclasses, lists, tuples, strings) made :func:`printable`.

    Every text a person can type ends up in a document, so the builders pass their whole content
    through this once instead of guarding each place that writes text.
    """
    if isinstance(value, str):
        return printable(value)  # type: ignore[return-value]
    if isinstance(value, list):
        return [printable_tree(v) for v in value]  # type: ignore[return-value]
    if isinstance(value, tuple):
        return tuple(printable_tree(v) for v in value)  # type: ignore[return-value]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        changes = {
            f.name: printable_tree(getattr(value, f.name)) for f in dataclasses.fields(value)
        }
        return dataclasses.replace(value, **changes)
    return value


@dataclass
class Signatory:
    """One party's line in the signature block; ``name`` is empty until the party signs."""

    organisation: str
    signatory_role: str
    name: str
    role: str
    date: str

    @property
    def signed(self) -> bool:
        """Whether the party has signed."""
        return bool(self.name)


@dataclass
class Document:
    """What a document says: title page facts, numbered sections and (optionally) signatures.

    ``partnership`` is the partnership's name, which the running header of every page shows
    next to the title. ``page_label`` is the footer's page number in the reader's language,
    with ``{page}`` and ``{pages}`` where the page's number and the number of pages go (for
    example "Sida {page} av {pages}").
    """

    title: str
    subtitle: str
    facts: list[tuple[str, str]]
    sections: list[Section]
    signatories: list[Signatory] = field(default_factory=list)
    partnership: str = ""
    page_label: str = "{page} / {pages}"

    @property
    def running_header(self) -> str:
        """What the top of every page says: the partnership's name and the title."""
        return f"{self.partnership} · {self.title}" if self.partnership else self.title


def page_label_parts(label: str) -> list[tuple[str, str]]:
    """A page label cut into ("text", words) and ("field", "PAGE" or "NUMPAGES") parts.

    Parameters
    ----------
    label : str
        The label with ``{page}`` and ``{pages}`` (see :class:`Document`).

    Returns
    -------
    list of (str, str)
        In order: ("text", the words) and ("field", the Word field's name).

    Examples
    --------
    >>> page_label_parts("Sida {page} av {pages}")
    [('text', 'Sida '), ('field', 'PAGE'), ('text', ' av '), ('field', 'NUMPAGES')]
    """
    parts: list[tuple[str, str]] = []
    for piece in re.split(r"(\{page\}|\{pages\})", label):
        if piece == "{page}":
            parts.append(("field", "PAGE"))
        elif piece == "{pages}":
            parts.append(("field", "NUMPAGES"))
        elif piece:
            parts.append(("text", piece))
    return parts


@dataclass(frozen=True)
class SignatureLabels:
    """The translated words of the signature block."""

    heading: str
    signed_by: str
    role: str
    date: str
    signature: str
    name: str


def docx_block(doc: Any, block: Block) -> None:
    """Append one block to a python-docx ``Document``."""
    block = printable_tree(block)
    if block.kind == "h":
        doc.add_heading(block.text, level=2)
    elif block.kind == "p":
        doc.add_paragraph(block.text)
    elif block.kind == "bullets":
        for item in block.items:
            doc.add_paragraph(item, style="List Bullet")
    elif block.kind == "figure":
        if block.header:
            docx_block(doc, Block("table", header=block.header, rows=block.rows))
        doc.add_paragraph(block.text, style="Caption")
    elif block.kind == "table":
        table = doc.add_table(rows=1, cols=len(block.header))
        table.style = "Table Grid"
        for cell, text in zip(table.rows[0].cells, block.header, strict=True):
            cell.text = text
            for run in cell.paragraphs[0].runs:
                run.bold = True
        for row in block.rows:
            for cell, text in zip(table.add_row().cells, row, strict=True):
                cell.text = text
        doc.add_paragraph()


def _matplotlib_font_dir() -> Path | None:
    spec = importlib.util.find_spec("matplotlib")
    if spec is None or spec.origin is None:
        return None
    return Path(spec.origin).parent / "mpl-data" / "fonts" / "ttf"


def pdf_font_paths() -> tuple[Path, Path] | None:
    """(regular, bold) Unicode TrueType fonts for the PDF, or None for the Latin-1 fallback."""
    candidates: list[tuple[Path, Path]] = []
    env = os.environ.get("SAMTRYGG_PDF_FONT")
    if env:
        regular = Path(env)
        bold = regular.with_name(regular.stem + "-Bold" + regular.suffix)
        candidates.append((regular, bold if bold.is_file() else regular))
    candidates.append((DEJAVU_DIR / "DejaVuSans.ttf", DEJAVU_DIR / "DejaVuSans-Bold.ttf"))
    mpl = _matplotlib_font_dir()
    if mpl is not None:
        candidates.append((mpl / "DejaVuSans.ttf", mpl / "DejaVuSans-Bold.ttf"))
    for regular, bold in candidates:
        if regular.is_file():
            return regular, bold if bold.is_file() else regular
    return None


def latin1(text: str) -> str:
    """Text the Latin-1 core font can show: close equivalents for the rest."""
    return text.translate(_LATIN1_REPLACEMENTS).encode("latin-1", "replace").decode("latin-1")


@functools.cache
def _paged_fpdf() -> Any:
    """An FPDF class whose pages carry the running header and the page number.

    fpdf2 calls ``header`` and ``footer`` on every page it adds (also the automatic page
    breaks) and restores the body font afterwards; ``{nb}`` is replaced by the number of
    pages when the file is written.
    """
    from fpdf import FPDF

    class PagedFPDF(FPDF):
        writer: PdfWriter | None = None

        def header(self) -> None:
            if self.writer is not None and self.writer.running_header:
                self.writer.furniture(self.writer.running_header, y=8, align="L")
                self.set_y(self.t_margin)  # the body starts at the margin, not below the header

        def footer(self) -> None:
            if self.writer is not None and self.writer.page_label:
                label = "".join(
                    text if kind == "text" else ("{nb}" if text == "NUMPAGES" else "%(page)s")
                    for kind, text in page_label_parts(self.writer.page_label)
                )
                self.writer.furniture(label.replace("%(page)s", str(self.page_no())), y=-12)

    return PagedFPDF


_INNER_SVG = re.compile(r"<svg\b[^>]*>(.*?)</svg>", re.S)


def _flat_svg(svg: str) -> str:
    """``svg`` with nested ``<svg>`` elements made groups, which fpdf2 can draw.

    The maps of :mod:`samtrygg.rendering.svgmap` draw their body in an inner ``<svg>`` at the
    origin whose viewBox is its own size, so a plain group draws the same picture (the shapes
    are already cut to the frame, so its clipping is not needed).
    """
    head, sep, rest = svg.partition(">")
    if not sep:
        return svg
    return head + sep + _INNER_SVG.sub(lambda m: f"<g>{m.group(1)}</g>", rest)


class PdfWriter:
    """An A4 PDF with the document font, paragraphs and the shared blocks (fpdf2).

    ``running_header`` is printed at the top of every page and ``page_label`` (see
    :class:`Document`) at the bottom; empty strings leave them out.
    """

    def __init__(
        self,
        title: str,
        *,
        margin: float = 20,
        compress: bool = True,
        unicode_font: bool = True,
        running_header: str = "",
        page_label: str = "",
    ) -> None:
        # fontTools reports every step of subsetting the font at INFO level; that is noise here.
        logging.getLogger("fontTools").setLevel(logging.WARNING)
        self.running_header = printable(running_header).replace("\n", " ")
        self.page_label = printable(page_label).replace("\n", " ")
        self.pdf = _paged_fpdf()(format="A4")
        self.pdf.writer = self
        self.pdf.set_compression(compress)
        self.pdf.set_margins(margin + 2, margin, margin + 2)
        self.pdf.set_auto_page_break(True, margin=margin)
        self.pdf.set_title(title)
        self.pdf.set_creator("Samtrygg")
        fonts = pdf_font_paths() if unicode_font else None
        self.unicode = fonts is not None
        if fonts is not None:
            self.pdf.add_font("Body", "", str(fonts[0]))
            self.pdf.add_font("Body", "B", str(fonts[1]))
            self.family = "Body"
        else:
            self.family = "Helvetica"
        self.width = self.pdf.epw

    def furniture(self, text: str, *, y: float, align: str = "C") -> None:
        """One small grey line in the top or bottom margin (header or page number)."""
        self.pdf.set_y(y)
        self.pdf.set_font(self.family, "", 8)
        self.pdf.set_text_color(90, 90, 90)
        self.pdf.cell(self.width, 5, self.text(text), align=align)
        self.pdf.set_text_color(0, 0, 0)

    def text(self, text: str) -> str:
        """``text`` as the current font can show it."""
        text = printable(text)
        return text if self.unicode else latin1(text)

    def para(self, text: str, size: float = 10.5, style: str = "", gap: float = 2) -> None:
        """A paragraph that wraps at the margins."""
        from fpdf.enums import XPos, YPos

        self.pdf.set_font(self.family, style, size)
        self.pdf.multi_cell(
            self.width, size * 0.5, self.text(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT
        )
        self.pdf.ln(gap)

    def para_height(self, text: str, size: float = 10.5, style: str = "", gap: float = 2) -> float:
        """The height :meth:`para` would take, measured without writing anything."""
        from fpdf.enums import MethodReturnValue

        self.pdf.set_font(self.family, style, size)
        height = self.pdf.multi_cell(
            self.width, size * 0.5, self.text(text), dry_run=True, output=MethodReturnValue.HEIGHT
        )
        return float(height) + gap

    def keep_together(self, height: float) -> None:
        """Start a new page unless ``height`` millimetres fit on this one.

        A block that must be read as one (a party's signature) is never cut by a page break.
        """
        if self.pdf.get_y() + height > self.pdf.page_break_trigger:
            self.pdf.add_page()

    def block(self, block: Block, *, size: float = 10.5, table_size: float = 9) -> None:
        """One shared block."""
        if block.kind == "h":
            self.para(block.text, size + 1.5, "B", 1)
        elif block.kind == "p":
            self.para(block.text, size)
        elif block.kind == "bullets":
            bullet = "•" if self.unicode else "-"
            for item in block.items:
                self.para(f"{bullet} {item}", size, gap=1)
            self.pdf.ln(1)
        elif block.kind == "figure":
            if not self.picture(block.svg) and block.header:
                self.block(Block("table", header=block.header, rows=block.rows))
            self.para(block.text, size - 1.5, gap=4)
        elif block.kind == "table":
            self.pdf.set_font(self.family, "", table_size)
            with self.pdf.table(
                line_height=table_size * 0.55, text_align="LEFT", width=self.width
            ) as table:
                head = table.row()
                for text in block.header:
                    head.cell(self.text(text))
                for row in block.rows:
                    cells = table.row()
                    for text in row:
                        cells.cell(self.text(text))
            self.pdf.ln(3)

    def picture(self, svg: str, max_height: float = 150) -> bool:
        """Draw SVG markup at the text's width (at most ``max_height`` mm high).

        Returns False, having drawn nothing, when fpdf2 cannot read the SVG.
        """
        from fpdf.svg import SVGObject

        if not svg:
            return False
        svg = _flat_svg(svg)
        if self.unicode:
            # The map's texts in the document's font (fpdf2 draws "sans-serif" in Helvetica,
            # which holds Latin-1 only).
            svg = re.sub(r'font-family="[^"]*"', f'font-family="{self.family}"', svg)
        elif svg != latin1(svg):
            return False  # the core font cannot draw every character: the table instead
        logging.getLogger("fpdf.svg").setLevel(logging.ERROR)  # <title>/<desc> are not drawn
        try:
            drawing = SVGObject(svg)
            width, height = float(drawing.width or 0), float(drawing.height or 0)
        except Exception:  # fpdf2 raises several kinds for SVG it does not support
            return False
        if width <= 0 or height <= 0:
            return False
        w = min(self.width, max_height * width / height)
        h = w * height / width
        self.keep_together(h + 2)
        try:
            self.pdf.image(io.BytesIO(svg.encode("utf-8")), x=self.pdf.l_margin, w=w, h=h)
        except Exception:
            return False
        self.pdf.ln(2)
        return True

    def sections(
        self, sections: list[Section], *, size: float = 10.5, heading_size: float = 15
    ) -> int:
        """Numbered sections; returns the number of the last one."""
        number = 0
        for number, section in enumerate(sections, start=1):
            self.para(f"{number}. {section.heading}", heading_size, "B", 2)
            for block in section.blocks:
                self.block(block, size=size)
            self.pdf.ln(3)
        return number

    def output(self) -> bytes:
        return bytes(self.pdf.output())


# --- Whole documents --------------------------------------------------------------------------


def _docx_field(paragraph: Any, instruction: str) -> None:
    """A Word field (PAGE, NUMPAGES) that Word fills in when it lays out the pages.

    The "1" between the separate and end marks is the value shown until Word updates the
    field (python-docx and other readers see it as the field's text).
    """
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    def char(kind: str) -> Any:
        element = OxmlElement("w:fldChar")
        element.set(qn("w:fldCharType"), kind)
        return element

    paragraph.add_run()._r.append(char("begin"))
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {instruction} "
    paragraph.add_run()._r.append(instr)
    paragraph.add_run()._r.append(char("separate"))
    paragraph.add_run("1")
    paragraph.add_run()._r.append(char("end"))


def _docx_page_furniture(doc: Any, document: Document) -> None:
    """The running header (partnership and title) and "Page N of M" in the footer."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt, RGBColor

    section = doc.sections[0]
    header = section.header.paragraphs[0]
    run = header.add_run(document.running_header.replace("\n", " "))
    run.font.size, run.font.color.rgb = Pt(8), RGBColor(90, 90, 90)
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for kind, text in page_label_parts(document.page_label):
        if kind == "text":
            footer.add_run(text)
        else:
            _docx_field(footer, text)
    for run in footer.runs:
        run.font.size = Pt(8)


def _docx_start(document: Document, font_size: float) -> Any:
    """A python-docx ``Document`` with the title, subtitle and the facts as a two-column table."""
    from docx import Document as DocxDocument
    from docx.shared import Pt

    doc = DocxDocument()
    doc.core_properties.title = document.title
    doc.styles["Normal"].font.size = Pt(font_size)
    _docx_page_furniture(doc, document)
    doc.add_heading(document.title, level=0)
    doc.add_paragraph(document.subtitle)
    facts = doc.add_table(rows=0, cols=2)
    facts.style = "Table Grid"
    for label, value in document.facts:
        cells = facts.add_row().cells
        cells[0].text, cells[1].text = label, value
    return doc


def _docx_sections(doc: Any, sections: list[Section]) -> int:
    """Numbered sections; returns the number of the last one."""
    number = 0
    for number, section in enumerate(sections, start=1):
        doc.add_heading(f"{number}. {section.heading}", level=1)
        for block in section.blocks:
            docx_block(doc, block)
    return number


def _docx_bytes(doc: Any) -> bytes:
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def agreement_docx(document: Document, labels: SignatureLabels) -> bytes:
    """The agreement as Word: a title page, the numbered sections and the signature block.

    A party that has signed gets its name, role and date; one that has not gets empty lines to
    sign on by hand, with the role the agreement names for its signatory.
    """
    from docx.enum.text import WD_BREAK

    document = printable_tree(document)
    doc = _docx_start(document, 11)
    doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    number = _docx_sections(doc, document.sections)
    doc.add_heading(f"{number + 1}. {labels.heading}", level=1)
    for s in document.signatories:
        doc.add_heading(s.organisation, level=2)
        if s.signed:
            doc.add_paragraph(
                f"{labels.signed_by}: {s.name}\n{labels.role}: {s.role}\n{labels.date}: {s.date}"
            )
        else:
            doc.add_paragraph(
                f"{labels.signature}: ______________________________\n"
                f"{labels.name}: ______________________________\n"
                f"{labels.role}: {s.signatory_role}\n"
                f"{labels.date}: ____________"
            )
    return _docx_bytes(doc)


def agreement_pdf(
    document: Document,
    labels: SignatureLabels,
    *,
    compress: bool = True,
    unicode_font: bool = True,
) -> bytes:
    """The agreement as a PDF (A4), laid out like :func:`agreement_docx`.

    ``unicode_font=False`` forces the Latin-1 core font.
    """
    from fpdf.enums import XPos, YPos

    document = printable_tree(document)
    writer = PdfWriter(
        document.title,
        compress=compress,
        unicode_font=unicode_font,
        running_header=document.running_header,
        page_label=document.page_label,
    )
    pdf, para = writer.pdf, writer.para

    # Title page.
    pdf.add_page()
    pdf.ln(40)
    para(document.title, 22, "B", 4)
    para(document.subtitle, 13, "", 10)
    for label, value in document.facts:
        pdf.set_font(writer.family, "B", 10.5)
        pdf.cell(45, 7, writer.text(label))
        pdf.set_font(writer.family, "", 10.5)
        pdf.multi_cell(
            writer.width - 45, 7, writer.text(value), new_x=XPos.LMARGIN, new_y=YPos.NEXT
        )

    pdf.add_page()
    number = writer.sections(document.sections)
    heading = (f"{number + 1}. {labels.heading}", 15.0, "B", 4.0)
    for i, s in enumerate(document.signatories):
        lines = _signature_lines(s, labels)
        # Each party's block stays on one page, and the heading with the first block.
        writer.keep_together(
            sum(writer.para_height(*line) for line in ([heading] if i == 0 else []) + lines)
        )
        if i == 0:
            para(*heading)
        for line in lines:
            para(*line)
    if not document.signatories:
        para(*heading)
    return writer.output()


def _signature_lines(s: Signatory, labels: SignatureLabels) -> list[tuple[str, float, str, float]]:
    """A party's signature block as PDF paragraphs: (text, size, style, gap after)."""
    if s.signed:
        return [
            (s.organisation, 12.0, "B", 1.0),
            (f"{labels.signed_by}: {s.name}", 10.5, "", 0.0),
            (f"{labels.role}: {s.role}", 10.5, "", 0.0),
            (f"{labels.date}: {s.date}", 10.5, "", 6.0),
        ]
    return [
        (s.organisation, 12.0, "B", 9.0),  # room above the line to sign on
        ("_" * 40, 10.5, "", 0.0),
        (f"{labels.signature} – {s.signatory_role}", 9.0, "", 3.0),
        (
            f"{labels.name}: ________________________   {labels.date}: __________",
            10.5,
            "",
            6.0,
        ),
    ]


def report_docx(document: Document) -> bytes:
    """The follow-up report as Word: title, facts and the numbered sections."""
    document = printable_tree(document)
    doc = _docx_start(document, 10)
    _docx_sections(doc, document.sections)
    return _docx_bytes(doc)


def report_pdf(document: Document) -> bytes:
    """The follow-up report as a PDF (A4), laid out like :func:`report_docx`."""
    writer = PdfWriter(
        document.title,
        margin=18,
        running_header=document.running_header,
        page_label=document.page_label,
    )
    writer.pdf.add_page()
    writer.para(document.title, 20, "B", 2)
    writer.para(document.subtitle, 13, "", 4)
    for label, value in document.facts:
        writer.para(f"{label}: {value}", gap=0)
    writer.pdf.ln(4)
    writer.sections(document.sections, size=10, heading_size=14)
    return writer.output()
