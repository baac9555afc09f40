"""Forms for partnerships, organisations, people and invitations."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model, password_validation
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from samtrygg.partnerships.models import Organisation, Partnership, Role


class PartnershipForm(forms.ModelForm[Partnership]):
    class Meta:
        model = Partnership
        fields = ["name", "slug", "description"]
        help_texts = {"slug": _("Used in web addresses, e.g. karlskoga-degerfors.")}


class OrganisationForm(forms.ModelForm[Organisation]):
    slug = forms.SlugField(
        label=_("short name"),
        required=False,
        help_text=_("Used in web addresses and imports; made from the name when left empty."),
    )

    class Meta:
        model = Organisation
        fields = ["name", "kind", "slug"]

    def __init__(self, *args: Any, partnership: Partnership, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.partnership = partnership

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        name = data.get("name") or ""
        slug = data.get("slug") or slugify(name)
        data["slug"] = slug
        others = Organisation.objects.filter(partnership=self.partnership)
        if self.instance.pk:
            others = others.exclude(pk=self.instance.pk)
        if others.filter(name__iexact=name).exists():
            self.add_error("name", _("An organisation with this name already exists here."))
        if others.filter(slug=slug).exists():
            self.add_error("slug", _("Another organisation already uses this short name."))
        return data

    def save(self, commit: bool = True) -> Organisation:
        self.instance.partnership = self.partnership
        self.instance.slug = self.cleaned_data["slug"]
        return super().save(commit=commit)


class _MembershipFields(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    organisation = forms.ModelChoiceField(
        label=_("Organisation"),
        queryset=Organisation.objects.none(),
        required=False,
        help_text=_("Required for reporters: the organisation they report for."),
    )

    def __init__(self, *args: Any, partnership: Partnership, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = partnership.organisations.all()  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("role") == Role.REPORTER and not data.get("organisation"):
            self.add_error("organisation", _("A reporter reports for an organisation; choose one."))
        return data


class InvitationForm(_MembershipFields):
    email = forms.EmailField(label=_("E-mail address"))
    field_order = ["email", "role", "organisation"]


class MembershipForm(_MembershipFields):
    pass


class AcceptInvitationForm(forms.Form):
    """Create an account from an invitation."""

    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150)
    password1 = forms.CharField(
        label=_("Password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 12 characters; not a common password and not only digits."),
    )
    password2 = forms.CharField(
        label=_("Password again"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args: Any, email: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.email = email

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        p1, p2 = data.get("password1"), data.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", _("The two passwords differ; type the same one twice."))
        elif p1:
            user = get_user_model()(
                username=self.email,
                email=self.email,
                first_name=data.get("first_name", ""),
                last_name=data.get("last_name", ""),
            )
            try:
                password_validation.validate_password(p1, user)
            except forms.ValidationError as exc:
                self.add_error("password1", exc)
        return data

    def save(self) -> Any:
        user = get_user_model()(
            username=self.email,
            email=self.email,
            first_name=self.cleaned_data["first_name"],
            last_name=self.cleaned_data["last_name"],
        )
        user.set_password(self.cleaned_data["password1"])
        user.save()
        return user
