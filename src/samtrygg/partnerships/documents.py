"""What every Word and PDF document of a partnership says in its page margins.

The layout is Django-free (:mod:`samtrygg.rendering.documents`); this module gives it the words
in the reader's language. Each app that builds a document (agreement, follow-up report, yearly
lägesbild, action plan) passes :func:`page_label` and the partnership's name, so every page of
every document names the partnership and the title at the top and says "Sida 3 av 12" at the
bottom.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from samtrygg.rendering.documents import Document, report_docx, report_pdf


def page_label() -> str:
    """The footer's page number, with ``{page}`` and ``{pages}`` for the two numbers.

    Returns
    -------
    str
        For example "Sida {page} av {pages}" in Swedish.
    """
    return _("Page %(page)s of %(pages)s") % {"page": "{page}", "pages": "{pages}"}


# The media types of the documents every app offers for download.
FORMATS = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
}


def build(make: Callable[[], Document], fmt: str, lang: str | None = None) -> bytes:
    """A document as Word or PDF, its content made in the reader's language.

    Parameters
    ----------
    make : callable
        Makes the document's content (called with ``lang`` active).
    fmt : str
        "docx" or "pdf".
    lang : str, optional
        The document's language (default: the site's).

    Returns
    -------
    bytes
        The file.
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}")
    with translation.override(lang or settings.LANGUAGE_CODE):
        content = make()
        return report_docx(content) if fmt == "docx" else report_pdf(content)
