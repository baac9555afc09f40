"""Published safety walks on the public page: places and actions, never people.

A coordinator or analyst marks a walk as published (``SafetyWalk.published``). The page then
shows its date, area and light, and for each place found its kind and physical cause, a
location rounded to about a hundred metres, and the protocol's action with its status and the
organisation responsible. Never shown: participants, photos, what was seen or proposed (free
text), a private owner's name (it may be a person), or who recorded a point. An action's
title is free text too, so it is screened for personal data (:mod:`samtrygg.sources.personal_data`)
and left out when anything is found.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from samtrygg.partnerships.models import Partnership
from samtrygg.sources.personal_data import find_personal_data
from samtrygg.walks.models import Action, SafetyWalk

# Three decimals of a degree: about 110 m north–south, 55 m east–west in central Sweden. The
# place, not the spot where someone stood.
DECIMALS = 3
OPEN = (Action.Status.PLANNED, Action.Status.ONGOING)


@dataclass(frozen=True)
class PublicPlace:
    kind: str
    cause: str
    lat: float
    lon: float
    action: str
    action_status: str
    owner: str


@dataclass(frozen=True)
class PublicWalk:
    walked_on: date
    area: str
    light: str
    places: list[PublicPlace]
    done: int
    open: int


def _action_title(action: Action) -> str:
    return "" if find_personal_data(action.text) else action.text


def public_walks(partnership: Partnership) -> list[PublicWalk]:
    """The partnership's published walks, newest first, with their places and actions."""
    walks = (
        SafetyWalk.objects.filter(partnership=partnership, published=True)
        .select_related("area")
        .prefetch_related("observations__action__owner_organisation")
        .order_by("-walked_on", "-pk")
    )
    result = []
    for walk in walks:
        places = []
        done = open_ = 0
        for o in walk.observations.all():
            action = getattr(o, "action", None)
            if action is not None:
                done += action.status == Action.Status.DONE
                open_ += action.status in OPEN
            places.append(
                PublicPlace(
                    kind=str(o.get_kind_display()),
                    cause=str(o.get_cause_display()),
                    lat=round(o.lat, DECIMALS),
                    lon=round(o.lon, DECIMALS),
                    action=_action_title(action) if action else "",
                    action_status=str(action.get_status_display()) if action else "",
                    owner=action.owner_organisation.name
                    if action and action.owner_organisation
                    else "",
                )
            )
        result.append(
            PublicWalk(
                walked_on=walk.walked_on,
                area=walk.area.name if walk.area else "",
                light=str(walk.get_light_display()),
                places=places,
                done=done,
                open=open_,
            )
        )
    return result
