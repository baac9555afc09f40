"""E-mail the people responsible for activities that are overdue or due soon, and a digest to
each partnership's coordinators.

Run it from cron, e.g. every Monday morning::

    samtrygg manage send_reminders --days 7

The activities are the open ones (neither done nor cancelled) past their deadline and those due
within ``--days`` days. Who is reminded of an activity:

1. its responsible member, when one is set and is still an active member with an e-mail address;
2. otherwise the members of its owner organisation in the partnership who do the work
   (coordinators, analysts and reporters of that organisation; viewers only read, so they are
   left out), active and with an e-mail address.

Each coordinator also gets a digest of all the partnership's activities. Every address gets at
most one message per partnership and run: the coordinators' digest already holds everything,
so a coordinator who is also responsible for an activity gets the digest only. Partnerships with
nothing due get no message. Only ids and counts are logged.
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


# Members of the owner organisation who are reminded when an activity has no responsible member.
WORKING_ROLES = (Role.COORDINATOR, Role.ANALYST, Role.REPORTER)


def _reachable(partnership: Partnership) -> Any:
    return Membership.objects.filter(partnership=partnership, user__is_active=True).exclude(
        user__email=""
    )


def recipients(partnership: Partnership) -> list[str]:
    """The e-mail addresses of the partnership's active coordinators."""
    emails = _reachable(partnership).filter(role=Role.COORDINATOR)
    return sorted(set(emails.values_list("user__email", flat=True)))


def responsible_addresses(
    partnership: Partnership, activities: list[Activity]
) -> dict[str, list[Activity]]:
    """Each responsible address and the activities it is reminded of (see the module notes)."""
    members = list(
        _reachable(partnership).values_list("user_id", "user__email", "role", "organisation_id")
    )
    by_user = {user: email for user, email, _role, _org in members}
    by_org: dict[int, list[str]] = {}
    for _user, email, role, org in members:
        if org is not None and role in WORKING_ROLES:
            by_org.setdefault(org, []).append(email)
    out: dict[str, list[Activity]] = {}
    for activity in activities:
        if activity.responsible_id in by_user:
            addresses = [by_user[activity.responsible_id]]
        else:
            addresses = by_org.get(activity.owner_organisation_id, [])
        for address in sorted(set(addresses)):
            out.setdefault(address, []).append(activity)
    return out


def message(
    partnership: Partnership,
    overdue: list[Activity],
    due: list[Activity],
    days: int,
    *,
    personal: bool = False,
) -> tuple[str, str]:
    """The subject and body of the reminder (in the site language).

    ``personal`` for the message to the people responsible, else the coordinators' digest.
    """

    def line(a: Activity) -> str:
        assert a.deadline is not None
        return f"- {formats.date_format(a.deadline, 'Y-m-d')}: {a.title} ({a.measure.title})"

    values = {"n": len(overdue) + len(due), "p": partnership.name}
    if personal:
        subject = _("Samtrygg: %(n)s of your activities overdue or due soon – %(p)s") % values
        intro = _(
            "Activities in %(p)s that you or your organisation are responsible for need attention:"
        ) % {"p": partnership.name}
    else:
        subject = _("Samtrygg: %(n)s activities overdue or due soon – %(p)s") % values
        intro = _("Activities in %(p)s that need attention:") % {"p": partnership.name}
    parts = [_("Hello,"), "", intro]
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
    help = (
        "E-mail the people responsible, and a digest to coordinators, of the activities that "
        "are overdue or due within N days."
    )

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
                sent += self._remind(partnership, today, days)
        self.stdout.write(_("Sent %(n)s reminder(s).") % {"n": sent})

    def _remind(self, partnership: Partnership, today: date, days: int) -> int:
        """Send one partnership's reminders; return how many messages went out."""
        overdue, due = due_activities(partnership, today, days)
        if not (overdue or due):
            return 0
        # One message per address (case-insensitive): the digest wins over a personal one.
        done: set[str] = set()
        subject, body = message(partnership, overdue, due, days)
        for address in recipients(partnership):
            if address.lower() not in done:
                send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [address])
                done.add(address.lower())
        personal = 0
        for address, mine in sorted(responsible_addresses(partnership, overdue + due).items()):
            if address.lower() in done:
                continue
            late = [a for a in mine if a in overdue]
            soon = [a for a in mine if a not in late]
            subject, body = message(partnership, late, soon, days, personal=True)
            send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [address])
            done.add(address.lower())
            personal += 1
        log.info(
            "reminders partnership=%s overdue=%s due=%s coordinators=%s responsible=%s",
            partnership.pk,
            len(overdue),
            len(due),
            len(done) - personal,
            personal,
        )
        return len(done)
