"""Forms for the agreement, its promises, parties and comments."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from samtrygg.agreements.models import Agreement, Party, Promise
from samtrygg.partnerships.models import Organisation, Partnership
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
    class Meta:
        model = Party
        fields = ["organisation", "signatory_role"]

    def __init__(self, *args: Any, agreement: Agreement, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = Organisation.objects.filter(  # type: ignore[attr-defined]
            partnership=agreement.partnership
        ).exclude(pk__in=agreement.parties.values("organisation"))


class CommentForm(forms.Form):
    text = forms.CharField(label=_("Comment"), widget=forms.Textarea(attrs={"rows": 3}))
