"""The one test of a change between two periods, shared by the weekly picture and the lägesbild.

The weekly situational picture and the yearly lägesbild both tell a coordinator whether a
category or an area has changed against an earlier period. They must never disagree about the
same counts, so both call :func:`change_test`, which fixes the choice made here:

* the Poisson **E-test** (Krishnamoorthy & Thomson 2004; docs/methods-reference.md §5,
  "Count-change tests") with the periods' lengths in days as exposures, so periods of
  unequal length (a month of 28 against one of 31 days, a leap year) are compared fairly;
* **Holm's** correction over the family of categories (or areas) that have incidents in at
  least one of the two periods; a row with no incidents in either period is no test;
* a change is called only when the adjusted p is below :data:`ALPHA`.

The E-test is chosen over the exact conditional binomial test (also in docs/methods-reference.md
§5) because the conditional test is exact only by being conservative: conditioning on the total
makes its p-values discrete, and at the small counts of a week its real size lies well below the
nominal level. Krishnamoorthy & Thomson (2004) report that the E-test keeps close to the nominal
size while being more powerful than the conditional test, which matters when a week holds a
handful of incidents. It is also the default of
:func:`samtrygg.analysis.trends.compare_counts` and of ``samtrygg analyse trends``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final, Literal

import numpy as np
import numpy.typing as npt

from samtrygg.analysis.multiple_testing import holm
from samtrygg.analysis.trends import CountComparison, compare_counts

__all__ = ["ALPHA", "METHOD", "ChangeTest", "change_test"]

ALPHA: Final = 0.05
METHOD: Final[Literal["etest"]] = "etest"


@dataclass(frozen=True)
class ChangeTest:
    """Counts of two periods, tested with the product's one change test.

    Attributes
    ----------
    comparison : CountComparison
        Counts, expected counts, differences and the raw E-test p-values.
    tested : ndarray of bool
        Whether the row is a test (incidents in at least one period).
    p_adjusted : ndarray
        Holm-adjusted p-values over the tested rows; NaN for the rows that are no test.
    changed : ndarray of bool
        ``p_adjusted < ALPHA``: a change chance does not explain.
    """

    comparison: CountComparison
    tested: npt.NDArray[np.bool_]
    p_adjusted: npt.NDArray[np.float64]
    changed: npt.NDArray[np.bool_]


def change_test(
    current: npt.ArrayLike,
    previous: npt.ArrayLike,
    days_current: float,
    days_previous: float,
    labels: Sequence[str] | None = None,
) -> ChangeTest:
    """Test each row's count against an earlier period: E-test in days, Holm over the rows.

    Parameters
    ----------
    current, previous : array_like of int
        One count per category or area (or scalars) in the current and the earlier period.
    days_current, days_previous : float
        The periods' lengths in days (the exposures).
    labels : sequence of str, optional
        One name per row.

    Returns
    -------
    ChangeTest

    Examples
    --------
    >>> r = change_test([20, 5, 0], [2, 4, 0], 7, 7, labels=["a", "b", "c"])
    >>> r.tested.tolist(), r.changed.tolist()
    ([True, True, False], [True, False, False])
    >>> bool(np.isnan(r.p_adjusted[2]))
    True
    """
    comparison = compare_counts(
        current,
        previous,
        float(days_current),
        float(days_previous),
        alpha=ALPHA,
        method=METHOD,
        labels=None if labels is None else list(labels),
    )
    tested = (comparison.current + comparison.baseline) > 0
    adjusted = holm(np.where(tested, comparison.p_values, np.nan))
    changed = np.where(tested, adjusted < ALPHA, False)
    return ChangeTest(comparison, tested, adjusted, changed.astype(bool))
