"""The permission matrix vocabulary: roles, rules and the usual expectations.

App modules in ``tests/web/permission_rules/`` build their ``RULES`` with these.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from tests.conftest import World

ROLES = ("anonymous", "outsider", "viewer", "reporter", "analyst", "coordinator", "superuser")
MEMBERS = ("viewer", "reporter", "analyst", "coordinator", "superuser")


@dataclass(frozen=True)
class Rule:
    """Expected status per role; ``kwargs`` builds the URL arguments from the world."""

    expected: dict[str, int]
    kwargs: Callable[[World], dict[str, Any]] = lambda w: {}
    method: str = "get"
    data: Callable[[World], dict[str, Any]] = field(default=lambda w: {})


def partnership_slug(w: World) -> dict[str, Any]:
    return {"slug": w.a.slug}


def everyone(status: int) -> dict[str, int]:
    return dict.fromkeys(ROLES, status)


def members_only(member_status: int = 200) -> dict[str, int]:
    """Any member of A; outsiders get 404, anonymous users are sent to sign in."""
    return {"anonymous": 302, "outsider": 404, **dict.fromkeys(MEMBERS, member_status)}


def coordinators_only(ok: int = 200) -> dict[str, int]:
    """Coordinators (and the superuser); other members 403; outsiders 404."""
    return {
        "anonymous": 302,
        "outsider": 404,
        "viewer": 403,
        "reporter": 403,
        "analyst": 403,
        "coordinator": ok,
        "superuser": ok,
    }


def signed_in(status: int) -> dict[str, int]:
    return {"anonymous": 302, **{r: status for r in ROLES if r != "anonymous"}}
