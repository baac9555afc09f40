"""Synthetic EST reports for the Karlskoga–Degerfors demo: a documented, seeded generator.

Every incident is invented. The place names are real districts and landmarks, used only so that
the demo map is recognisable; the coordinates are approximate and the patterns say nothing about
the real places. Descriptions describe places and situations, never people.

The model
---------
1. **Places.** :data:`DEFAULT_PLACES`: centres, stations, schools, housing areas, an industrial
   area and a sports ground in Karlskoga (1883) and Degerfors (1862), each with an approximate
   lon/lat, a *kind*, a size ``weight`` and a spread ``spread_m`` (50–300 m). Points are drawn
   around the place from a circular Gaussian with standard deviation ``spread_m``, truncated at
   ``2.5 * spread_m`` (so every point stays in the town, well inside the municipality).
2. **Rates.** :data:`KIND_RATES` gives incidents per year of each category at a place of each
   kind; a place's rate is that times its ``weight`` (for example 40 klotter a year at a school,
   30 inbrott a year in a housing area, 40 youth gatherings a year in a town centre). Summed over
   the default places this is about 1,500 incidents a year including near repeats (item 6).
3. **Weekly rhythm.** Each category has a weekday × hour profile (:data:`WEEKLY`, local time
   Europe/Stockholm, normalised to mean 1): youth gatherings in the evenings, three times as
   often on Friday and Saturday evenings; klotter in the evenings; inbrott and brand at night;
   reports of lighting, unsafe places and incidents against staff in office hours; violence and
   drug dealing on weekend nights; litter found on weekend mornings; events at weekends.
4. **Seasonal rhythm.** Each category has twelve monthly multipliers (:data:`SEASONAL`, at
   mid-month, linearly interpolated by day of year, normalised to mean 1): buskörning from
   spring to late summer (20 times the winter level), litter and gatherings in summer, dark
   places and unsafe places in the dark autumn and winter, fewer incidents against school staff
   in the summer holidays.
5. **Real changes** (:data:`DEFAULT_CHANGES`), for tests and demonstrations to find: klotter at
   Centrumskolan rises fourfold in the last 8 weeks before ``end``; youth gatherings at Karlskoga
   busstation fall to 25 % after a measure 26 weeks before ``end`` (evening walks and new
   lighting). Everything else is stationary: no trends, only rhythm and chance.
6. **Near repeats** (self-exciting). Every inbrott, including a repeat, triggers
   ``Poisson(NEAR_REPEAT_BRANCHING = 0.5)`` further inbrott, each ``Exp(mean
   NEAR_REPEAT_MEAN_DAYS = 2)`` days later and a Gaussian ``NEAR_REPEAT_SPREAD_M = 60`` m away
   (kept within the place's truncation radius), so about half of all inbrott are near repeats
   of another, almost all within 200 m and 7 days.
7. **Counts and scaling.** The count of each place × category is Poisson with the expected value
   from items 2–5 over ``[start, end)``; the times are drawn from the hourly intensity, the minute
   uniformly. With ``n`` every rate is multiplied by one factor so that the expected total is
   ``n``; without it the rates are used as they are (about 3,000 incidents in two years).
8. **Reporting.** The reporting organisation is drawn from the place's organisations
   (:attr:`Place.organisations`; police weighted four times for våld/hot and misstänkt
   droghandel), keeping only those given; the own assessment 1–4 from a category-specific
   distribution (:data:`ASSESSMENT`); about 15 % are shared only within the organisation (half
   of incidents against staff and of social-media rumours). Some reports give a time band
   instead of an exact time (:data:`BANDED`: 60 % of inbrott, 50 % of klotter, found afterwards):
   morning 06–10, day 10–17, evening 17–22, night 22–06, or rarely the whole day; exact times are
   rounded to 5 minutes. A short Swedish description is picked from :data:`DESCRIPTIONS`.

Examples
--------
>>> from datetime import UTC, datetime
>>> rows = generate_incidents(500, end=datetime(2026, 6, 1, tzinfo=UTC), seed=1)
>>> 400 < len(rows) < 600, rows == generate_incidents(500, end=datetime(2026, 6, 1, tzinfo=UTC),
...                                                       seed=1)
(True, True)
>>> sorted({r.organisation for r in rows})[:2]
['bostadsbolaget', 'centrumskolan']
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np
import numpy.typing as npt

__all__ = [
    "CATEGORIES",
    "DEFAULT_CHANGES",
    "DEFAULT_PLACES",
    "DEMO_ORGANISATIONS",
    "Change",
    "Place",
    "SyntheticIncident",
    "generate_incidents",
]

LOCAL = ZoneInfo("Europe/Stockholm")
HOURS_PER_YEAR = 8766.0
METRES_PER_DEGREE = 111_320.0
TRUNCATE = 2.5  # points lie within TRUNCATE * spread_m of their place
NEAR_REPEAT_BRANCHING = 0.5
NEAR_REPEAT_MEAN_DAYS = 2.0
NEAR_REPEAT_SPREAD_M = 60.0
SHARED_WITHIN_ORGANISATION = 0.15

DEMO_ORGANISATIONS = (
    "karlskoga-kommun",
    "degerfors-kommun",
    "polisen-karlskoga",
    "bostadsbolaget",
    "centrumskolan",
)
POLICE = "polisen-karlskoga"

# The EST seed list, as in samtrygg.incidents.models.SEED_CATEGORIES (which imports Django).
CATEGORIES = (
    "skadegörelse/klotter",
    "brand",
    "otrygg plats",
    "belysning/mörk plats",
    "nedskräpning",
    "ungdomsgrupp/samling",
    "buskörning",
    "misstänkt droghandel",
    "våld/hot",
    "inbrott",
    "incident mot personal",
    "ryktesspridning i sociala medier",
    "arrangemang",
    "övrigt",
)
INBROTT = "inbrott"


@dataclass(frozen=True)
class Place:
    """A place that attracts incidents (model item 1)."""

    name: str
    lon: float
    lat: float
    spread_m: float
    kind: str
    municipality: str
    weight: float = 1.0
    organisations: tuple[tuple[str, float], ...] = ()


@dataclass(frozen=True)
class Change:
    """A real change (model item 5): ``factor`` times the rate from ``weeks_before_end`` on."""

    category: str
    place: str
    factor: float
    weeks_before_end: float
    label: str


@dataclass(frozen=True, slots=True)
class SyntheticIncident:
    """One synthetic EST incident (times timezone-aware UTC; time_band as in the Incident model)."""

    organisation: str
    category: str
    occurred_from: datetime
    occurred_to: datetime
    time_band: str
    lon: float
    lat: float
    place: str
    assessment: int
    description: str
    sharing: str
    near_repeat: bool


_K = (("karlskoga-kommun", 0.6), (POLICE, 0.4))
_D = (("degerfors-kommun", 0.7), (POLICE, 0.3))
_HOUSING = (("bostadsbolaget", 0.7), ("karlskoga-kommun", 0.15), (POLICE, 0.15))
DEFAULT_PLACES = (
    Place("Karlskoga centrum", 14.524, 59.327, 200, "centre", "1883", 1.0, _K),
    Place("Karlskoga busstation", 14.5185, 59.3262, 80, "station", "1883", 1.0, _K),
    Place(
        "Centrumskolan", 14.531, 59.331, 100, "school", "1883", 1.2,
        (("centrumskolan", 0.7), ("karlskoga-kommun", 0.2), (POLICE, 0.1)),
    ),
    Place(
        "Rävåsens skola", 14.509, 59.339, 90, "school", "1883", 0.8,
        (("karlskoga-kommun", 0.8), (POLICE, 0.2)),
    ),
    Place("Rävåsen", 14.505, 59.337, 250, "housing", "1883", 1.0, _HOUSING),
    Place("Baggängen", 14.553, 59.333, 220, "housing", "1883", 0.9, _HOUSING),
    Place("Bregården", 14.512, 59.318, 200, "housing", "1883", 0.8, _HOUSING),
    Place("Bofors industriområde", 14.555, 59.313, 300, "industry", "1883", 1.0, _K),
    Place("Degerfors centrum", 14.434, 59.238, 150, "centre", "1862", 0.5, _D),
    Place("Degerfors resecentrum", 14.4375, 59.2355, 60, "station", "1862", 0.4, _D),
    Place("Stora Vall", 14.438, 59.243, 120, "leisure", "1862", 0.6, _D),
    Place("Degerfors skolområde", 14.428, 59.241, 110, "school", "1862", 0.6, _D),
)  # fmt: skip

# Incidents per year at a place of each kind, in the order of CATEGORIES (model item 2).
KIND_RATES: Mapping[str, tuple[float, ...]] = {
    "centre": (40, 6, 20, 8, 35, 40, 8, 12, 25, 6, 4, 5, 10, 15),
    "station": (25, 3, 20, 6, 20, 45, 3, 10, 15, 1, 3, 2, 1, 8),
    "school": (40, 6, 5, 8, 15, 15, 8, 3, 6, 5, 12, 10, 3, 8),
    "housing": (15, 6, 8, 10, 12, 10, 10, 3, 4, 30, 1, 1, 1, 8),
    "industry": (10, 5, 2, 4, 6, 2, 8, 1, 1, 15, 0, 0, 0, 5),
    "leisure": (6, 3, 3, 3, 25, 20, 6, 3, 6, 1, 1, 1, 15, 4),
}

# Weekly profiles (model item 3): (weekdays, hours, weight) blocks on a base level.
_EVENING = range(17, 23)
_FRI_SAT = (4, 5)
_WEEKDAYS = (0, 1, 2, 3, 4)
_ALL = tuple(range(7))
_Block = tuple[tuple[int, ...], Sequence[int], float]
_PROFILES: Mapping[str, tuple[float, tuple[_Block, ...]]] = {
    "youth": (0.05, ((_ALL, range(15, 18), 0.5), (_ALL, range(18, 24), 1.0),
                     (_FRI_SAT, range(18, 24), 3.0), ((5, 6), range(0, 2), 2.0))),
    "evening": (0.2, ((_WEEKDAYS, range(8, 16), 0.4), (_ALL, _EVENING, 1.0),
                      (_FRI_SAT, _EVENING, 1.5), ((5, 6), range(0, 3), 0.8))),
    "night": (0.3, ((_ALL, range(22, 24), 1.0), (_ALL, range(0, 6), 1.0),
                    (_WEEKDAYS, range(9, 16), 0.5))),
    "office": (0.1, ((_WEEKDAYS, range(8, 17), 1.0), (_WEEKDAYS, _EVENING, 0.2))),
    "weekend_night": (0.2, ((_ALL, range(19, 24), 0.6), (_FRI_SAT, range(20, 24), 2.0),
                            ((5, 6), range(0, 4), 2.0), (_WEEKDAYS[1:], range(0, 3), 0.4))),
    "driving": (0.1, ((_ALL, range(16, 23), 1.0), ((5, 6), range(12, 16), 0.8))),
    "morning_after": (0.2, (((5, 6, 0), range(6, 13), 1.0), (_ALL, range(10, 17), 0.4))),
    "weekend": (0.1, (((4, 5, 6), range(12, 23), 1.0),)),
    "day": (0.2, ((_ALL, range(8, 21), 1.0),)),
}  # fmt: skip
WEEKLY: Mapping[str, str] = dict(
    zip(
        CATEGORIES,
        ("evening", "night", "office", "office", "morning_after", "youth", "driving",
         "weekend_night", "weekend_night", "night", "office", "day", "weekend", "day"),
        strict=True,
    )
)  # fmt: skip

# Monthly multipliers, January to December (model item 4).
_FLAT = (1.0,) * 12
SEASONAL: Mapping[str, tuple[float, ...]] = {
    "skadegörelse/klotter": (0.8, 0.8, 0.9, 1.1, 1.2, 1.1, 0.7, 1.0, 1.2, 1.2, 1.0, 0.9),
    "brand": (1.3, 0.8, 0.8, 1.3, 1.0, 1.0, 1.0, 0.9, 0.8, 0.9, 1.0, 1.4),
    "otrygg plats": (1.4, 1.2, 1.0, 0.8, 0.7, 0.6, 0.6, 0.8, 1.0, 1.3, 1.5, 1.5),
    "belysning/mörk plats": (1.6, 1.3, 0.9, 0.6, 0.4, 0.3, 0.3, 0.5, 0.9, 1.4, 1.8, 1.9),
    "nedskräpning": (0.6, 0.6, 0.7, 0.9, 1.2, 1.4, 1.5, 1.4, 1.0, 0.9, 0.8, 0.7),
    "ungdomsgrupp/samling": (0.6, 0.6, 0.8, 1.0, 1.2, 1.4, 1.3, 1.3, 1.1, 1.2, 1.0, 0.8),
    "buskörning": (0.1, 0.1, 0.4, 1.2, 2.0, 2.2, 2.0, 1.8, 1.0, 0.5, 0.2, 0.1),
    "misstänkt droghandel": _FLAT,
    "våld/hot": (0.9, 0.9, 0.9, 1.0, 1.1, 1.2, 1.2, 1.1, 1.0, 1.0, 0.9, 1.1),
    "inbrott": (1.1, 1.0, 0.9, 0.8, 0.8, 0.9, 1.1, 1.0, 0.9, 1.2, 1.3, 1.2),
    "incident mot personal": (1.0, 1.1, 1.1, 1.1, 1.1, 0.6, 0.1, 0.6, 1.1, 1.1, 1.1, 0.8),
    "ryktesspridning i sociala medier": _FLAT,
    "arrangemang": (0.5, 0.5, 0.6, 0.8, 1.2, 1.6, 1.8, 1.5, 1.0, 0.7, 0.6, 1.2),
    "övrigt": _FLAT,
}

DEFAULT_CHANGES = (
    Change("skadegörelse/klotter", "Centrumskolan", 4.0, 8,
           "Ökning: klotter vid Centrumskolan de senaste 8 veckorna"),
    Change("ungdomsgrupp/samling", "Karlskoga busstation", 0.25, 26,
           "Minskning efter åtgärd (kvällsvandringar och ny belysning) för 26 veckor sedan"),
)  # fmt: skip

# Own assessment 1-4 (model item 8): probabilities of 1, 2, 3, 4.
_SERIOUS = (0.05, 0.25, 0.4, 0.3)
_MINOR = (0.5, 0.35, 0.12, 0.03)
_USUAL = (0.25, 0.4, 0.25, 0.1)
ASSESSMENT: Mapping[str, tuple[float, ...]] = {
    c: _SERIOUS
    if c in ("brand", "misstänkt droghandel", "våld/hot", "incident mot personal")
    else _MINOR
    if c in ("nedskräpning", "belysning/mörk plats", "övrigt", "arrangemang")
    else _USUAL
    for c in CATEGORIES
}
BANDED: Mapping[str, float] = {"inbrott": 0.6, "skadegörelse/klotter": 0.5, "nedskräpning": 0.4}
BANDED_OTHERWISE = 0.15
PRIVATE: Mapping[str, float] = {
    "incident mot personal": 0.5,
    "ryktesspridning i sociala medier": 0.5,
}

DESCRIPTIONS: Mapping[str, tuple[str, ...]] = {
    "skadegörelse/klotter": (
        "Klotter på fasaden vid {place}.",
        "Krossad ruta vid entrén, {place}.",
        "Nya taggar på busskuren vid {place}.",
        "Sönderslagen papperskorg vid {place}.",
        "Skadegörelse på cykelställ vid {place}.",
    ),
    "brand": (
        "Brand i papperskorg vid {place}, släckt på plats.",
        "Containerbrand vid {place}, räddningstjänsten kom.",
        "Anlagd brand i soprum, {place}.",
        "Rök från buskage vid {place}, släckt snabbt.",
    ),
    "otrygg plats": (
        "Gångtunneln vid {place} upplevs som otrygg kvällstid.",
        "Skymd gångväg vid {place}, känns otrygg.",
        "Otrygg passage mellan husen vid {place}.",
    ),
    "belysning/mörk plats": (
        "Trasig gatubelysning längs gångvägen vid {place}.",
        "Mörkt vid cykelparkeringen, {place}.",
        "Belysningen vid entrén är ur funktion, {place}.",
    ),
    "nedskräpning": (
        "Mycket skräp och glasflaskor vid {place}.",
        "Nedskräpning efter helgen vid {place}.",
        "Dumpade sopsäckar vid {place}.",
    ),
    "ungdomsgrupp/samling": (
        "Större grupp ungdomar samlades vid {place} under kvällen.",
        "Samling med hög musik vid {place}, lugnt efter en stund.",
        "Grupp med mopeder samlades vid {place}.",
    ),
    "buskörning": (
        "Buskörning med moped på gång- och cykelvägen vid {place}.",
        "Mopeder och epatraktorer körde runt vid {place}.",
        "Motocross på grönområdet vid {place}.",
    ),
    "misstänkt droghandel": (
        "Misstänkta överlämningar vid {place}, återkommande kvällstid.",
        "Spår av narkotikahantering hittade vid {place}.",
    ),
    "våld/hot": (
        "Bråk mellan några personer vid {place}, polis kallades.",
        "Hotfull stämning vid {place}, löstes på plats.",
    ),
    "inbrott": (
        "Inbrott i källarförråd, {place}.",
        "Uppbrutet cykelrum vid {place}.",
        "Försök till inbrott i lägenhet, {place}.",
        "Inbrott i bod vid {place}.",
    ),
    "incident mot personal": (
        "Personal utsattes för hot vid {place}.",
        "Personal fick glåpord vid entrén, {place}.",
    ),
    "ryktesspridning i sociala medier": (
        "Rykten i sociala medier om bråk vid {place} skapar oro.",
        "Inlägg i sociala medier uppmanar till samling vid {place}.",
    ),
    "arrangemang": (
        "Arrangemang vid {place}, många besökare under kvällen.",
        "Evenemang vid {place}, extra vakter på plats.",
    ),
    "övrigt": (
        "Övergivna cyklar vid {place}.",
        "Kundvagnar dumpade vid {place}.",
        "Övrig iakttagelse vid {place}.",
    ),
}

# Time bands (model item 8): name, local start hour, length in hours.
_BANDS = (("morning", 6, 4), ("day", 10, 7), ("evening", 17, 5), ("night", 22, 8))

FloatArray = npt.NDArray[np.float64]


def generate_incidents(
    n: int | None = None,
    *,
    start: datetime | None = None,
    end: datetime | None = None,
    seed: int = 2026,
    places: Sequence[Place] = DEFAULT_PLACES,
    organisations: Sequence[str] = DEMO_ORGANISATIONS,
    categories: Sequence[str] = CATEGORIES,
    changes: Sequence[Change] = DEFAULT_CHANGES,
) -> list[SyntheticIncident]:
    """Generate synthetic EST incidents by the model in the module docstring.

    Parameters
    ----------
    n : int, optional
        Expected number of incidents; every rate is scaled to give it. Default: the rates as
        they are, about 1,500 a year.
    start, end : datetime, optional
        Timezone-aware period ``[start, end)``; ``end`` defaults to the start of the current
        hour (UTC), ``start`` to two years (730 days) before ``end``.
    seed : int
        Seed of ``numpy.random.default_rng``; the same arguments give the same incidents.
    places, organisations, categories, changes
        The places, the organisation slugs that may report, the category names that exist
        (others in the model are left out) and the real changes.

    Returns
    -------
    list of SyntheticIncident
        Sorted by ``occurred_from``.

    Examples
    --------
    >>> start, end = datetime(2025, 1, 1, tzinfo=UTC), datetime(2025, 3, 1, tzinfo=UTC)
    >>> incidents = generate_incidents(50, start=start, end=end, seed=1)
    >>> all(start <= i.occurred_from < end for i in incidents)
    True
    >>> incidents == generate_incidents(50, start=start, end=end, seed=1)
    True
    """
    end = _aware(end, "end") if end is not None else _this_hour()
    start = _aware(start, "start") if start is not None else end - timedelta(days=730)
    if start >= end:
        raise ValueError(f"start {start.isoformat()} must be before end {end.isoformat()}.")
    if n is not None and (isinstance(n, bool) or not isinstance(n, int) or n < 1):
        raise ValueError(f"n {n!r} must be a positive whole number, such as 3000.")
    if not places:
        raise ValueError("places is empty; give at least one Place.")
    if not organisations:
        raise ValueError("organisations is empty; give at least one organisation slug.")
    wanted = [c for c in CATEGORIES if c in set(categories)]
    if not wanted:
        raise ValueError(f"None of the categories {list(categories)!r} is in the model.")
    rng = np.random.default_rng(seed)
    hours = _HourGrid(start, end)

    # Items 2-5: the hourly intensity of every place x category, and its expected count.
    cells: list[tuple[int, str, FloatArray]] = []
    for c in wanted:
        shape = hours.weekly(WEEKLY[c]) * hours.seasonal(SEASONAL[c]) / HOURS_PER_YEAR
        for p, place in enumerate(places):
            rate = KIND_RATES[place.kind][CATEGORIES.index(c)] * place.weight
            if rate <= 0:
                continue
            intensity = rate * shape
            for change in changes:
                if change.category == c and change.place == place.name:
                    after = end - timedelta(weeks=change.weeks_before_end)
                    intensity = np.where(
                        hours.utc >= _to64(after), intensity * change.factor, intensity
                    )
            cells.append((p, c, intensity))
    expected = sum(float(i.sum()) for _, c, i in cells)
    expected += sum(float(i.sum()) for _, c, i in cells if c == INBROTT) * (
        NEAR_REPEAT_BRANCHING / (1 - NEAR_REPEAT_BRANCHING)
    )
    scale = 1.0 if n is None else n / expected

    # Items 1 and 7: counts, times and points of the background incidents.
    place_idx: list[FloatArray] = []
    cat_idx: list[FloatArray] = []
    times: list[FloatArray] = []
    for p, c, intensity in cells:
        total = float(intensity.sum())
        count = int(rng.poisson(total * scale))
        if count == 0:
            continue
        slot = rng.choice(intensity.size, size=count, p=intensity / total)
        offset = hours.seconds[slot] + rng.uniform(0.0, 3600.0, count)
        times.append(np.minimum(offset, hours.span - 1.0))
        place_idx.append(np.full(count, p, dtype=float))
        cat_idx.append(np.full(count, wanted.index(c), dtype=float))
    t = np.concatenate(times) if times else np.zeros(0)
    pi = np.concatenate(place_idx).astype(np.int64) if times else np.zeros(0, np.int64)
    ci = np.concatenate(cat_idx).astype(np.int64) if times else np.zeros(0, np.int64)
    spread = np.array([pl.spread_m for pl in places])[pi]
    dx, dy = _truncated_gaussian(rng, spread)
    repeat = np.zeros(t.size, dtype=bool)

    # Item 6: near repeats of inbrott, generation by generation.
    if INBROTT in wanted:
        parents = np.flatnonzero(ci == wanted.index(INBROTT))
        while parents.size:
            kids = rng.poisson(NEAR_REPEAT_BRANCHING, parents.size)
            parent = np.repeat(parents, kids)
            lag = rng.exponential(NEAR_REPEAT_MEAN_DAYS * 86400.0, parent.size)
            keep = t[parent] + lag < hours.span
            parent, lag = parent[keep], lag[keep]
            radius = TRUNCATE * spread[parent]
            kx = dx[parent] + rng.normal(0.0, NEAR_REPEAT_SPREAD_M, parent.size)
            ky = dy[parent] + rng.normal(0.0, NEAR_REPEAT_SPREAD_M, parent.size)
            shrink = np.minimum(1.0, radius / np.maximum(np.hypot(kx, ky), 1e-9))
            first = t.size
            t = np.concatenate([t, t[parent] + lag])
            pi = np.concatenate([pi, pi[parent]])
            ci = np.concatenate([ci, ci[parent]])
            spread = np.concatenate([spread, spread[parent]])
            dx = np.concatenate([dx, kx * shrink])
            dy = np.concatenate([dy, ky * shrink])
            repeat = np.concatenate([repeat, np.ones(parent.size, dtype=bool)])
            parents = np.arange(first, t.size)

    order = np.argsort(t, kind="stable")
    rows = _incidents(rng, hours, places, organisations, wanted, t, pi, ci, dx, dy, repeat, order)
    rows.sort(key=lambda r: r.occurred_from)
    return rows


def _incidents(
    rng: np.random.Generator,
    hours: _HourGrid,
    places: Sequence[Place],
    organisations: Sequence[str],
    wanted: list[str],
    t: FloatArray,
    pi: npt.NDArray[np.int64],
    ci: npt.NDArray[np.int64],
    dx: FloatArray,
    dy: FloatArray,
    repeat: npt.NDArray[np.bool_],
    order: npt.NDArray[np.int64],
) -> list[SyntheticIncident]:
    """Item 8: organisation, assessment, time band, description and sharing of each incident."""
    size = t.size
    u_org, u_band, u_whole, u_share = (rng.random(size) for _ in range(4))
    u_assess, u_text = rng.random(size), rng.random(size)
    lat0 = np.array([pl.lat for pl in places])[pi]
    lon0 = np.array([pl.lon for pl in places])[pi]
    lat = lat0 + dy / METRES_PER_DEGREE
    lon = lon0 + dx / (METRES_PER_DEGREE * np.cos(np.radians(lat0)))
    org_table = {(p, c): _organisation_weights(places[p], c, organisations)
                 for p in range(len(places)) for c in wanted}  # fmt: skip
    out: list[SyntheticIncident] = []
    for k in order:
        category = wanted[ci[k]]
        place = places[pi[k]]
        slugs, cumulative = org_table[(pi[k], category)]
        organisation = slugs[int(np.searchsorted(cumulative, u_org[k] * cumulative[-1]))]
        moment = hours.start + timedelta(seconds=float(t[k]))
        banded = u_band[k] < BANDED.get(category, BANDED_OTHERWISE)
        occurred = _band(moment, u_whole[k] < 0.1, hours) if banded else None
        if occurred is None:
            exact = _round5(moment, hours)
            occurred = (exact, exact, "exact")
        assessment = 1 + int(np.searchsorted(np.cumsum(ASSESSMENT[category]), u_assess[k] * 0.9999))
        texts = DESCRIPTIONS[category]
        text = texts[int(u_text[k] * len(texts))].format(place=place.name)
        private = u_share[k] < PRIVATE.get(category, SHARED_WITHIN_ORGANISATION)
        out.append(
            SyntheticIncident(
                organisation=organisation,
                category=category,
                occurred_from=occurred[0],
                occurred_to=occurred[1],
                time_band=occurred[2],
                lon=round(float(lon[k]), 6),
                lat=round(float(lat[k]), 6),
                place=place.name,
                assessment=assessment,
                description=text,
                sharing="organisation" if private else "partnership",
                near_repeat=bool(repeat[k]),
            )
        )
    return out


class _HourGrid:
    """The hours of ``[start, end)`` with their local weekday, hour and day of year."""

    def __init__(self, start: datetime, end: datetime) -> None:
        self.start = start.astimezone(UTC)
        self.end = end.astimezone(UTC)
        self.span = (self.end - self.start).total_seconds()
        count = math.ceil(self.span / 3600.0)
        self.seconds: FloatArray = np.arange(count, dtype=np.float64) * 3600.0
        self.utc = _to64(self.start) + (self.seconds * 1e6).astype("timedelta64[us]")
        local = [
            (self.start + timedelta(hours=h)).astimezone(LOCAL).replace(tzinfo=None)
            for h in range(count)
        ]
        self.weekday = np.array([d.weekday() for d in local], dtype=np.int64)
        self.hour = np.array([d.hour for d in local], dtype=np.int64)
        self.doy = np.array([d.timetuple().tm_yday - 1 + d.hour / 24 for d in local], dtype=float)

    def weekly(self, profile: str) -> FloatArray:
        base, blocks = _PROFILES[profile]
        table = np.full((7, 24), base)
        for days, hrs, weight in blocks:
            table[np.ix_(list(days), list(hrs))] = weight
        table /= table.mean()
        return np.asarray(table[self.weekday, self.hour], dtype=np.float64)

    def seasonal(self, months: Sequence[float]) -> FloatArray:
        values = np.asarray(months, dtype=float) / float(np.mean(months))
        mid = (np.arange(12) + 0.5) * 365.25 / 12
        return np.asarray(np.interp(self.doy, mid, values, period=365.25), dtype=np.float64)


def _organisation_weights(
    place: Place, category: str, organisations: Sequence[str]
) -> tuple[list[str], FloatArray]:
    weights = {
        slug: w
        * (4.0 if slug == POLICE and category in ("våld/hot", "misstänkt droghandel") else 1)
        for slug, w in place.organisations
        if slug in organisations
    }
    if not weights:
        weights = {slug: 1.0 for slug in organisations}
    return list(weights), np.cumsum(list(weights.values()))


def _truncated_gaussian(
    rng: np.random.Generator, spread: FloatArray
) -> tuple[FloatArray, FloatArray]:
    dx = rng.normal(0.0, 1.0, spread.size)
    dy = rng.normal(0.0, 1.0, spread.size)
    outside = np.hypot(dx, dy) > TRUNCATE
    while outside.any():
        dx[outside] = rng.normal(0.0, 1.0, int(outside.sum()))
        dy[outside] = rng.normal(0.0, 1.0, int(outside.sum()))
        outside = np.hypot(dx, dy) > TRUNCATE
    return dx * spread, dy * spread


def _band(
    moment: datetime, whole_day: bool, hours: _HourGrid
) -> tuple[datetime, datetime, str] | None:
    """The local time band around ``moment`` in UTC, or None when it reaches outside the period."""
    local = moment.astimezone(LOCAL)
    day = local.replace(hour=0, minute=0, second=0, microsecond=0, tzinfo=None)
    if whole_day:
        name, begin, length = "unknown", day, 24
    else:
        name, start_hour, length = next(
            (b for b in _BANDS if b[1] <= local.hour < b[1] + b[2]), _BANDS[-1]
        )
        if local.hour < 6:
            day -= timedelta(days=1)
        begin = day + timedelta(hours=start_hour)
    finish = begin + timedelta(hours=length)
    frm = begin.replace(tzinfo=LOCAL).astimezone(UTC)
    to = finish.replace(tzinfo=LOCAL).astimezone(UTC)
    if frm < hours.start or to > hours.end:
        return None
    return frm, to, name


def _round5(moment: datetime, hours: _HourGrid) -> datetime:
    rounded = moment.replace(second=0, microsecond=0) - timedelta(minutes=moment.minute % 5)
    return max(rounded, hours.start)


def _aware(value: datetime, name: str) -> datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} {value.isoformat()} must be timezone-aware (for example UTC).")
    return value.astimezone(UTC)


def _this_hour() -> datetime:
    return datetime.now(UTC).replace(minute=0, second=0, microsecond=0)


def _to64(value: datetime) -> np.datetime64:
    return np.datetime64(value.astimezone(UTC).replace(tzinfo=None), "us")
