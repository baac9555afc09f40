"""Fixtures shared by the lägesbild tests (the same personas as the plans tests)."""

from __future__ import annotations

from tests.plans.conftest import as_user

__all__ = ["as_user"]
