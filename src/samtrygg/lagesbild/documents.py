"""The yearly lägesbild as a Word (.docx) or PDF document.

Both formats render the same content (:func:`document_content`): the facts (partnership,
period, version, status, the decision and, once adopted, the SHA-256 checksum of what was
adopted), then one numbered section per text section of the lägesbild (every field in
:data:`samtrygg.lagesbild.services.LAGESBILD_SECTIONS`, so a section added there appears here
too), the figures and maps under the first, and the source inventory.

What a reader is shown is what the page shows them: readers who see aggregates only
(``exact=False``) get the protected counts exactly as on the page
(:func:`samtrygg.lagesbild.drafting.shown_figures`). The maps are embedded as pictures in the
PDF; Word gets them as a table of the same numbers (python-docx cannot hold SVG). The layout
is Django-free in :mod:`samtrygg.rendering.documents`.
"""

from __future__ import annotations

from typing import Any

from django.utils import formats
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from samtrygg.lagesbild import drafting, maps, services
from samtrygg.lagesbild.models import Lagesbild
from samtrygg.partnerships import documents
from samtrygg.partnerships.disclosure import public_k
from samtrygg.partnerships.documents import FORMATS as FORMATS  # the types offered here
from samtrygg.partnerships.documents import page_label
from samtrygg.rendering.documents import Block, Document, Section


def _d(value: Any) -> str:
    return formats.date_format(value, "Y-m-d") if value else "–"


def _count(value: Any) -> str:
    """A count or a hidden count ("<5") as the page writes it."""
    return formats.number_format(value) if isinstance(value, int | float) else str(value)


def _decimal(value: float | None) -> str:
    """Like the page's ``floatformat:"-1"``: one decimal unless whole, decimal comma in Swedish."""
    if value is None:
        return "–"
    rounded = round(float(value), 1)
    return formats.number_format(rounded, decimal_pos=0 if rounded.is_integer() else 1)


def _paragraphs(text: str) -> list[Block]:
    parts = [p.strip() for p in text.replace("\r\n", "\n").split("\n\n") if p.strip()]
    return [Block("p", p) for p in parts] or [Block("p", _("Not written yet."))]


def _change_table(rows: list[dict[str, Any]], first: str) -> Block:
    header = [first, _("This period"), _("The year before"), _("Change")]
    body = [[r["name"], _count(r["current"]), _count(r["previous"]), r["verdict"]] for r in rows]
    return Block("table", header=header, rows=body)


def _profile_table(items: list[dict[str, Any]], exact: bool) -> Block:
    k = public_k()
    counts = [
        # Legacy documents' hidden counts are already "<k" text (drafting.shown_figures).
        f"<{k}"
        if isinstance(c["count"], int) and 0 < c["count"] < k and not exact
        else _count(c["count"])
        for c in items
    ]
    return Block("table", header=[str(c["name"])[:3] for c in items], rows=[counts])


def _figure_blocks(fig: dict[str, Any], exact: bool) -> list[Block]:
    """The figures under § 4 point 1, as the page's tables show them to this reader."""
    if not fig.get("period"):
        return []
    blocks: list[Block] = []
    categories = fig.get("categories", [])
    areas = fig.get("areas", [])
    if categories:
        period, previous = fig["period"], fig.get("previous") or {}
        blocks.append(
            Block(
                "h",
                _("Incidents by category, %(start)s–%(end)s, against %(pstart)s–%(pend)s")
                % {
                    "start": period.get("start", ""),
                    "end": period.get("end", ""),
                    "pstart": previous.get("start", ""),
                    "pend": previous.get("end", ""),
                },
            )
        )
        blocks.append(_change_table(categories, _("Category")))
    if areas:
        blocks.append(Block("h", _("Incidents by area")))
        blocks.append(_change_table(areas, _("Area")))
    if fig.get("months"):
        blocks.append(Block("h", _("Incidents by month and weekday in the period")))
        blocks.append(_profile_table(fig["months"], exact))
        blocks.append(_profile_table(fig.get("weekdays", []), exact))
    note = _(
        "Changes are tested against the year before with the Poisson E-test (exposure in "
        "days) and Holm's correction within each table; “no reliable change” means chance "
        "explains the difference well enough."
    )
    if not exact:
        note += " " + (
            _(
                "To protect the people and places behind them, every count is changed by a small "
                "random amount, the same for the same incidents in every version, and a count "
                "that would be below %(k)s is shown as 0; totals are the sums of the counts "
                "shown, and the changes are tested on the counts shown."
            )
            if fig.get("protected")
            else _("Counts below %(k)s are not shown, nor the total.")
        ) % {"k": public_k()}
    blocks.append(Block("p", note))
    return blocks


