"""The one-way count tables (category, area, organisation) and the formatting they share.

For readers of aggregates every count comes from :func:`publish_groups`, the installation's
cell-key rule (:mod:`samtrygg.partnerships.disclosure`); a total is the sum of the parts shown.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
from django.utils import formats
from django.utils.translation import gettext as _

from samtrygg.analysis import disclosure
from samtrygg.partnerships.disclosure import disclosure_rule


def fmt_number(value: float, decimals: int = 0) -> str:
    return str(formats.number_format(round(value, decimals), decimals))


def fmt_p(p: float) -> str:
    if p < 0.001:
        return "< " + fmt_number(0.001, 3)
    return "= " + fmt_number(p, 3)


def publish_groups(ids: npt.ArrayLike, groups: npt.ArrayLike, n_groups: int) -> list[int]:
    """Published counts of records grouped into ``n_groups`` cells (the installation's rule)."""
    return disclosure_rule().publish(ids, groups, n_groups).tolist()  # type: ignore[no-any-return]


def positions(values: Sequence[Any], order: Sequence[Any]) -> npt.NDArray[np.int64]:
    """The position in ``order`` of each value (for grouping ids by category, area, …)."""
    where = {v: i for i, v in enumerate(order)}
    return np.array([where[v] for v in values], dtype=np.int64)


@dataclass(frozen=True)
class CountRow:
    label: str
    count: int

    @property
    def text(self) -> str:
        return str(self.count)


@dataclass(frozen=True)
class CountTable:
    caption: str
    heading: str
    rows: list[CountRow]
    total: CountRow
    perturbed: bool


def count_table(
    caption: str, heading: str, labels: Sequence[str], counts: Sequence[int], perturbed: bool
) -> CountTable:
    """A one-way table with its total (the sum of the rows shown, exact or perturbed)."""
    rows = [CountRow(lab, int(v)) for lab, v in zip(labels, counts, strict=True)]
    total = CountRow(_("Total"), disclosure.additive_total(counts))
    return CountTable(caption, heading, rows, total, perturbed=perturbed)
