"""E-mail each partnership's coordinators the activities that are overdue or due soon.

Run it from cron, e.g. every Monday morning::

    samtrygg manage send_reminders --days 7

Each coordinator with an e-mail address gets one message per partnership listing the open
activities (neither done nor cancelled) past their deadline and those due within ``--days``
days. Partnerships with nothing due get no message. Only ids and counts are logged.
"""

from __future__ import annotations

import logging
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from samtrygg.followup.services import open_activities
from samtrygg.partnerships.models import Membership, Partnership, Role
from samtrygg.plans.models import Activity

log = logging.getLogger(__name__)


def due_activities(
    partnership: Partnership, today: date, days: int
) -> tuple[list[Activity], list[Activity]]:
    """(overdue, due within ``days`` days from today) open activities of the partnership."""
    qs = open_activities(partnership)
    overdue = list(qs.filter(deadline__lt=today))
    due = list(qs.filter(deadline__gte=today, deadline__lte=today + timedelta(days=days)))
    return overdue, due


def recipients(partnership: Partnership) -> list[str]:
    """The e-mail addresses of the partnership's active coordinators."""
    emails = (
        Membership.objects.filter(
            partnership=partnership, role=Role.COORDINATOR, user__is_active=True
        )
        .exclude(user__email="")
        .values_list("user__email", flat=True)
    )
    return sorted(set(emails))


def message(
    partnership: Partnership, overdue: list[Activity], due: list[Activity], days: int
) -> tuple[str, str]:
    """The subject and body of the reminder (in the site language)."""

    def line(a: Activity) -> str:
        assert a.deadline is not None
        return f"- {formats.date_format(a.deadline, 'Y-m-d')}: {a.title} ({a.measure.title})"

    subject = _("Samtrygg: %(n)s activities overdue or due soon – %(p)s") % {
        "n": len(overdue) + len(due),
        "p": partnership.name,
    }
    parts = [
        _("Hello,"),
        "",
        _("Activities in %(p)s that need attention:") % {"p": partnership.name},
    ]
    if overdue:
        parts += ["", _("Past their deadline:")] + [line(a) for a in overdue]
    if due:
        parts += ["", _("Due within %(n)s days:") % {"n": days}] + [line(a) for a in due]
    parts += [
        "",
        _(
            "Mark an activity as done, delayed or cancelled in Samtrygg to keep the follow-up "
            "right."
        ),
        "",
        _("– Samtrygg (an automatic reminder)"),
    ]
    return subject, "\n".join(parts)


class Command(BaseCommand):
    help = "E-mail coordinators the activities that are overdue or due within N days."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--days", type=int, default=7, help="Look ahead this many days.")
        parser.add_argument("--partnership", help="Only this partnership (its slug).")

    def handle(self, *args: Any, **options: Any) -> None:
        days = options["days"]
        if days < 0:
            raise CommandError(_("--days must be 0 or more."))
        partnerships = Partnership.objects.order_by("pk")
        if options.get("partnership"):
            partnerships = partnerships.filter(slug=options["partnership"])
            if not partnerships.exists():
                raise CommandError(_("No partnership with that slug."))
        today = timezone.localdate()
        sent = 0
        with translation.override(settings.LANGUAGE_CODE):
            for partnership in partnerships:
                overdue, due = due_activities(partnership, today, days)
                to = recipients(partnership)
                if not (overdue or due) or not to:
                    continue
                subject, body = message(partnership, overdue, due, days)
                for address in to:
                    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [address])
                    sent += 1
                log.info(
                    "reminders partnership=%s overdue=%s due=%s recipients=%s",
                    partnership.pk,
                    len(overdue),
                    len(due),
                    len(to),
                )
        self.stdout.write(_("Sent %(n)s reminder(s).") % {"n": sent})
