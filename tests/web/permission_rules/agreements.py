"""The collaboration agreement: members read and download; coordinators write; each party signs
for itself; parties' members, coordinators and analysts comment."""

from __future__ import annotations

from typing import Any

from tests.conftest import World
from tests.web.permissions import Rule, coordinators_only, members_only
from tests.web.permissions import partnership_slug as _slug

# The school is a party, so its reporter may comment; the viewer has no organisation. The
# municipality's coordinator signs for the municipality; nobody else in the world may.


def _agreement(w: World, status: str = "draft") -> Any:
    from tests.agreements.helpers import make_agreement

    return make_agreement(
        w,
        status=status,
        parties=((w.kommun, "Kommunstyrelsens ordförande"), (w.school, "Rektor")),
    )


def _pk(status: str = "draft") -> Any:
    return lambda w: {"slug": w.a.slug, "pk": _agreement(w, status).pk}


def _promise(w: World) -> dict[str, Any]:
    agreement = _agreement(w)
    return {"slug": w.a.slug, "pk": agreement.pk, "promise": agreement.promises.get().pk}


def _kommun_party(w: World) -> dict[str, Any]:
    agreement = _agreement(w, "review")
    party = agreement.parties.get(organisation=w.kommun)
    return {"slug": w.a.slug, "pk": agreement.pk, "party": party.pk}


def _draft_party(w: World) -> dict[str, Any]:
    agreement = _agreement(w, "draft")
    party = agreement.parties.get(organisation=w.kommun)
    return {"slug": w.a.slug, "pk": agreement.pk, "party": party.pk}


def _download(fmt: str) -> Any:
    return lambda w: {"slug": w.a.slug, "pk": _agreement(w).pk, "fmt": fmt}


def _parties_and_staff(ok: int) -> dict[str, int]:
    """Commenting: coordinators, analysts and members of a party organisation."""
    return {**members_only(ok), "viewer": 403}


RULES: dict[str, Rule] = {
    "agreement-list": Rule(members_only(), kwargs=_slug),
    "agreement-create": Rule(coordinators_only(), kwargs=_slug),
    "agreement-detail": Rule(members_only(), kwargs=_pk()),
    "agreement-edit": Rule(coordinators_only(), kwargs=_pk()),
    "promise-create": Rule(coordinators_only(), kwargs=_pk()),
    "promise-edit": Rule(coordinators_only(), kwargs=_promise),
    "party-create": Rule(coordinators_only(), kwargs=_pk()),
    "agreement-comment": Rule(
        _parties_and_staff(302),
        kwargs=_pk("review"),
        method="post",
        data=lambda w: {"text": "Bra förslag."},
    ),
    # The signing page (what is signed, and the password to confirm); the party names no
    # signatory here, so the municipality's coordinator may sign for it.
    "agreement-sign": Rule(coordinators_only(), kwargs=_kommun_party),
    "party-edit": Rule(coordinators_only(), kwargs=_draft_party),
    "agreement-review": Rule(coordinators_only(302), kwargs=_pk(), method="post"),
    "agreement-reopen": Rule(coordinators_only(302), kwargs=_pk("review"), method="post"),
    "agreement-publish": Rule(coordinators_only(302), kwargs=_pk("signed"), method="post"),
    "agreement-new-version": Rule(coordinators_only(302), kwargs=_pk("published"), method="post"),
    "agreement-diff": Rule(members_only(), kwargs=_pk()),
    "agreement-download": Rule(members_only(), kwargs=_download("pdf")),
}
