"""Forms for the lägesbild, problems, cause trees, goals, indicators, measures and plans.

Every choice of a related object is limited to the partnership's own (``partnership=``).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from samtrygg.areas.models import Area
from samtrygg.freezing.forms import DATE

# The adoption form is shared by every adopted document; named here too for this app's callers.
from samtrygg.freezing.forms import AdoptForm as AdoptForm
from samtrygg.incidents.models import Category
from samtrygg.partnerships.models import Membership, Partnership
from samtrygg.plans.models import (
    ACTIVITY_PLAN_FIELDS,
    ActionPlan,
    Activity,
    Cause,
    DocumentStatus,
    Evidence,
    Goal,
    Indicator,
    IndicatorValue,
    Lagesbild,
    Measure,
    Problem,
)


def _makes_cycle(instance: Any, parent: Any) -> bool:
    """Whether making ``parent`` the parent of ``instance`` would put it under itself."""
    while parent is not None and instance.pk is not None:
        if parent.pk == instance.pk:
            return True
        parent = parent.parent
    return False


class _PartnershipForm(forms.ModelForm):  # type: ignore[type-arg]
    """A model form whose related choices are limited to one partnership."""

    def __init__(self, *args: Any, partnership: Partnership, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.partnership = partnership
        for name, field in self.fields.items():
            model = getattr(getattr(field, "queryset", None), "model", None)
            if model is Area:
                field.queryset = Area.objects.filter(partnership=partnership)  # type: ignore[attr-defined]
            elif model is Category:
                field.queryset = Category.objects.filter(partnership=partnership)  # type: ignore[attr-defined]
            elif model is not None and model.__name__ == "Organisation":
                field.queryset = partnership.organisations.all()  # type: ignore[attr-defined]
            elif model is Cause:
                field.queryset = Cause.objects.filter(  # type: ignore[attr-defined]
                    problem__partnership=partnership
                ).select_related("problem")
                field.label_from_instance = (  # type: ignore[attr-defined]
                    lambda c: f"{c.problem.title}: {c.description[:80]}"
                )
            elif model is Goal:
                field.queryset = Goal.objects.filter(partnership=partnership)  # type: ignore[attr-defined]
            elif model is Measure:
                field.queryset = Measure.objects.filter(partnership=partnership)  # type: ignore[attr-defined]
            elif model is Lagesbild:
                field.queryset = Lagesbild.objects.filter(  # type: ignore[attr-defined]
                    partnership=partnership, status=DocumentStatus.ADOPTED
                )
            if name in ("causes", "goals", "measures", "areas"):
                field.widget = forms.CheckboxSelectMultiple()
                field.widget.choices = field.choices  # type: ignore[attr-defined]


class ProblemForm(_PartnershipForm):
    class Meta:
        model = Problem
        fields = ["title", "priority", "what", "where", "areas", "when", "who_affected"]
        widgets = {f: forms.Textarea(attrs={"rows": 3}) for f in ("what", "where", "when")} | {
            "who_affected": forms.Textarea(attrs={"rows": 3})
        }


class CauseForm(_PartnershipForm):
    class Meta:
        model = Cause
        fields = ["description", "kind", "mechanism", "parent"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, problem: Problem, **kwargs: Any) -> None:
        super().__init__(*args, partnership=problem.partnership, **kwargs)
        self.instance.problem = problem
        parents = Cause.objects.filter(problem=problem)
        if self.instance.pk:
            parents = parents.exclude(pk=self.instance.pk)
        self.fields["parent"].queryset = parents  # type: ignore[attr-defined]
        self.fields["parent"].label = _("Part of (parent cause)")
        self.fields["parent"].label_from_instance = lambda c: c.description[:80]  # type: ignore[attr-defined]

    def clean_parent(self) -> Any:
        parent = self.cleaned_data.get("parent")
        if _makes_cycle(self.instance, parent):
            raise forms.ValidationError(_("A cause cannot lie under one of its own sub-causes."))
        return parent


class EvidenceForm(forms.ModelForm[Evidence]):
    class Meta:
        model = Evidence
        fields = ["kind", "reference", "note"]
        widgets = {"note": forms.Textarea(attrs={"rows": 3})}
        help_texts = {
            "reference": _("A link to a saved view of the picture, a report name, a date …"),
        }


class GoalForm(_PartnershipForm):
    class Meta:
        model = Goal
        fields = ["statement", "owner", "follow_up_date"]
        widgets = {"statement": forms.Textarea(attrs={"rows": 3}), "follow_up_date": DATE}
        labels = {"owner": _("Owner organisation")}


class IndicatorForm(_PartnershipForm):
    class Meta:
        model = Indicator
        fields = [
            "name",
            "unit",
            "source",
            "frequency",
            "direction",
            "baseline_value",
            "baseline_date",
            "target_value",
            "target_date",
            "category",
            "area",
        ]
        widgets = {"baseline_date": DATE, "target_date": DATE}
        labels = {"category": _("Category (computed from incidents)"), "area": _("Area")}
        help_texts = {
            "category": _(
                "With a category the indicator is the number of its incidents in the last "
                "12 months (in the area, if one is chosen)."
            )
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("area") and not data.get("category"):
            self.add_error("category", _("Choose the category to count in the area."))
        return data


class IndicatorValueForm(forms.ModelForm[IndicatorValue]):
    class Meta:
        model = IndicatorValue
        fields = ["date", "value", "source"]
        widgets = {"date": DATE}


class MeasureForm(_PartnershipForm):
    class Meta:
        model = Measure
        fields = [
            "title",
            "description",
            "kind",
            "horizon",
            "expected_effect",
            "cost",
            "hours",
            "start_date",
            "causes",
            "goals",
            "target_area",
            "comparison_area",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "expected_effect": forms.Textarea(attrs={"rows": 3}),
            "start_date": DATE,
        }
        labels = {
            "causes": _("Causes it acts on"),
            "goals": _("Goals it serves"),
            "target_area": _("Target area"),
            "comparison_area": _("Comparison area"),
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        target, comparison = data.get("target_area"), data.get("comparison_area")
        if target and comparison and target == comparison:
            self.add_error("comparison_area", _("Choose a comparison area other than the target."))
        return data


class ActivityForm(_PartnershipForm):
    class Meta:
        model = Activity
        fields = [
            "title",
            "owner_organisation",
            "owner_person",
            "responsible",
            "start",
            "deadline",
            "status",
            "progress",
            "weight",
            "hours",
            "cost",
            "parent",
        ]
        widgets = {"start": DATE, "deadline": DATE}
        labels = {
            "owner_organisation": _("Owner organisation"),
            "parent": _("Part of"),
            "responsible": _("Responsible member (gets the reminders)"),
        }

    def __init__(self, *args: Any, measure: Measure, frozen: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, partnership=measure.partnership, **kwargs)
        self.instance.measure = measure
        parents = Activity.objects.filter(measure=measure)
        if self.instance.pk:
            parents = parents.exclude(pk=self.instance.pk)
        self.fields["parent"].queryset = parents  # type: ignore[attr-defined]
        self.fields["progress"].widget.attrs.update(min=0, max=100)
        self.memberships = {
            m.user_id: m
            for m in Membership.objects.filter(
                partnership=measure.partnership, user__is_active=True
            ).select_related("user", "organisation")
        }
        responsible = self.fields["responsible"]
        responsible.queryset = (  # type: ignore[attr-defined]
            get_user_model()
            .objects.filter(pk__in=self.memberships)
            .order_by("first_name", "last_name", "email")
        )
        responsible.label_from_instance = self._member_label  # type: ignore[attr-defined]
        if frozen:
            # The adopted plan fixes what the activity is; disabled fields keep their stored
            # values whatever is posted (the model refuses a change too).
            for name in ACTIVITY_PLAN_FIELDS:
                field = self.fields.get(name.removesuffix("_id"))
                if field is not None:
                    field.disabled = True

    def _member_label(self, user: Any) -> str:
        membership = self.memberships.get(user.pk)
        name = user.get_full_name() or user.email or user.get_username()
        org = membership.organisation if membership else None
        return f"{name} ({org.name})" if org else name

    def clean_responsible(self) -> Any:
        user = self.cleaned_data.get("responsible")
        owner = self.cleaned_data.get("owner_organisation") or getattr(
            self.instance, "owner_organisation", None
        )
        membership = self.memberships.get(user.pk) if user else None
        if user and membership is None:
            raise forms.ValidationError(_("Choose a member of the partnership."))
        if (
            membership
            and membership.organisation_id
            and owner
            and (membership.organisation_id != owner.pk)
        ):
            raise forms.ValidationError(
                _(
                    "%(name)s belongs to %(org)s, not to the owner organisation; choose one of "
                    "its members or someone without an organisation (such as the coordinator)."
                )
                % {"name": self._member_label(user), "org": membership.organisation}
            )
        return user

    def clean_parent(self) -> Any:
        parent = self.cleaned_data.get("parent")
        if _makes_cycle(self.instance, parent):
            raise forms.ValidationError(
                _("An activity cannot lie under one of its own sub-activities.")
            )
        return parent

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (data.get("progress") or 0) > 100:
            self.add_error("progress", _("Progress is a percentage from 0 to 100."))
        if data.get("weight") is not None and data["weight"] <= 0:
            self.add_error("weight", _("The weight must be greater than 0."))
        start, deadline = data.get("start"), data.get("deadline")
        if start and deadline and deadline < start:
            self.add_error("deadline", _("The deadline must come after the start."))
        return data


class ActionPlanForm(_PartnershipForm):
    class Meta:
        model = ActionPlan
        fields = ["title", "lagesbild", "follow_up_date", "measures"]
        widgets = {"follow_up_date": DATE}
        labels = {"lagesbild": _("Based on the adopted lägesbild"), "measures": _("Measures")}
