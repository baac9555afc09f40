"""Errors raised by the analysis core.

Messages are plain sentences that name the argument, the value and what was expected, so the
command line can print them as they are and a coordinator can act on them.
"""

from __future__ import annotations

__all__ = ["AnalysisError", "InputError"]


class AnalysisError(ValueError):
    """An analysis cannot be computed from the given input."""


class InputError(AnalysisError):
    """An input file, column or argument is unusable; the message says how to fix it."""
