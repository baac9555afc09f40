"""The weekly picture in a few sentences, for the opening of the weekly EST meeting.

Every sentence restates a number that the page already shows the reader: the total and the
previous period's total from the first change table, the largest sub-area from the area table,
the first of the week's places and the clearest flagged change. For readers of aggregates those
numbers are the published (perturbed, suppressed) ones, so the words reveal nothing the tables
do not; nothing here goes back to the database.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext


def summary_sentences(pic: Any, sub_areas: Collection[str]) -> list[str]:
    """The picture's summary in words, in the active language.

    ``pic`` is a built picture (``services.Picture``); ``sub_areas`` are the names of the
    partnership's areas below the municipality, the only ones worth naming as "most in" (the
    municipality holds every incident).
    """
    sentences = [_total_sentence(pic)]
    verdict = _total_verdict(pic)
    if verdict:
        sentences.append(verdict)
    for sentence in (_area_sentence(pic, sub_areas), _place_sentence(pic), _change_sentence(pic)):
        if sentence:
            sentences.append(sentence)
    return sentences


def _total_row(pic: Any) -> Any:
    """The previous period's table ends with its row for all categories together."""
    return pic.changes[0].rows[-1]


def _total_sentence(pic: Any) -> str:
    row = _total_row(pic)
    count, before = int(row.current), int(row.baseline)
    values = {"count": count, "before": before, "diff": abs(count - before)}
    if count > before:
        text = ngettext(
            "%(count)d incident in the period, %(diff)d more than in the previous period "
            "(%(before)d).",
            "%(count)d incidents in the period, %(diff)d more than in the previous period "
            "(%(before)d).",
            count,
        )
    elif count < before:
        text = ngettext(
            "%(count)d incident in the period, %(diff)d fewer than in the previous period "
            "(%(before)d).",
            "%(count)d incidents in the period, %(diff)d fewer than in the previous period "
            "(%(before)d).",
            count,
        )
    else:
        text = ngettext(
            "%(count)d incident in the period, as many as in the previous period.",
            "%(count)d incidents in the period, as many as in the previous period.",
            count,
        )
    return text % values


def _total_verdict(pic: Any) -> str:
    row = _total_row(pic)
    if row.current == 0 and row.baseline == 0:
        return ""
    if row.flagged and row.direction == "up":
        return _("The test calls the increase unlikely to be chance.")
    if row.flagged and row.direction == "down":
        return _("The test calls the decrease unlikely to be chance.")
    return _("The test finds no reliable change in the total.")


def _area_sentence(pic: Any, sub_areas: Collection[str]) -> str:
    counts = [(r.label, int(r.count)) for r in pic.by_area.rows if r.label in sub_areas]
    top = max((n for _label, n in counts), default=0)
    if top <= 0:
        return ""
    names = [label for label, n in counts if n == top]
    if len(names) == 1:
        return _("Most in %(area)s (%(count)d).") % {"area": names[0], "count": top}
    return _("Most in %(areas)s (%(count)d each).") % {"areas": ", ".join(names), "count": top}


def _place_sentence(pic: Any) -> str:
    if not pic.places:
        return ""
    place = pic.places[0]
    return _("The week's place with the most incidents: %(place)s (%(count)s).") % {
        "place": place.label,
        "count": place.count,
    }


def _change_sentence(pic: Any) -> str:
    """The flagged category change with the smallest Holm-adjusted p, or a plain "none".

    The last row of each change table is the total (tested without correction) and is left to
    the sentences above; ties go to the larger difference, then to the previous period.
    """
    candidates = []
    for baseline, table in enumerate(pic.changes[:2]):
        for row in table.rows[:-1]:
            if row.flagged and row.p_adjusted is not None:
                candidates.append((row.p_adjusted, -abs(row.difference or 0.0), baseline, row))
    if not candidates:
        return _(
            "No category has changed more than chance could explain, against the previous "
            "period or the same period last year."
        )
    _p, _size, baseline, row = min(candidates, key=lambda c: c[:3])
    values = {"category": row.label, "current": row.current, "baseline": row.baseline}
    if baseline == 0 and row.direction == "up":
        text = _(
            "The clearest tested change: %(category)s up against the previous period "
            "(%(current)d against %(baseline)d)."
        )
    elif baseline == 0:
        text = _(
            "The clearest tested change: %(category)s down against the previous period "
            "(%(current)d against %(baseline)d)."
        )
    elif row.direction == "up":
        text = _(
            "The clearest tested change: %(category)s up against the same period last year "
            "(%(current)d against %(baseline)d)."
        )
    else:
        text = _(
            "The clearest tested change: %(category)s down against the same period last year "
            "(%(current)d against %(baseline)d)."
        )
    return text % values
