from __future__ import annotations

from django.urls import path

from samtrygg.agreements import views

urlpatterns = [
    path("", views.agreement_list, name="agreement-list"),
    path("new/", views.agreement_create, name="agreement-create"),
    path("<int:pk>/", views.agreement_detail, name="agreement-detail"),
    path("<int:pk>/edit/", views.agreement_edit, name="agreement-edit"),
    path("<int:pk>/promises/new/", views.promise_edit, name="promise-create"),
    path("<int:pk>/promises/<int:promise>/edit/", views.promise_edit, name="promise-edit"),
    path("<int:pk>/parties/new/", views.party_create, name="party-create"),
    path("<int:pk>/parties/<int:party>/edit/", views.party_edit, name="party-edit"),
    path("<int:pk>/comments/", views.comment_create, name="agreement-comment"),
    path("<int:pk>/parties/<int:party>/sign/", views.agreement_sign, name="agreement-sign"),
    path("<int:pk>/review/", views.agreement_review, name="agreement-review"),
    path("<int:pk>/reopen/", views.agreement_reopen, name="agreement-reopen"),
    path("<int:pk>/publish/", views.agreement_publish, name="agreement-publish"),
    path("<int:pk>/new-version/", views.agreement_new_version, name="agreement-new-version"),
    path("<int:pk>/diff/", views.agreement_diff, name="agreement-diff"),
    path("<int:pk>/download/<str:fmt>/", views.agreement_download, name="agreement-download"),
]
