"""Partnership pages: start page, organisations, people, invitations and their history."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model, login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_otp.plugins.otp_totp.models import TOTPDevice

from samtrygg.partnerships import services
from samtrygg.partnerships.access import get_access
from samtrygg.partnerships.forms import (
    AcceptInvitationForm,
    InvitationForm,
    MembershipForm,
    OrganisationForm,
    PartnershipForm,
)
from samtrygg.partnerships.links import site_url
from samtrygg.partnerships.models import (
    ROLE_HELP,
    Invitation,
    Membership,
    MembershipEvent,
    Organisation,
    Partnership,
    Role,
)
from samtrygg.partnerships.tasks import tasks_for

COORDINATOR = [Role.COORDINATOR]


@login_required
def home(request: HttpRequest) -> HttpResponse:
    partnerships = Partnership.objects.visible_to(request.user)
    if partnerships.count() == 1 and not request.user.is_superuser:
        return redirect("partnership-start", slug=partnerships.get().slug)
    return render(request, "partnerships/home.html", {"partnerships": partnerships})


@login_required
def partnership_create(request: HttpRequest) -> HttpResponse:
    if not request.user.is_superuser:
        raise PermissionDenied(_("Only the system administrator creates partnerships."))
    form = PartnershipForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        partnership = form.save()
        messages.success(request, _("The partnership has been created. Invite its coordinator."))
        return redirect("member-invite", slug=partnership.slug)
    return render(request, "partnerships/partnership_form.html", {"form": form})


@login_required
def partnership_start(request: HttpRequest, slug: str) -> HttpResponse:
    access = get_access(request, slug)
    p = access.partnership
    context = {
        "access": access,
        "organisations": p.organisations.all(),
        "member_count": p.memberships.count(),
        "area_count": p.areas.exclude(kind="municipality").count(),
        "municipalities": p.areas.filter(kind="municipality"),
        "tasks": tasks_for(access, request.user, timezone.localdate()),
    }
    return render(request, "partnerships/start.html", context)


@login_required
def organisation_list(request: HttpRequest, slug: str) -> HttpResponse:
    access = get_access(request, slug)
    organisations = Organisation.objects.visible_to(request.user).filter(
        partnership=access.partnership
    )
    return render(
        request,
        "partnerships/organisation_list.html",
        {"access": access, "organisations": organisations},
    )


@login_required
def organisation_create(request: HttpRequest, slug: str) -> HttpResponse:
    access = get_access(request, slug, COORDINATOR)
    form = OrganisationForm(request.POST or None, partnership=access.partnership)
    if request.method == "POST" and form.is_valid():
        organisation = form.save()
        messages.success(request, _("%(name)s has been added.") % {"name": organisation.name})
        return redirect("organisation-list", slug=slug)
    return render(request, "partnerships/organisation_form.html", {"access": access, "form": form})


@login_required
def organisation_edit(request: HttpRequest, slug: str, org: str) -> HttpResponse:
    access = get_access(request, slug, COORDINATOR)
    organisation = get_object_or_404(Organisation, partnership=access.partnership, slug=org)
    form = OrganisationForm(
        request.POST or None, instance=organisation, partnership=access.partnership
    )
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("The organisation has been saved."))
        return redirect("organisation-list", slug=slug)
    return render(
        request,
        "partnerships/organisation_form.html",
        {"access": access, "form": form, "organisation": organisation},
    )


@login_required
def member_list(request: HttpRequest, slug: str) -> HttpResponse:
    access = get_access(request, slug, COORDINATOR)
    memberships = (
        Membership.objects.visible_to(request.user)
        .filter(partnership=access.partnership)
        .select_related("user", "organisation")
        # Whether each person signs in with two factors: coordinators follow up who does not.
        .annotate(
            two_factor=Exists(
                TOTPDevice.objects.filter(user_id=OuterRef("user_id"), confirmed=True)
            )
        )
    )
    invitations = Invitation.objects.pending().filter(partnership=access.partnership)
    return render(
        request,
        "partnerships/member_list.html",
        {
            "access": access,
            "memberships": memberships,
            "invitations": invitations,
            "role_help": ROLE_HELP,
            "two_factor_required": settings.SAMTRYGG_REQUIRE_2FA,
        },
    )


@login_required
def member_invite(request: HttpRequest, slug: str) -> HttpResponse:
    access = get_access(request, slug, COORDINATOR)
    form = InvitationForm(request.POST or None, partnership=access.partnership)
    if request.method == "POST" and form.is_valid():
        try:
            invitation = services.invite(
                access.partnership,
                request.user,
                form.cleaned_data["email"],
                form.cleaned_data["role"],
                form.cleaned_data["organisation"],
                base_url=site_url(request),
            )
        except services.MembershipError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request,
                _("An invitation has been sent to %(email)s.") % {"email": invitation.email},
            )
            return redirect("member-list", slug=slug)
    return render(
        request,
        "partnerships/member_invite.html",
        {"access": access, "form": form, "role_help": ROLE_HELP},
    )


@login_required
def member_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    access = get_access(request, slug, COORDINATOR)
    membership = get_object_or_404(
        Membership.objects.select_related("user"), partnership=access.partnership, pk=pk
    )
    initial = {"role": membership.role, "organisation": membership.organisation}
    form = MembershipForm(request.POST or None, initial=initial, partnership=access.partnership)
    if request.method == "POST" and form.is_valid():
        try:
            services.change_membership(
                membership,
                request.user,
                form.cleaned_data["role"],
                form.cleaned_data["organisation"],
            )
        except services.MembershipError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("The role has been saved."))
            return redirect("member-list", slug=slug)
    return render(
        request,
        "partnerships/member_edit.html",
        {"access": access, "form": form, "membership": membership, "role_help": ROLE_HELP},
    )


@login_required
@require_POST
def member_remove(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    access = get_access(request, slug, COORDINATOR)
    membership = get_object_or_404(Membership, partnership=access.partnership, pk=pk)
    try:
        services.remove_member(membership, request.user)
    except services.MembershipError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The person has been removed from the partnership."))
    return redirect("member-list", slug=slug)


@login_required
@require_POST
def invitation_revoke(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    access = get_access(request, slug, COORDINATOR)
    invitation = get_object_or_404(Invitation, partnership=access.partnership, pk=pk)
    try:
        services.revoke_invitation(invitation, request.user)
    except services.MembershipError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The invitation has been revoked."))
    return redirect("member-list", slug=slug)


@login_required
def member_history(request: HttpRequest, slug: str) -> HttpResponse:
    access = get_access(request, slug, COORDINATOR)
    events = MembershipEvent.objects.filter(partnership=access.partnership).select_related(
        "actor", "subject"
    )[:500]
    return render(request, "partnerships/member_history.html", {"access": access, "events": events})


def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    invitation = get_object_or_404(Invitation.objects.select_related("partnership"), token=token)
    if not invitation.is_usable:
        return render(request, "partnerships/invitation_unusable.html", {"invitation": invitation})
    existing = get_user_model().objects.filter(email__iexact=invitation.email).first()
    if request.user.is_authenticated:
        if request.user.email.lower() != invitation.email.lower():
            return render(
                request,
                "partnerships/invitation_wrong_user.html",
                {"invitation": invitation},
                status=403,
            )
        if request.method == "POST":
            return _accept(request, invitation, request.user)
        return render(request, "partnerships/invitation_confirm.html", {"invitation": invitation})
    if existing is not None:
        return render(request, "partnerships/invitation_sign_in.html", {"invitation": invitation})
    form = AcceptInvitationForm(request.POST or None, email=invitation.email)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            user = form.save()
            response = _accept(request, invitation, user)
        return response
    return render(
        request, "partnerships/invitation_register.html", {"invitation": invitation, "form": form}
    )


def _accept(request: HttpRequest, invitation: Invitation, user: object) -> HttpResponse:
    try:
        services.accept_invitation(invitation, user)
    except services.MembershipError as exc:
        messages.error(request, str(exc))
        return redirect("home")
    if not request.user.is_authenticated:
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")  # type: ignore[arg-type]
    messages.success(
        request, _("Welcome to %(partnership)s.") % {"partnership": invitation.partnership.name}
    )
    return redirect("partnership-start", slug=invitation.partnership.slug)
