"""The archived copy of a signed agreement: the Word and PDF files exactly as signed.

The document is built from the agreement and from problems, goals, indicators and activities
that belong to the plans app, which can change after the agreement is superseded. A
municipality files (diarieför) what was signed, so the files are rendered once, when the last
party signs, and stored as :class:`~samtrygg.agreements.models.ArchivedDocument` rows; downloads
of a signed, published or superseded version serve those bytes unchanged.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import translation

from samtrygg.agreements import documents
from samtrygg.agreements.models import Agreement, ArchivedDocument, ArchiveFormat

__all__ = ["ARCHIVE_LANGUAGE", "archive_agreement", "archived_document", "document_bytes"]

# Official documents are filed in Swedish, the interface default, whatever language the person
# who happened to sign last uses in the interface.
ARCHIVE_LANGUAGE = "sv"

_BUILDERS = {ArchiveFormat.DOCX: documents.build_docx, ArchiveFormat.PDF: documents.build_pdf}


@transaction.atomic
def archive_agreement(agreement: Agreement) -> list[ArchivedDocument]:
    """Store the agreement's Word and PDF documents as signed, for the formats not yet stored.

    Parameters
    ----------
    agreement
        A signed, published or superseded agreement (a draft raises
        :class:`~samtrygg.plans.models.FrozenError`).

    Returns
    -------
    list of ArchivedDocument
        The rows created now; empty when both formats were already archived, so calling it
        again is harmless.
    """
    have = set(agreement.archived_documents.values_list("format", flat=True))
    made = []
    # Swedish regardless of the signer's interface language (see ARCHIVE_LANGUAGE).
    with translation.override(ARCHIVE_LANGUAGE):
        for fmt, build in _BUILDERS.items():
            if fmt in have:
                continue
            content = build(agreement, ARCHIVE_LANGUAGE)
            made.append(
                ArchivedDocument.objects.create(agreement=agreement, format=fmt, content=content)
            )
    return made


def archived_document(agreement: Agreement, fmt: str) -> ArchivedDocument | None:
    """The archived copy in ``fmt`` ("docx" or "pdf"), or None (a draft, or signed before
    archiving existed)."""
    if not agreement.is_frozen:
        return None
    return ArchivedDocument.objects.filter(agreement=agreement, format=fmt).first()


def document_bytes(
    agreement: Agreement, fmt: str, lang: str | None = None
) -> tuple[bytes, ArchivedDocument | None]:
    """The file to hand out: the archived bytes if there are any, else rendered now in ``lang``.

    Returns the bytes and the archived row they came from (None when rendered live).
    """
    archived = archived_document(agreement, fmt)
    if archived is not None:
        return bytes(archived.content), archived
    build = documents.build_docx if fmt == "docx" else documents.build_pdf
    return build(agreement, lang), None
