"""Reference computations written out independently of samtrygg, shared by several tests."""

from __future__ import annotations


def holm(p: list[float]) -> list[float]:
    """Holm's step-down adjustment written out (independent of samtrygg)."""
    order = sorted(range(len(p)), key=lambda i: p[i])
    out, running = [0.0] * len(p), 0.0
    for rank, i in enumerate(order):
        running = max(running, min(1.0, (len(p) - rank) * p[i]))
        out[i] = running
    return out
