"""What the public page shows: published promises and disclosure-controlled counts.

Everything here is computed for anyone on the internet, so it reads only published content
(the newest *published* agreement and its promises marked for the public page) and only
aggregates: incident counts per category × quarter and per area, counted in the database and
passed through :mod:`samtrygg.analysis.disclosure` before they leave this module. No incident
row, coordinate, place, description or person ever does.

Decisions
---------
* **Complete quarters only.** The table covers the last four *finished* calendar quarters
  (Europe/Stockholm), so the published numbers do not change from one day to the next; a count
  that grows by one overnight would itself disclose a single incident.
* **One neutral marker** for every hidden cell (primary or secondary), as the disclosure module
  decides: a marker that said "<5" on exactly the primary cells would tell a reader that those
  cells hold 1–4, which is what the secondary suppression is there to prevent.
* **Areas are published without a sum over areas** (they overlap) **and with zeros hidden**,
  so a hidden area may hold 0. Because areas nest (a drawn area inside its municipality) and the
  table's grand total counts every incident, subtracting one published number from another can
  reveal a small count for the part of an area outside another; :func:`protect_areas` checks
  every such part with linear programming and hides more areas until none is pinned to
  1 … k − 1.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import numpy as np
import numpy.typing as npt
from django.conf import settings
from django.db.models import Case, Count, IntegerField, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from scipy.optimize import linprog

from samtrygg import periods
from samtrygg.agreements.models import Agreement, AgreementStatus, Promise, Signature
from samtrygg.analysis import disclosure
from samtrygg.areas.models import Area, AreaKind
from samtrygg.incidents.models import Category, Incident, IncidentArea
from samtrygg.partnerships.models import Partnership
from samtrygg.plans.models import Activity
from samtrygg.plans.services import activity_progress

PUBLIC_AREA_KINDS = (
    AreaKind.MUNICIPALITY,
    AreaKind.REGSO,
    AreaKind.DESO,
    AreaKind.IMPORTED,
    AreaKind.DRAWN,
)
N_QUARTERS = 4
HIDDEN = ".."


def public_k() -> int:
    """The small-count threshold k for public numbers (setting SAMTRYGG_PUBLIC_K, default 5)."""
    return int(getattr(settings, "SAMTRYGG_PUBLIC_K", 5))


# --------------------------------------------------------------------------- promises


@dataclass(frozen=True)
class PublicActivity:
    title: str
    status: str
    status_label: str
    progress: int


@dataclass(frozen=True)
class PublicPromise:
    year: int
    focus_area: str
    text: str
    activities: list[PublicActivity]
    progress: int | None
    update: str


@dataclass(frozen=True)
class PublicSignature:
    organisation: str
    role: str
    signed: date


@dataclass(frozen=True)
class PublicAgreement:
    title: str
    period_start: date
    period_end: date
    signatures: list[PublicSignature]


def published_agreement(partnership: Partnership) -> Agreement | None:
    """The partnership's newest published agreement (what published promises belong to)."""
    return (
        Agreement.objects.filter(partnership=partnership, status=AgreementStatus.PUBLISHED)
        .order_by("-version")
        .first()
    )


def public_agreement(agreement: Agreement) -> PublicAgreement:
    """Title, period and who signed: organisation, role and date (no person, no account)."""
    signatures = Signature.objects.filter(party__agreement=agreement).select_related(
        "party__organisation"
    )
    return PublicAgreement(
        title=agreement.title,
        period_start=agreement.period_start,
        period_end=agreement.period_end,
        signatures=[
            PublicSignature(
                organisation=s.party.organisation.name,
                role=s.role or s.party.signatory_role,
                signed=timezone.localtime(s.signed_at).date(),
            )
            for s in signatures
        ],
    )


@dataclass(frozen=True)
class PublicVersion:
    """One published version of the agreement and how its public promises changed."""

    version: int
    title: str
    period_start: date
    period_end: date
    published_on: date | None
    current: bool
    first: bool
    added: list[str]
    changed: list[str]
    removed: list[str]


def _promise_label(key: tuple[str, int]) -> str:
    return f"{key[0]} ({key[1]})"


