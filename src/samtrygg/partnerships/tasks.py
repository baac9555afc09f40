"""The start page's task list: what each person should do next, gathered from every app.

The partnership app sits beneath the others, so it cannot ask them directly. Instead each app
registers a provider (in its ``AppConfig.ready``) that returns the tasks it knows of for one
person's access; the start page shows them, most urgent first.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from samtrygg.partnerships.access import Access


@dataclass(frozen=True)
class Task:
    """One thing to do, with the page where it is done."""

    title: str
    url: str
    detail: str = ""
    due: date | None = None
    overdue: bool = False
    # Lower comes first: 0 overdue, 1 awaiting this person, 2 due soon, 3 for information.
    rank: int = 2


Provider = Callable[[Access, Any, date], Iterable[Task]]
_PROVIDERS: list[Provider] = []


def task_provider(provider: Provider) -> Provider:
    """Register ``provider(access, user, today)`` as a source of start-page tasks."""
    if provider not in _PROVIDERS:
        _PROVIDERS.append(provider)
    return provider


def tasks_for(access: Access, user: Any, today: date) -> list[Task]:
    """Every registered provider's tasks for this person, most urgent first."""
    tasks = [task for provider in _PROVIDERS for task in provider(access, user, today)]
    return sorted(tasks, key=lambda t: (t.rank, t.due or date.max, t.title))
