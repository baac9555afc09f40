"""Property tests that play the attacker against what the application publishes.

Incidents are created in the database; the public page, the viewer's picture and the viewer's
export are computed as the web application computes them; an attacker who knows the published
rule (not the secret) collects every number of two periods, two versions (before and after a
single back-dated report), a filter and no filter, a total and its parts, and solves integer
programs (:class:`tests.analysis.test_cell_key.Attacker`) for each set of incidents they want to
learn. No count from 1 to k − 1 may come out pinned, and no published number may lie in 1 … k − 1.
"""

from __future__ import annotations

import csv
import io
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.analysis.test_cell_key import Attacker

K = 5
STHLM = ZoneInfo("Europe/Stockholm")
MONDAY = datetime(2025, 3, 10, tzinfo=STHLM)  # week 11 of 2025
CATEGORIES = ("brand", "inbrott")
IN_AREA = (14.515, 59.33)  # inside the drawn area "Centrum"
OUTSIDE = (14.70, 59.45)

DB_SETTINGS = settings(
    max_examples=8,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
counts = st.one_of(st.integers(0, 7), st.integers(0, 30))


class RollbackError(Exception):
    pass


def _small(value: int) -> bool:
    return 1 <= value <= K - 1


def _make(world: Any, category: str, when: datetime, lonlat: tuple[float, float], n: int) -> None:
    from samtrygg.incidents.linking import link_incidents
    from samtrygg.incidents.models import Category, Incident

    cat, _ = Category.objects.get_or_create(partnership=world.a, name=category)
    made = Incident.objects.bulk_create(
        [
            Incident(
                partnership=world.a,
                organisation=world.kommun,
                category=cat,
                occurred_from=when + timedelta(minutes=i),
                occurred_to=when + timedelta(minutes=i),
                lon=lonlat[0] + 0.00001 * i,
                lat=lonlat[1],
                place="Torget",
            )
            for i in range(n)
        ]
    )
    link_incidents(world.a, incidents=Incident.objects.filter(pk__in=[i.pk for i in made]))


# --------------------------------------------------------------------------- the viewer's picture

# Atoms: (category, week 0 or 1, inside Centrum or not); the late report is atom 8.
ATOMS = [(c, w, a) for c in CATEGORIES for w in (0, 1) for a in (True, False)]


def _atoms(category: str | None, weeks: tuple[int, ...], area: bool | None) -> list[int]:
    return [
        i
        for i, (c, w, a) in enumerate(ATOMS)
        if (category is None or c == category) and w in weeks and (area is None or a == area)
    ]


def _pictures(world: Any, centrum: Any) -> dict[str, Any]:
    """Every picture the viewer asks for: week 0, weeks 0–1 (custom, whole weeks), and week 0
    filtered by each category and by the area."""
    from samtrygg.partnerships.access import access_for
    from samtrygg.periods import make_period
    from samtrygg.picture.services import Filters, build_picture

    viewer = world.users["viewer"]
    access = access_for(viewer, world.a)
    assert access is not None and not access.sees_all_data
    today = date(2025, 4, 30)
    week = make_period("week", at=MONDAY.date(), today=today)
    two = make_period(
        "custom",
        at=MONDAY.date(),
        today=today,
        start=MONDAY.date(),
        end=MONDAY.date() + timedelta(days=13),
    )
    from samtrygg.incidents.models import Category

    cats = {c.name: c for c in Category.objects.filter(partnership=world.a)}
    pictures = {
        "week": build_picture(viewer, access, Filters(week)),
        "two": build_picture(viewer, access, Filters(two)),
        "area": build_picture(viewer, access, Filters(week, area=centrum)),
    }
    for name in CATEGORIES:
        pictures[name] = build_picture(viewer, access, Filters(week, category=cats[name]))
    return pictures


def _observations(pictures: dict[str, Any], late: int | None) -> list[tuple[list[int], int]]:
    """(atoms, published value) for every number the attacker reads; ``late`` is the atom the
    late report went into (its set then also holds atom 8)."""

    def with_late(atoms: list[int]) -> list[int]:
        return [*atoms, 8] if late is not None and late in atoms else atoms

    seen: list[tuple[list[int], int]] = []
    cat = {name: {r.label: r.count for r in p.by_category.rows} for name, p in pictures.items()}
    for name in CATEGORIES:
        seen.append((with_late(_atoms(name, (0,), None)), cat["week"][name]))
        seen.append((with_late(_atoms(name, (0, 1), None)), cat["two"][name]))
        seen.append((with_late(_atoms(name, (0,), True)), cat["area"][name]))
    areas = {r.label: r.count for r in pictures["week"].by_area.rows}
    seen.append((with_late(_atoms(None, (0,), True)), areas["Centrum"]))
    return seen


def _every_number(pic: Any) -> list[int]:
    values = [r.count for t in (pic.by_category, pic.by_area, pic.by_organisation) for r in t.rows]
    values += [t.total.count for t in (pic.by_category, pic.by_area, pic.by_organisation)]
    values += [pic.total]
    values += [v for c in pic.changes for r in c.rows for v in (r.current, r.baseline)]
    values += [int(cell.text) for h in pic.heat_maps for _label, cells in h.rows for cell in cells]
    values += [int(p.count) for p in pic.places] + [int(p.hidden) for p in pic.places if p.hidden]
    return values


def _check_export(pic: Any) -> None:
    """Every count in the viewer's export (CSV and Excel share these rows) is published."""
    from samtrygg.picture.exports import aggregate_rows

    for _table, _label, text in aggregate_rows(pic)[1:]:
        for part in str(text).replace(":", " ").replace("/", " ").split():
            if part.isdigit():
                assert not _small(int(part)), f"export shows {part}"


@pytest.mark.django_db
@DB_SETTINGS
@given(
    sizes=st.lists(counts, min_size=len(ATOMS), max_size=len(ATOMS)),
    late=st.integers(0, len(ATOMS) - 1),
)
def test_viewer_picture_and_export_hold_across_periods_filters_and_a_late_report(
    world: Any, sizes: list[int], late: int
) -> None:
    with pytest.raises(RollbackError), transaction.atomic():
        for (category, week, inside), n in zip(ATOMS, sizes, strict=True):
            when = MONDAY + timedelta(days=7 * week + 2, hours=10)
            _make(world, category, when, IN_AREA if inside else OUTSIDE, n)
        before = _pictures(world, world.drawn_area)
        # One back-dated report into atom ``late``.
        category, week, inside = ATOMS[late]
        _make(
            world,
            category,
            MONDAY + timedelta(days=7 * week + 3),
            IN_AREA if inside else OUTSIDE,
            1,
        )
        after = _pictures(world, world.drawn_area)

        for pictures in (before, after):
            for pic in pictures.values():
                assert not any(_small(v) for v in _every_number(pic)), pic.filters
                # Totals are the sums of what is shown.
                assert pic.by_category.total.count == sum(r.count for r in pic.by_category.rows)
                _check_export(pic)
            # The same set of incidents has the same number wherever it appears.
            week_row = {r.label: r.count for r in pictures["week"].by_category.rows}
            for name in CATEGORIES:
                only = {r.label: r.count for r in pictures[name].by_category.rows}
                assert only[name] == week_row[name]

        att = Attacker(len(ATOMS) + 1)
        for atoms, value in _observations(before, None) + _observations(after, late):
            att.saw(atoms, value, K)
        # The attacker of the issue knows that exactly one report was added (atom 8); that must
        # not narrow any count of the others' reports down to 1..k-1 (as for one's own reports
        # in tests/analysis/test_cell_key.py, the cell with the known report is then known to
        # hold at least that one). (Whether
        # a report was added at all can show, rarely, when a count jumps by more than 2D between
        # versions; docs/privacy.md states this limit.)
        att.knows([8], 1, 1)
        true = [*sizes, 1]
        for j, n in enumerate(sizes):
            att.assert_not_recovered(np.eye(len(true))[j], n, K, f"atom {j}")
        # The complement of a filter: outside Centrum in week 0, per category.
        for name in CATEGORIES:
            target = np.zeros(len(true))
            target[_atoms(name, (0,), False)] = 1
            n = int(sum(true[i] for i in _atoms(name, (0,), False)))
            att.assert_not_recovered(target, n, K, f"{name} outside Centrum")
        raise RollbackError


def test_viewer_csv_export_is_the_published_tables(world: Any, client_for: Any) -> None:
    from django.urls import reverse

    _make(world, "brand", MONDAY + timedelta(days=1), IN_AREA, 3)
    _make(world, "inbrott", MONDAY + timedelta(days=1), IN_AREA, 12)
    client = client_for("viewer")
    params = {"period": "week", "at": "2025-03-12"}
    pic = client.get(reverse("picture", kwargs={"slug": world.a.slug}), params).context["pic"]
    url = reverse("picture-export", kwargs={"slug": world.a.slug})
    text = client.get(url, {**params, "format": "csv"}).content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    by_category = {r[1]: r[2] for r in rows if r[0] == pic.by_category.caption}
    assert by_category == {r.label: str(r.count) for r in pic.by_category.rows} | {
        pic.by_category.total.label: str(pic.by_category.total.count)
    }
    assert not any(_small(int(v)) for v in by_category.values())


def test_viewers_may_choose_only_whole_weeks_or_months(world: Any, client_for: Any) -> None:
    from django.urls import reverse

    url = reverse("picture", kwargs={"slug": world.a.slug})
    one_day_longer = {"period": "custom", "start": "2025-03-10", "end": "2025-03-17"}
    client = client_for("viewer")
    client.cookies["django_language"] = "en"
    form = client.get(url, one_day_longer).context["form"]
    assert "whole weeks" in str(form.non_field_errors())
    for whole in (
        {"period": "custom", "start": "2025-03-10", "end": "2025-03-23"},  # two ISO weeks
        {"period": "custom", "start": "2025-02-01", "end": "2025-03-31"},  # two months
    ):
        assert client.get(url, whole).context["form"].is_valid()
    # Coordinators see every incident anyway: any days.
    assert client_for("coordinator").get(url, one_day_longer).context["form"].is_valid()


# --------------------------------------------------------------------------- the public page


@pytest.mark.django_db
@DB_SETTINGS
@given(
    cells=st.dictionaries(
        st.tuples(st.sampled_from(CATEGORIES), st.integers(0, 3)), counts, max_size=8
    ),
    late=st.tuples(st.sampled_from(CATEGORIES), st.integers(0, 3)),
)
def test_public_page_holds_across_versions_releases_and_a_late_report(
    world: Any, cells: dict[tuple[str, int], int], late: tuple[str, int]
) -> None:
    from samtrygg.public.statistics import public_statistics
    from tests.public.helpers import _today, add_incidents

    def table(stats: Any) -> dict[tuple[str, int], int]:
        return {(r.label, q): v for r in stats.rows for q, v in enumerate(r.cells)}

    with pytest.raises(RollbackError), transaction.atomic():
        add_incidents(world, {(c, q): 0 for c in CATEGORIES for q in range(4)})
        add_incidents(world, cells)
        today = _today()
        v1 = public_statistics(world.a, today)
        add_incidents(world, {late: 1})
        v2 = public_statistics(world.a, today)
        # The next quarter's release: three of its four quarters are this release's last three.
        next_release = public_statistics(world.a, today + timedelta(days=92))
        assert v1 is not None and v2 is not None and next_release is not None
        for stats in (v1, v2, next_release):
            numbers = [v for r in stats.rows for v in [*r.cells, r.total]]
            numbers += [*stats.column_totals, stats.grand_total, *(a.count for a in stats.areas)]
            assert not any(_small(v) for v in numbers)
            for r in stats.rows:
                assert r.total == sum(r.cells)
            assert stats.grand_total == sum(stats.column_totals) == sum(r.total for r in stats.rows)
        t1, t2, tn = table(v1), table(v2), table(next_release)
        if next_release.quarters[0].start == v1.quarters[1].start:
            for c in CATEGORIES:
                for q in range(3):
                    assert tn[(c, q)] == t2[(c, q + 1)]  # the same quarter, the same number
        for key in t1:
            if key != late:
                assert t1[key] == t2[key]  # untouched cells do not move
        # The attacker: the late cell before (atom 0) and the late report (atom 1).
        n = cells.get(late, 0)
        att = Attacker(2)
        att.saw([0], t1[late], K)
        att.saw([0, 1], t2[late], K)
        att.assert_not_recovered([0, 1], 1, K, "the late report")
        att.assert_not_recovered([1, 0], n, K, "the cell before")
        att.knows([1], 1, 1)  # even knowing exactly one report was added
        att.assert_not_recovered([1, 0], n, K, "the cell before, late known")
        # The area (every incident lies in Centrum) before and after.
        area1, area2 = v1.areas[0].count, v2.areas[0].count
        total = sum(cells.values())
        att = Attacker(2)
        att.saw([0], area1, K)
        att.saw([0, 1], area2, K)
        att.assert_not_recovered([1, 0], total, K, "the area before")
        att.assert_not_recovered([0, 1], 1, K, "the late report in the area")
        raise RollbackError