def version_history(partnership: Partnership) -> list[PublicVersion]:
    """Every version that was published, newest first, with its promises' changes.

    docs/domain.md §11 asks for a public version history of published agreements and promises. Only
    versions that were published count (a superseded version that never was is left out), and
    only the promises marked for the public page are compared, by focus area and year.
    """
    versions = (
        Agreement.objects.filter(partnership=partnership)
        .filter(
            Q(status=AgreementStatus.PUBLISHED)
            | Q(status=AgreementStatus.SUPERSEDED, published_at__isnull=False)
        )
        .order_by("version")
        .prefetch_related("promises")
    )
    history: list[PublicVersion] = []
    previous: dict[tuple[str, int], str] | None = None
    for agreement in versions:
        promises = {(p.focus_area, p.year): p.text for p in agreement.promises.all() if p.published}
        old = previous or {}
        history.append(
            PublicVersion(
                version=agreement.version,
                title=agreement.title,
                period_start=agreement.period_start,
                period_end=agreement.period_end,
                published_on=(
                    timezone.localtime(agreement.published_at).date()
                    if agreement.published_at
                    else None
                ),
                current=agreement.status == AgreementStatus.PUBLISHED,
                first=previous is None,
                added=[]
                if previous is None
                else [_promise_label(k) for k in promises if k not in old],
                changed=[_promise_label(k) for k in promises if k in old and old[k] != promises[k]],
                removed=[_promise_label(k) for k in old if k not in promises],
            )
        )
        previous = promises
    return history[::-1]


def _update_text(activities: list[PublicActivity]) -> str:
    """A plain-language sentence on how the work is going, from the activities' status."""
    if not activities:
        return _("The activities for this promise are being planned.")
    counts = {status: 0 for status in Activity.Status.values}
    for a in activities:
        counts[a.status] += 1
    parts = []
    for status, text in (
        (Activity.Status.DONE, _("%(n)d done")),
        (Activity.Status.ONGOING, _("%(n)d ongoing")),
        (Activity.Status.PLANNED, _("%(n)d planned")),
        (Activity.Status.DELAYED, _("%(n)d delayed")),
        (Activity.Status.CANCELLED, _("%(n)d cancelled")),
    ):
        if counts[status]:
            parts.append(text % {"n": counts[status]})
    return ngettext(
        "%(total)d activity: %(parts)s.", "%(total)d activities: %(parts)s.", len(activities)
    ) % {"total": len(activities), "parts": ", ".join(parts)}


def public_promises(partnership: Partnership) -> list[PublicPromise]:
    """The published promises with their activities' titles, status and progress."""
    result = []
    promises = Promise.objects.published_for(partnership).prefetch_related("activities")
    for promise in promises:
        activities = []
        weights = 0.0
        weighted = 0.0
        for a in promise.activities.all():
            progress = activity_progress(a)
            activities.append(
                PublicActivity(
                    title=a.title,
                    status=a.status,
                    status_label=str(a.get_status_display()),
                    progress=round(progress),
                )
            )
            if a.status != Activity.Status.CANCELLED:
                weights += a.weight
                weighted += a.weight * progress
        result.append(
            PublicPromise(
                year=promise.year,
                focus_area=promise.focus_area,
                text=promise.text,
                activities=activities,
                progress=round(weighted / weights) if weights else None,
                update=_update_text(activities),
            )
        )
    return result


# --------------------------------------------------------------------------- statistics


@dataclass(frozen=True)
class Quarter:
    start: datetime
    end: datetime
    label: str


