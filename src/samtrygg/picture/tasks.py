"""Start-page tasks from the picture: the week's places for the weekly EST meeting."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from samtrygg.partnerships.access import Access
from samtrygg.partnerships.tasks import Task, task_provider


@task_provider
def meeting_tasks(access: Access, user: Any, today: date) -> Iterator[Task]:
    """Staff prepare the weekly meeting from the week's places and map."""
    if access.sees_all_data:
        yield Task(
            title=_("Prepare the weekly meeting: this week's places and map"),
            url=reverse("picture", args=[access.partnership.slug]),
            rank=3,
        )
