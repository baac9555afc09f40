"""What every Word and PDF document of a partnership says in its page margins.

The layout is Django-free (:mod:`samtrygg.rendering.documents`); this module gives it the words
in the reader's language. Each app that builds a document (agreement, follow-up report, yearly
lägesbild, action plan) passes :func:`page_label` and the partnership's name, so every page of
every document names the partnership and the title at the top and says "Sida 3 av 12" at the
bottom.
"""

from __future__ import annotations

from django.utils.translation import gettext as _


def page_label() -> str:
    """The footer's page number, with ``{page}`` and ``{pages}`` for the two numbers.

    Returns
    -------
    str
        For example "Sida {page} av {pages}" in Swedish.
    """
    return _("Page %(page)s of %(pages)s") % {"page": "{page}", "pages": "{pages}"}