def last_quarters(today: date, n: int = N_QUARTERS) -> list[Quarter]:
    """The last ``n`` complete calendar quarters before ``today`` (local time), oldest first."""
    return [
        Quarter(
            start=q.start_utc,
            end=q.end_utc,
            label=_("Q%(q)d %(year)d") % {"q": (q.start.month - 1) // 3 + 1, "year": q.start.year},
        )
        for q in periods.complete_quarters(today, n)
    ]


def category_quarter_counts(
    partnership: Partnership, quarters: list[Quarter]
) -> tuple[list[str], list[list[int]]]:
    """Incidents per category × quarter, grouped in the database.

    The rows are the active categories and any retired one with incidents in the period;
    categories marked not public are left out entirely (neither a row nor in any total).
    """
    qs = Incident.objects.filter(
        partnership=partnership,
        category__is_public=True,
        occurred_from__gte=quarters[0].start,
        occurred_from__lt=quarters[-1].end,
    )
    which = Case(
        *[When(occurred_from__lt=q.end, then=Value(i)) for i, q in enumerate(quarters)],
        output_field=IntegerField(),
    )
    grouped = qs.annotate(quarter=which).values("category_id", "quarter").annotate(n=Count("id"))
    counts: dict[int, list[int]] = {}
    for row in grouped:
        counts.setdefault(row["category_id"], [0] * len(quarters))[row["quarter"]] = row["n"]
    categories = [
        c
        for c in Category.objects.filter(partnership=partnership, is_public=True)
        if c.retired_at is None or c.pk in counts
    ]
    return [c.name for c in categories], [counts.get(c.pk, [0] * len(quarters)) for c in categories]


def area_counts(
    partnership: Partnership, start: datetime, end: datetime
) -> tuple[list[Area], list[int], list[frozenset[int]], list[int]]:
    """Incidents per area (public kinds only) in [start, end), counted in the database.

    Also the *atoms*: each distinct set of areas an incident lies in (positions into the area
    list), with how many incidents share it. They never leave this module; they are what an
    intruder who knows the map could reason about (the part of a municipality outside a drawn
    area, say), and :func:`protect_areas` checks them.
    """
    areas = list(Area.objects.filter(partnership=partnership, kind__in=PUBLIC_AREA_KINDS))
    position = {a.pk: i for i, a in enumerate(areas)}
    links = IncidentArea.objects.filter(
        area__in=areas,
        incident__partnership=partnership,
        incident__category__is_public=True,
        incident__occurred_from__gte=start,
        incident__occurred_from__lt=end,
    )
    by_area = {
        row["area_id"]: row["n"]
        for row in links.values("area_id").annotate(n=Count("incident_id", distinct=True))
    }
    sets: dict[int, set[int]] = {}
    for incident_id, area_id in links.values_list("incident_id", "area_id"):
        sets.setdefault(incident_id, set()).add(position[area_id])
    atoms: dict[frozenset[int], int] = {}
    for members in sets.values():
        key = frozenset(members)
        atoms[key] = atoms.get(key, 0) + 1
    return (
        areas,
        [by_area.get(a.pk, 0) for a in areas],
        list(atoms),
        list(atoms.values()),
    )


def _bounds(
    target: npt.NDArray[np.float64],
    a_eq: npt.NDArray[np.float64] | None,
    b_eq: npt.NDArray[np.float64] | None,
) -> tuple[float, float]:
    """The smallest and largest value of target · x over x ≥ 0 with a_eq x = b_eq."""
    ends = []
    for sign in (1.0, -1.0):
        res = linprog(sign * target, A_eq=a_eq, b_eq=b_eq, bounds=(0, None), method="highs")
        ends.append(math.inf if res.status == 3 else round(float(sign * res.fun), 6))
    return ends[0], ends[1]


def protect_areas(
    n_areas: int,
    atoms: list[frozenset[int]],
    atom_counts: list[int],
    total: int | None,
    k: int,
) -> list[int | None]:
    """Area counts safe to publish side by side with the table's grand total.

    Areas overlap, so subtracting one published area from another (or from the grand total)
    can give a small count for the part of an area outside another. Each atom (the incidents
    sharing one set of areas; ``total`` counts the incidents in no area too) is an unknown
    ≥ 0 to the intruder; every published area is an equation. An area below k is hidden
    (zeros too); then, while an atom or a hidden area holding 1 to k − 1 can be pinned inside
    [1, k − 1] by linear programming, the smallest published area overlapping it is hidden.
    """
    counts = [0] * n_areas
    for members, n in zip(atoms, atom_counts, strict=True):
        for i in members:
            counts[i] += n
    # The incidents in no area are one more atom (only the grand total includes them).
    outside = None if total is None else total - sum(atom_counts)
    all_atoms = [*atoms, frozenset()] if outside is not None else list(atoms)
    values = [*atom_counts, outside] if outside is not None else list(atom_counts)
    hidden = [c < k for c in counts]
    area_rows = [np.array([1.0 if i in m else 0.0 for m in all_atoms]) for i in range(n_areas)]

    def pinned(target: npt.NDArray[np.float64], hide: list[bool]) -> bool:
        rows = [area_rows[i] for i in range(n_areas) if not hide[i]]
        rhs = [float(counts[i]) for i in range(n_areas) if not hide[i]]
        if total is not None:
            rows.append(np.ones(len(all_atoms)))
            rhs.append(float(total))
        if not rows:
            return False
        lo, hi = _bounds(target, np.array(rows), np.array(rhs))
        return lo >= 1 and hi <= k - 1

    while True:
        # What must not be pinned inside [1, k - 1]: the small atoms and the small hidden areas.
        checks = [
            (np.eye(len(all_atoms))[j], all_atoms[j])
            for j, v in enumerate(values)
            if v is not None and 1 <= v <= k - 1
        ]
        checks += [
            (area_rows[i], frozenset({i}))
            for i in range(n_areas)
            if hidden[i] and 1 <= counts[i] <= k - 1
        ]
        bad = next(((t, m) for t, m in checks if pinned(t, hidden)), None)
        if bad is None:
            return [None if h else c for h, c in zip(hidden, counts, strict=True)]
        target, members = bad
        near = {i for m in all_atoms if m & members or not members for i in m} | set(members)
        pool = sorted(
            (i for i in range(n_areas) if not hidden[i] and i in near), key=lambda i: counts[i]
        ) or sorted((i for i in range(n_areas) if not hidden[i]), key=lambda i: counts[i])
        if not pool:  # pragma: no cover - with no area published only the total binds
            return [None] * n_areas
        # The smallest area whose hiding frees the pinned part, else the smallest one.
        choice = next(
            (i for i in pool if not pinned(target, [h or j == i for j, h in enumerate(hidden)])),
            pool[0],
        )
        hidden[choice] = True


@dataclass(frozen=True)
class Cell:
    """A published number, or a hidden one (``value`` None, shown as the neutral marker)."""

    value: int | None

    @property
    def hidden(self) -> bool:
        return self.value is None

    def __str__(self) -> str:
        return HIDDEN if self.value is None else str(self.value)


@dataclass(frozen=True)
class TableRow:
    label: str
    cells: list[Cell]
    total: Cell


@dataclass(frozen=True)
class AreaRow:
    name: str
    kind: str
    count: Cell


@dataclass(frozen=True)
class PublicStatistics:
    k: int
    quarters: list[Quarter]
    rows: list[TableRow]
    column_totals: list[Cell]
    grand_total: Cell
    areas: list[AreaRow]
    period_label: str

    @property
    def any_hidden(self) -> bool:
        return (
            any(c.hidden for r in self.rows for c in [*r.cells, r.total])
            or any(c.hidden for c in self.column_totals)
            or self.grand_total.hidden
        )


def suppressed_table(counts: list[list[int]], k: int) -> disclosure.SuppressedTable:
    """The category × quarter table with its margins, small counts hidden (zeros shown)."""
    return disclosure.suppress_table(counts, k=k, publish_zero=True)


def published_areas(
    partnership: Partnership, quarters: list[Quarter], grand_total: int | None, k: int
) -> tuple[list[Area], list[int | None]]:
    """The public areas and their protected counts for the period of the table."""
    areas, _counts, atoms, atom_counts = area_counts(
        partnership, quarters[0].start, quarters[-1].end
    )
    if not areas:
        return [], []
    return areas, protect_areas(len(areas), atoms, atom_counts, grand_total, k)


def _numbers(
    partnership: Partnership, today: date | None, k: int
) -> tuple[list[Quarter], list[str], disclosure.SuppressedTable | None, list[Area], list[Any]]:
    quarters = last_quarters(today or timezone.localdate())
    names, counts = category_quarter_counts(partnership, quarters)
    table = suppressed_table(counts, k) if names else None
    total = table.grand_total if table is not None else None
    areas, cells = published_areas(partnership, quarters, total, k)
    return quarters, names, table, areas, cells


def public_statistics(
    partnership: Partnership, today: date | None = None, k: int | None = None
) -> PublicStatistics | None:
    """The disclosure-controlled statistics, or None when the partnership has no categories."""
    kk = public_k() if k is None else k
    quarters, names, table, areas, area_cells = _numbers(partnership, today, kk)
    if table is None:
        return None
    return PublicStatistics(
        k=kk,
        quarters=quarters,
        rows=[
            TableRow(label=name, cells=[Cell(v) for v in row], total=Cell(total))
            for name, row, total in zip(names, table.cells, table.row_totals, strict=True)
        ],
        column_totals=[Cell(v) for v in table.column_totals],
        grand_total=Cell(table.grand_total),
        areas=[
            AreaRow(name=a.name, kind=str(a.get_kind_display()), count=Cell(v))
            for a, v in zip(areas, area_cells, strict=True)
        ],
        period_label=_("%(first)s – %(last)s")
        % {"first": quarters[0].label, "last": quarters[-1].label},
    )


def public_map(partnership: Partnership, today: date | None = None) -> dict[str, Any]:
    """Area polygons with their protected counts: nothing finer than an area, no incident."""
    if published_agreement(partnership) is None:
        return {"type": "FeatureCollection", "features": []}
    k = public_k()
    _quarters, _names, _table, areas, cells = _numbers(partnership, today, k)
    return {
        "type": "FeatureCollection",
        "properties": {"k": k, "hidden": HIDDEN},
        "features": [
            {
                "type": "Feature",
                "properties": {
                    "name": a.name,
                    "kind": a.kind,
                    "count": v,
                    "label": f"{a.name}: {HIDDEN if v is None else v}",
                },
                "geometry": a.geometry,
            }
            for a, v in zip(areas, cells, strict=True)
        ],
    }
