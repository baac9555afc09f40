"""Adoption, versions and differences of the yearly lägesbild."""

from __future__ import annotations

import difflib
import hashlib
import json
from datetime import date
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from samtrygg.freezing.documents import NotAdoptableError, Violation, adopt
from samtrygg.lagesbild.models import Lagesbild, SourceEntry
from samtrygg.partnerships.changelog import record

LAGESBILD_SECTIONS = ("extent", "consequences", "other_information", "cause_analysis")


def content_sha256(lagesbild: Lagesbild) -> str:
    """The SHA-256 (hex) of what was adopted: the text, the figures and the source inventory.

    Shown with an adopted (frozen) lägesbild in its Word and PDF documents, so that a filed
    copy can be checked against the version in Samtrygg. Every text section counts, also
    those added to :data:`LAGESBILD_SECTIONS` later.
    """
    content: dict[str, Any] = {
        "title": lagesbild.title,
        "year": lagesbild.year,
        "version": lagesbild.version,
        "period": [lagesbild.period_start.isoformat(), lagesbild.period_end.isoformat()],
        "decision": [
            lagesbild.decision_body,
            lagesbild.decision_date.isoformat() if lagesbild.decision_date else None,
            lagesbild.diarienummer,
        ],
        "sections": {s: getattr(lagesbild, s) for s in LAGESBILD_SECTIONS},
        "figures": lagesbild.figures,
        "sources": [
            [s.name, s.used, s.reason, s.limitations] for s in lagesbild.sources.order_by("pk")
        ],
    }
    canonical = json.dumps(
        content, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


@transaction.atomic
def adopt_lagesbild(
    lagesbild: Lagesbild, actor: Any, *, decision_body: str, decision_date: date, diarienummer: str
) -> Lagesbild:
    """Adopt a lägesbild; § 4 asks for its three parts and a source inventory."""
    missing = [
        Violation(0, _("the lägesbild"), _("write the section “%(s)s”.") % {"s": label})
        for field, label in (
            ("extent", Lagesbild._meta.get_field("extent").verbose_name),
            ("other_information", Lagesbild._meta.get_field("other_information").verbose_name),
            ("cause_analysis", Lagesbild._meta.get_field("cause_analysis").verbose_name),
        )
        if not getattr(lagesbild, field).strip()
    ]
    if not lagesbild.sources.exists():
        missing.append(
            Violation(0, _("the lägesbild"), _("list the sources used and left out, and why."))
        )
    if missing:
        raise NotAdoptableError(missing)
    adopt(lagesbild, actor, decision_body, decision_date, diarienummer)
    return lagesbild


@transaction.atomic
def new_lagesbild_version(previous: Lagesbild, actor: Any) -> Lagesbild:
    """Start a new draft from the last version, copying its text and source inventory."""
    latest = (
        Lagesbild.objects.filter(partnership=previous.partnership, year=previous.year)
        .order_by("-version")
        .first()
    )
    version = (latest.version if latest else previous.version) + 1
    draft = Lagesbild.objects.create(
        partnership=previous.partnership,
        year=previous.year,
        version=version,
        title=previous.title,
        period_start=previous.period_start,
        period_end=previous.period_end,
        figures=previous.figures,
        based_on=previous,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
        **{s: getattr(previous, s) for s in LAGESBILD_SECTIONS},
    )
    SourceEntry.objects.bulk_create(
        [
            SourceEntry(
                lagesbild=draft,
                name=s.name,
                used=s.used,
                reason=s.reason,
                limitations=s.limitations,
            )
            for s in previous.sources.all()
        ]
    )
    record(draft.partnership_id, actor, draft, "new_version", based_on=previous.pk)
    return draft


def lagesbild_diff(old: Lagesbild, new: Lagesbild) -> dict[str, list[str]]:
    """Unified differences per section between two versions (only sections that changed)."""
    out: dict[str, list[str]] = {}
    for section in LAGESBILD_SECTIONS:
        a, b = getattr(old, section).splitlines(), getattr(new, section).splitlines()
        if a != b:
            out[section] = list(
                difflib.unified_diff(a, b, f"v{old.version}", f"v{new.version}", lineterm="")
            )
    return out
