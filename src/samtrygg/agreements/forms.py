"""Forms for the agreement, its promises, parties and comments."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from samtrygg.agreements.models import Agreement, Party, Promise
from samtrygg.partnerships.models import Membership, Organisation, Partnership
from samtrygg.plans.models import Activity, Goal, Indicator, Problem

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class AgreementForm(forms.ModelForm[Agreement]):
    class Meta:
        model = Agreement
        fields = [
            "title",
            "diarienummer",
            "period_start",
            "period_end",
            "background",
            "problems",
            "causes",
            "goals",
            "documentation",
            "follow_up",
            "follow_up_date",
        ]
        widgets = {
            "period_start": DATE,
            "period_end": DATE,
            "follow_up_date": DATE,
            "problems": forms.CheckboxSelectMultiple,
            "goals": forms.CheckboxSelectMultiple,
        }
        help_texts = {
            "background": _("The problem picture the parties agree on, and its sources."),
            "causes": _("The probable causes; the causes in the problems' cause trees are added."),
            "goals": _("Delimited, measurable goals; their indicators are listed in the document."),
        }

    def __init__(self, *args: Any, partnership: Partnership, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.partnership = partnership
        self.fields["problems"].queryset = Problem.objects.filter(  # type: ignore[attr-defined]
            partnership=partnership
        )
        self.fields["goals"].queryset = Goal.objects.filter(  # type: ignore[attr-defined]
            partnership=partnership
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("period_start"), data.get("period_end")
        if start and end and end < start:
            self.add_error("period_end", _("The period must end after it starts."))
        return data


class PromiseForm(forms.ModelForm[Promise]):
    class Meta:
        model = Promise
        fields = ["year", "focus_area", "text", "activities", "indicators", "published"]
        widgets = {
            "activities": forms.CheckboxSelectMultiple,
            "indicators": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args: Any, partnership: Partnership, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["activities"].queryset = (  # type: ignore[attr-defined]
            Activity.objects.filter(measure__partnership=partnership).select_related(
                "owner_organisation"
            )
        )
        self.fields["indicators"].queryset = Indicator.objects.filter(  # type: ignore[attr-defined]
            goal__partnership=partnership
        )


class PartyForm(forms.ModelForm[Party]):
    """A party: the organisation, the role it signs in, and the member who signs for it."""

    class Meta:
        model = Party
        fields = ["organisation", "signatory_role", "signatory"]

    def __init__(self, *args: Any, agreement: Agreement, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.agreement = agreement
        organisations = Organisation.objects.filter(partnership=agreement.partnership)
        if self.instance.pk is None:
            organisations = organisations.exclude(pk__in=agreement.parties.values("organisation"))
        self.fields["organisation"].queryset = organisations  # type: ignore[attr-defined]
        members = Membership.objects.filter(
            partnership=agreement.partnership, organisation__isnull=False
        )
        signatory = self.fields["signatory"]
        signatory.queryset = (  # type: ignore[attr-defined]
            get_user_model()
            .objects.filter(pk__in=members.values("user"))
            .order_by("first_name", "last_name", "email")
        )
        signatory.label_from_instance = _member_label  # type: ignore[attr-defined]
        signatory.required = True

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        organisation, signatory = data.get("organisation"), data.get("signatory")
        if (
            organisation
            and signatory
            and not Membership.objects.filter(
                partnership=self.agreement.partnership, organisation=organisation, user=signatory
            ).exists()
        ):
            self.add_error(
                "signatory",
                _("%(person)s is not a member of %(organisation)s; choose one of its members.")
                % {"person": _member_label(signatory), "organisation": organisation},
            )
        return data


def _member_label(user: Any) -> str:
    return str(user.get_full_name() or user.email)


class CommentForm(forms.Form):
    text = forms.CharField(label=_("Comment"), widget=forms.Textarea(attrs={"rows": 3}))
