from __future__ import annotations

from typing import TYPE_CHECKING

from django import forms
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from samtrygg.plans.models import Activity  # noqa: F401


class NoteForm(forms.Form):
    text = forms.CharField(
        label=_("Consequence and corrective measure"),
        help_text=_("What does the red light mean for the goal, and what will be done about it?"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
        strip=True,
    )


class ActivityProgressForm(forms.ModelForm["Activity"]):
    """The follow-up of one activity, as its responsible people report it."""

    class Meta:
        from samtrygg.plans.models import Activity

        model = Activity
        fields = ["status", "progress", "hours", "cost"]
        widgets = {"progress": forms.NumberInput(attrs={"min": 0, "max": 100, "step": 5})}
