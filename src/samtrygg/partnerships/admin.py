from __future__ import annotations

from django.contrib import admin

from samtrygg.partnerships.models import (
    Invitation,
    Membership,
    MembershipEvent,
    Organisation,
    Partnership,
)


@admin.register(Partnership)
class PartnershipAdmin(admin.ModelAdmin[Partnership]):
    list_display = ["name", "slug", "created_at"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin[Organisation]):
    list_display = ["name", "partnership", "kind", "slug"]
    list_filter = ["partnership", "kind"]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin[Membership]):
    list_display = ["user", "partnership", "role", "organisation"]
    list_filter = ["partnership", "role"]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin[Invitation]):
    list_display = ["email", "partnership", "role", "created_at", "accepted_at", "revoked_at"]
    exclude = ["token"]


@admin.register(MembershipEvent)
class MembershipEventAdmin(admin.ModelAdmin[MembershipEvent]):
    list_display = ["at", "partnership", "action", "actor", "subject"]
    list_filter = ["partnership", "action"]

    # The audit trail is append-only, also for administrators.
    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        return False
