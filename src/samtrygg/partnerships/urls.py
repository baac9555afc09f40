from __future__ import annotations

from django.urls import URLPattern, URLResolver, include, path

from samtrygg.partnerships import views

partnership_patterns: list[URLPattern | URLResolver] = [
    path("", views.partnership_start, name="partnership-start"),
    path("organisations/", views.organisation_list, name="organisation-list"),
    path("organisations/new/", views.organisation_create, name="organisation-create"),
    path("organisations/<slug:org>/edit/", views.organisation_edit, name="organisation-edit"),
    path("people/", views.member_list, name="member-list"),
    path("people/invite/", views.member_invite, name="member-invite"),
    path("people/history/", views.member_history, name="member-history"),
    path("people/<int:pk>/", views.member_edit, name="member-edit"),
    path("people/<int:pk>/remove/", views.member_remove, name="member-remove"),
    path("invitations/<int:pk>/revoke/", views.invitation_revoke, name="invitation-revoke"),
    path("areas/", include("samtrygg.areas.urls")),
    path("incidents/", include("samtrygg.incidents.urls")),
    path("picture/", include("samtrygg.picture.urls")),
    path("plans/", include("samtrygg.lagesbild.urls")),
    path("plans/", include("samtrygg.plans.urls")),
    path("agreement/", include("samtrygg.agreements.urls")),
    path("followup/", include("samtrygg.followup.urls")),
]

urlpatterns = [
    path("", views.home, name="home"),
    path("partnerships/new/", views.partnership_create, name="partnership-create"),
    path("invitations/<str:token>/", views.invitation_accept, name="invitation-accept"),
    path("<slug:slug>/", include(partnership_patterns)),
]
