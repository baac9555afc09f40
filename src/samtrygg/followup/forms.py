from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class NoteForm(forms.Form):
    text = forms.CharField(
        label=_("Consequence and corrective measure"),
        help_text=_("What does the red light mean for the goal, and what will be done about it?"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
        strip=True,
    )
