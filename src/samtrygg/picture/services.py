"""The numbers of the situational picture ("lägesbilden"), computed in the database and in numpy.

Counts are grouped in the database (``values().annotate(Count)``); the annual cycle pulls one
column of epoch seconds per incident and hands it to :mod:`samtrygg.analysis.trends`; changes are
tested with the product's one change test, :func:`samtrygg.analysis.changes.change_test`
(the Poisson E-test, exposures in days, and Holm's correction over the categories;
docs/methods-reference.md §5), the same as the lägesbild. People who may not see every incident
in detail (viewers, reporters) get aggregates under the installation's cell-key rule
(docs/privacy.md, :mod:`samtrygg.partnerships.disclosure`): every count they see that covers
incidents they may not see in detail (the category, area and organisation tables, the changes,
the heat maps, the week's places, the map's squares and the exports built from them) is the
published value of its set of incidents, 0 or at least k, with totals as the sums of the
published parts. The same set of incidents always gets the same value, so two periods, a filter
and no filter, or the page before and after a late report cannot be subtracted to a small count.

The picture is built in one module per section, and this module gathers their public names so
that callers keep one import:

* :mod:`~samtrygg.picture.filters`: the user's filters and the incidents they select;
* :mod:`~samtrygg.picture.counts`: the count tables, published counts and number formatting;
* :mod:`~samtrygg.picture.changes`: the tested changes;
* :mod:`~samtrygg.picture.cycle`: the annual cycle's heat maps;
* :mod:`~samtrygg.picture.places`: the week's places;
* :mod:`~samtrygg.picture.police`: the police's events;
* :mod:`~samtrygg.picture.page`: the whole page (:func:`build_picture`);
* :mod:`~samtrygg.picture.mapdata`: the map's GeoJSON.
"""

from __future__ import annotations

from samtrygg.picture.changes import ChangeRow, ChangeTable, change_table, verdict
from samtrygg.picture.counts import (
    CountRow,
    CountTable,
    count_table,
    fmt_number,
    fmt_p,
    positions,
    publish_groups,
)
from samtrygg.picture.cycle import (
    CYCLE_CACHE_SECONDS,
    HeatCell,
    HeatMap,
    HourText,
    annual_cycle_maps,
    cached_hour_groups,
    cycle_heat_maps,
    heat_map,
    hour_groups,
    published_cycle_maps,
)
from samtrygg.picture.filters import (
    Filters,
    detail_queryset,
    in_period,
    incidents,
    sees_details,
    visible_part,
)
from samtrygg.picture.mapdata import MAX_POINTS, cell_features, map_data
from samtrygg.picture.page import Picture, build_picture
from samtrygg.picture.places import (
    PLACES,
    REPORTS_PER_PLACE,
    Place,
    ReportLine,
    cell_index,
    weekly_places,
)
from samtrygg.picture.police import PoliceTable, police_table

__all__ = [
    "CYCLE_CACHE_SECONDS",
    "MAX_POINTS",
    "PLACES",
    "REPORTS_PER_PLACE",
    "ChangeRow",
    "ChangeTable",
    "CountRow",
    "CountTable",
    "Filters",
    "HeatCell",
    "HeatMap",
    "HourText",
    "Picture",
    "Place",
    "PoliceTable",
    "ReportLine",
    "annual_cycle_maps",
    "build_picture",
    "cached_hour_groups",
    "cell_features",
    "cell_index",
    "change_table",
    "count_table",
    "cycle_heat_maps",
    "detail_queryset",
    "fmt_number",
    "fmt_p",
    "heat_map",
    "hour_groups",
    "in_period",
    "incidents",
    "map_data",
    "police_table",
    "positions",
    "publish_groups",
    "published_cycle_maps",
    "sees_details",
    "verdict",
    "visible_part",
    "weekly_places",
]
