"""Did a measure work? Weighted displacement difference (WDD), WDQ and total net effect.

These need only eight counts (treated, control and optional displacement areas, before and
after), so a coordinator can use them with the police's own figures. See
docs/methods-reference.md §9.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

# scipy.stats.norm.sf(x) is ndtr(-x) and norm.ppf(q) is ndtri(q), bit for bit; scipy.special
# alone spares the command the import of scipy.stats (~0.3 s).
from scipy.special import ndtr, ndtri

from samtrygg.analysis.errors import InputError

__all__ = ["WddResult", "WdqResult", "wdd", "wdq"]


def _count(value: float | None, name: str) -> float:
    if value is None:
        return 0.0
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise InputError(f"{name} must be a count, got {value!r}.")
    v = float(value)
    if not math.isfinite(v) or v < 0:
        raise InputError(f"{name} must be a finite count of at least 0, got {value!r}.")
    return v


def _weights(values: Sequence[float], n: int, name: str) -> tuple[float, ...]:
    out = tuple(float(v) for v in values)
    if len(out) != n:
        raise InputError(f"{name} must have {n} values, got {len(out)}.")
    if not all(math.isfinite(v) and v > 0 for v in out):
        raise InputError(f"{name} must be positive numbers, got {tuple(values)!r}.")
    return out


@dataclass(frozen=True)
class WddResult:
    """The weighted displacement difference test (Wheeler & Ratcliffe 2018).

    Attributes
    ----------
    estimate : float
        Total WDD = local + displacement; negative means crime fell more in the treated area.
    variance, se, z, p_value : float
        ``z = WDD / √Var``; two-sided normal p-value.
    ci_low, ci_high : float
        ``WDD ± z_{1−α/2} √Var``.
    local, local_variance : float
        ``ΔT − ΔC`` and its variance.
    displacement, displacement_variance : float
        ``ΔD − ΔD_C`` (0 without displacement areas) and its variance.
    alpha : float
    has_displacement : bool
    counts : dict
        The eight weighted counts used (count / weight).
    """

    estimate: float
    variance: float
    se: float
    z: float
    p_value: float
    ci_low: float
    ci_high: float
    local: float
    local_variance: float
    displacement: float
    displacement_variance: float
    alpha: float
    has_displacement: bool
    counts: dict[str, float]


def wdd(
    treated_before: float,
    treated_after: float,
    control_before: float,
    control_after: float,
    displacement_before: float | None = None,
    displacement_after: float | None = None,
    displacement_control_before: float | None = None,
    displacement_control_after: float | None = None,
    *,
    time_weights: Sequence[float] = (1.0, 1.0),
    area_weights: Sequence[float] = (1.0, 1.0, 1.0, 1.0),
    alpha: float = 0.05,
) -> WddResult:
    """The weighted displacement difference with its variance, z, p-value and CI.

    Parameters
    ----------
    treated_before, treated_after, control_before, control_after : float
        Counts in the treated and control areas before and after the measure.
    displacement_before, displacement_after : float, optional
        Counts in the buffer around the treated area (displacement/diffusion).
    displacement_control_before, displacement_control_after : float, optional
        Counts in the control area's buffer.
    time_weights : (before, after)
        Lengths of the periods (e.g. in months) when they differ.
    area_weights : (treated, control, displacement, displacement_control)
        Relative sizes of the areas when they differ.
    alpha : float
        For the confidence interval.

    Returns
    -------
    WddResult

    Notes
    -----
    With Δ = after − before, WDD = ΔT − ΔC + ΔD − ΔD_C and Var = the sum of the eight counts
    (Poisson). A count x whose period and area weights multiply to u enters the estimate as
    x/u and the variance as x/u² (Wheeler & Ratcliffe 2018, *Crime Science* 7:11).

    Examples
    --------
    >>> r = wdd(60, 40, 50, 50)
    >>> r.estimate, r.variance, round(r.z, 3)
    (-20.0, 200.0, -1.414)
    """
    if not (isinstance(alpha, (int, float)) and 0.0 < alpha < 1.0):
        raise InputError(f"alpha must lie strictly between 0 and 1, got {alpha!r}.")
    tb, ta = _weights(time_weights, 2, "time_weights")
    wt, wc, wd, wdc = _weights(area_weights, 4, "area_weights")
    disp = (displacement_before, displacement_after,
            displacement_control_before, displacement_control_after)  # fmt: skip
    has_disp = any(v is not None for v in disp)
    if has_disp and any(v is None for v in disp):
        raise InputError(
            "Give all four displacement counts (treated and control buffers, before and after), "
            "or none."
        )
    raw = {
        "treated_before": (_count(treated_before, "treated_before"), wt * tb),
        "treated_after": (_count(treated_after, "treated_after"), wt * ta),
        "control_before": (_count(control_before, "control_before"), wc * tb),
        "control_after": (_count(control_after, "control_after"), wc * ta),
        "displacement_before": (_count(disp[0], "displacement_before"), wd * tb),
        "displacement_after": (_count(disp[1], "displacement_after"), wd * ta),
        "displacement_control_before": (_count(disp[2], "displacement_control_before"), wdc * tb),
        "displacement_control_after": (_count(disp[3], "displacement_control_after"), wdc * ta),
    }
    est = {k: x / u for k, (x, u) in raw.items()}
    var = {k: x / u**2 for k, (x, u) in raw.items()}
    local = (est["treated_after"] - est["treated_before"]) - (
        est["control_after"] - est["control_before"]
    )
    displacement = (est["displacement_after"] - est["displacement_before"]) - (
        est["displacement_control_after"] - est["displacement_control_before"]
    )
    names = list(raw)
    local_var = sum(var[k] for k in names[:4])
    disp_var = sum(var[k] for k in names[4:])
    total = local + displacement
    variance = local_var + disp_var
    se = math.sqrt(variance)
    if se > 0:
        z = total / se
        p = float(2.0 * ndtr(-abs(z)))
    else:
        z, p = math.nan, math.nan
    q = float(ndtri(1.0 - alpha / 2.0))
    return WddResult(
        estimate=total,
        variance=variance,
        se=se,
        z=z,
        p_value=p,
        ci_low=total - q * se,
        ci_high=total + q * se,
        local=local,
        local_variance=local_var,
        displacement=displacement,
        displacement_variance=disp_var,
        alpha=float(alpha),
        has_displacement=has_disp,
        counts=est,
    )


@dataclass(frozen=True)
class WdqResult:
    """Weighted displacement quotient and total net effect (Bowers & Johnson 2003).

    Attributes
    ----------
    wdq : float
        ``(D_a/C_a − D_b/C_b) / (R_a/C_a − R_b/C_b)``; NaN when the denominator is 0.
    success_measure : float
        The denominator ``R_a/C_a − R_b/C_b``; the WDQ is meaningful only when it is < 0.
    buffer_measure : float
        The numerator ``D_a/C_a − D_b/C_b``.
    meaningful : bool
        ``success_measure < 0``.
    interpretation : str
        "diffusion exceeds direct effect" (> 1), "diffusion" (0–1], "none" (0),
        "partial displacement" ([−1, 0)), "backfire" (< −1), or "not meaningful".
    tne : float
        ``[R_b·C_a/C_b − R_a] + [D_b·C_a/C_b − D_a]``: crimes prevented (positive) in the
        treated and buffer areas together, after the control trend.
    tne_treated, tne_buffer : float
        The two brackets.
    """

    wdq: float
    success_measure: float
    buffer_measure: float
    meaningful: bool
    interpretation: str
    tne: float
    tne_treated: float
    tne_buffer: float


def wdq(
    treated_before: float,
    treated_after: float,
    buffer_before: float,
    buffer_after: float,
    control_before: float,
    control_after: float,
) -> WdqResult:
    """The weighted displacement quotient and the total net effect.

    Parameters
    ----------
    treated_before, treated_after : float
        Counts in the treated area R before and after.
    buffer_before, buffer_after : float
        Counts in the buffer (displacement) area D.
    control_before, control_after : float
        Counts in the control area C.

    Returns
    -------
    WdqResult
        WDQ, its reading and the total net effect.

    Notes
    -----
    R = treated, D = buffer, C = control; b = before, a = after. Bowers & Johnson (2003),
    *J Quant Criminol* 19:275–301 (formulas as in docs/methods-reference.md §9, not yet checked
    against the paper).

    Examples
    --------
    >>> r = wdq(100, 60, 50, 40, 200, 200)
    >>> round(r.wdq, 6), r.interpretation, r.tne
    (0.25, 'diffusion', 50.0)
    """
    rb, ra = _count(treated_before, "treated_before"), _count(treated_after, "treated_after")
    db, da = _count(buffer_before, "buffer_before"), _count(buffer_after, "buffer_after")
    cb, ca = _count(control_before, "control_before"), _count(control_after, "control_after")
    if cb == 0 or ca == 0:
        raise InputError(
            "control_before and control_after must be positive; the control area anchors the "
            "comparison."
        )
    success = ra / ca - rb / cb
    buffer = da / ca - db / cb
    meaningful = success < 0
    q = buffer / success if success != 0 else math.nan
    if not meaningful:
        label = "not meaningful"
    elif q > 1:
        label = "diffusion exceeds direct effect"
    elif q > 0:
        label = "diffusion"
    elif q == 0:
        label = "none"
    elif q >= -1:
        label = "partial displacement"
    else:
        label = "backfire"
    tne_r = rb * ca / cb - ra
    tne_d = db * ca / cb - da
    return WdqResult(
        wdq=q,
        success_measure=success,
        buffer_measure=buffer,
        meaningful=meaningful,
        interpretation=label,
        tne=tne_r + tne_d,
        tne_treated=tne_r,
        tne_buffer=tne_d,
    )
