"""Access helpers: every view starts by resolving its partnership through these.

Deny by default. Someone outside a partnership gets 404 for everything in it (its existence is
not confirmed); a member whose role does not allow the action gets 403.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _

from samtrygg.partnerships.models import Membership, Organisation, Partnership, Role

ALL_ROLES = frozenset(Role)
STAFF_ROLES = frozenset({Role.COORDINATOR, Role.ANALYST})


@dataclass(frozen=True)
class Access:
    """The current user's standing in one partnership."""

    partnership: Partnership
    membership: Membership | None
    role: Role
    is_superuser: bool = False

    @property
    def organisation(self) -> Organisation | None:
        return self.membership.organisation if self.membership else None

    @property
    def is_coordinator(self) -> bool:
        return self.role == Role.COORDINATOR

    @property
    def may_report(self) -> bool:
        """Whether the report form is open: reporters and staff for their organisation.

        Coordinators choose the organisation in the form; viewers read aggregates only, even
        when they belong to an organisation.
        """
        if self.role == Role.VIEWER:
            return False
        return self.is_coordinator or self.organisation is not None

    @property
    def sees_all_data(self) -> bool:
        """Coordinators and analysts see every record of the partnership."""
        return self.role in STAFF_ROLES


def access_for(user: Any, partnership: Partnership) -> Access | None:
    """The user's access to ``partnership``, or None when they are not part of it."""
    if not getattr(user, "is_authenticated", False):
        return None
    if user.is_superuser:
        membership = Membership.objects.filter(user=user, partnership=partnership).first()
        # A superuser administers every partnership, whatever their own membership says.
        return Access(partnership, membership, Role.COORDINATOR, is_superuser=True)
    membership = (
        Membership.objects.select_related("organisation")
        .filter(user=user, partnership=partnership)
        .first()
    )
    if membership is None:
        return None
    return Access(partnership, membership, Role(membership.role))


def get_access(request: HttpRequest, slug: str, roles: Iterable[Role] = ALL_ROLES) -> Access:
    """Resolve ``slug`` for the signed-in user, or raise 404 (not a member) / 403 (wrong role)."""
    partnership = Partnership.objects.filter(slug=slug).first()
    if partnership is None:
        raise Http404(_("No such partnership."))
    access = access_for(request.user, partnership)
    if access is None:
        raise Http404(_("No such partnership."))
    if access.role not in set(roles):
        raise PermissionDenied(_("Your role in this partnership does not allow this."))
    request.samtrygg_access = access  # type: ignore[attr-defined]
    return access
