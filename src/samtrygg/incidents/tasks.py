"""Start-page tasks from the incidents: the week's new reports to read before the EST meeting."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

from django.urls import reverse
from django.utils.translation import ngettext

from samtrygg.incidents.models import Incident
from samtrygg.partnerships.access import Access
from samtrygg.partnerships.tasks import Task, task_provider


@task_provider
def new_report_tasks(access: Access, user: Any, today: date) -> Iterator[Task]:
    """Staff: how many reports arrived in the last seven days, with the list to review them."""
    if not access.sees_all_data:
        return
    count = Incident.objects.filter(
        partnership=access.partnership, created_at__date__gt=today - timedelta(days=7)
    ).count()
    if count:
        yield Task(
            title=ngettext(
                "%(count)d new report in the last seven days",
                "%(count)d new reports in the last seven days",
                count,
            )
            % {"count": count},
            url=reverse("incident-list", args=[access.partnership.slug]),
            rank=3,
        )