def _map_blocks(fig: dict[str, Any], exact: bool) -> list[Block]:
    """The two maps: the SVG for the PDF, and the same numbers as a table for Word."""
    drawn = maps.render_maps(fig, exact)
    stored = fig.get("maps")
    data: dict[str, Any] = stored if isinstance(stored, dict) else {}
    blocks: list[Block] = []
    if drawn.get("areas"):
        caption = _(
            "Map: incidents per area in the period; the darker the area, the more incidents. "
            "The map's description and the table “Incidents by area” give the numbers."
        )
        if not exact:
            caption += " " + _("Its counts are protected as the tables' are.")
        rows = [[r["name"], maps.count_text(int(r["count"]), exact)] for r in data["areas"]]
        blocks.append(
            Block(
                "figure",
                text=caption,
                svg=str(drawn["areas"]),
                header=[_("Area"), _("Incidents in the period")],
                rows=sorted(rows),
            )
        )
    if drawn.get("hotspots"):
        caption = _(
            "Map: the significant hot cells of the period (Getis–Ord Gi* with the false "
            "discovery rate controlled), drawn over the areas' outlines. The drafted text "
            "names the areas they lie in."
        )
        cells = data.get("cells") or []
        rows = [
            [
                str(i),
                maps.count_text(int(c["count"]), exact),
                formats.number_format(c["z"], decimal_pos=1),
            ]
            for i, c in enumerate(cells, start=1)
        ]
        header = [_("Hot cell"), _("Incidents in the period"), "Gi* z"]
        blocks.append(
            Block("figure", text=caption, svg=str(drawn["hotspots"]), header=header, rows=rows)
        )
    return blocks


def _reference_blocks(fig: dict[str, Any]) -> list[Block]:
    blocks = [Block("h", _("Comparison with reference data"))]
    series = (fig.get("reference") or {}).get("series") or []
    for s in series:
        caption = f"{s['source_name']}: {s['label']}"
        if s.get("is_example"):
            caption += f" ({_('example data, not real figures')})"
        blocks.append(Block("p", caption))
        blocks.append(
            Block(
                "table",
                header=[_("Region"), *[str(y) for y in s["years"]]],
                rows=[[r["name"], *[_decimal(v) for v in r["values"]]] for r in s["regions"]],
            )
        )
        if s.get("source") == "kolada":
            blocks.append(Block("p", _("Source: Kolada (RKA), licence CC BY 4.0.")))
    if not series:
        if (fig.get("reference") or {}).get("imported"):
            text = _(
                "The imported reference data have no values for the partnership's "
                "municipalities, county or the whole country up to this year."
            )
        else:
            text = _(
                "No reference data (Kolada, Brå) had been imported when this lägesbild was drafted."
            )
        blocks.append(Block("p", text))
    return blocks


def _source_blocks(lagesbild: Lagesbild) -> list[Block]:
    rows = [
        [s.name, _("yes") if s.used else _("no"), s.reason or "–", s.limitations or "–"]
        for s in lagesbild.sources.all()
    ]
    if not rows:
        return [Block("p", _("No sources listed yet."))]
    header = [_("Source"), _("Used"), _("Why"), _("What it limits")]
    return [Block("table", header=header, rows=rows)]


def document_content(lagesbild: Lagesbild, *, exact: bool) -> Document:
    """What the document says, in the active language.

    ``exact`` is whether the reader may see counts below k (``Access.sees_all_data``); the
    command line exports with ``exact=True`` (what a coordinator sees).
    """
    # The protected figures for readers without exact access, as on the page.
    fig = drafting.shown_figures(lagesbild.figures or {}, exact)
    facts = [
        (_("Partnership"), lagesbild.partnership.name),
        (_("Period"), f"{_d(lagesbild.period_start)} – {_d(lagesbild.period_end)}"),
        (_("Version"), str(lagesbild.version)),
        (_("Status"), str(lagesbild.get_status_display())),
    ]
    if lagesbild.decision_date:
        facts.append(
            (
                _("Decision"),
                _("Adopted by %(body)s on %(date)s, registry number %(ref)s.")
                % {
                    "body": lagesbild.decision_body,
                    "date": _d(lagesbild.decision_date),
                    "ref": lagesbild.diarienummer,
                },
            )
        )
    if lagesbild.is_frozen:
        facts.append((_("Checksum (SHA-256)"), services.content_sha256(lagesbild)))
    sections = []
    for name in services.LAGESBILD_SECTIONS:
        heading = capfirst(str(getattr(Lagesbild._meta.get_field(name), "verbose_name", name)))
        blocks = _paragraphs(getattr(lagesbild, name))
        if name == "extent":
            blocks += _figure_blocks(fig, exact) + _map_blocks(fig, exact)
            blocks += _reference_blocks(fig)
        sections.append(Section(heading, blocks, name))
    sections.append(Section(_("Source inventory"), _source_blocks(lagesbild), "sources"))
    return Document(
        title=lagesbild.title,
        subtitle=lagesbild.partnership.name,
        facts=facts,
        sections=sections,
        partnership=lagesbild.partnership.name,
        page_label=page_label(),
    )


def build(lagesbild: Lagesbild, fmt: str, *, exact: bool, lang: str | None = None) -> bytes:
    """The lägesbild as ``fmt`` ("docx" or "pdf") in ``lang`` (default: the site language).

    Parameters
    ----------
    lagesbild : Lagesbild
        The version to render.
    fmt : str
        "docx" or "pdf".
    exact : bool
        Whether the reader may see counts below k.
    lang : str, optional
        The document's language.

    Returns
    -------
    bytes
        The file.
    """
    return documents.build(lambda: document_content(lagesbild, exact=exact), fmt, lang)


def filename(lagesbild: Lagesbild, fmt: str) -> str:
    """The download's file name, e.g. ``lagesbild-alfa-2026-v2.pdf``."""
    return f"lagesbild-{lagesbild.partnership.slug}-{lagesbild.year}-v{lagesbild.version}.{fmt}"
