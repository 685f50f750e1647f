from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from complexes.models import Category, Complex, Region, RegionLevel
from portal.forms import BootstrapFormMixin
from portal.limits import COMMENT_MAX_LENGTH, REASON_MAX_LENGTH
from portal.uploads import ACCEPTED_EXTENSIONS

from .models import (
    AdjustmentItem,
    Expert,
    Indicator,
    Normalization,
    Recommendation,
    RubricItem,
)


class ReportValuesForm(BootstrapFormMixin, forms.Form):
    """One value and one comment per reported indicator; the service checks the values."""

    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, indicators: list[Indicator], **kwargs):
        super().__init__(*args, **kwargs)
        self.indicators = indicators
        for indicator in indicators:
            self.fields[f"value_{indicator.code}"] = forms.CharField(
                label=indicator.name,
                required=False,
                widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
            )
            self.fields[f"comment_{indicator.code}"] = forms.CharField(
                label=_("Explanation"), required=False, max_length=COMMENT_MAX_LENGTH
            )

    def values(self) -> dict:
        return {
            i.code: self.cleaned_data[f"value_{i.code}"].strip() or None for i in self.indicators
        }

    def comments(self) -> dict:
        return {i.code: self.cleaned_data[f"comment_{i.code}"] for i in self.indicators}

    def rows(self):
        """(indicator, value field, comment field) for the template."""
        return [
            (indicator, self[f"value_{indicator.code}"], self[f"comment_{indicator.code}"])
            for indicator in self.indicators
        ]


class ReportUploadForm(BootstrapFormMixin, forms.Form):
    file = forms.FileField(
        label=_("Excel file"), widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"})
    )


class ReturnForm(BootstrapFormMixin, forms.Form):
    reason = forms.CharField(
        label=_("Reason for return"),
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class PreReviewForm(BootstrapFormMixin, forms.Form):
    recommendation = forms.ChoiceField(
        label=_("Recommendation"), choices=[c for c in Recommendation.choices if c[0]]
    )
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class PeriodForm(BootstrapFormMixin, forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2017, max_value=2100)
    deadline = forms.DateField(label=_("Deadline"), widget=forms.DateInput(attrs={"type": "date"}))
    grace_days = forms.IntegerField(
        label=_("Grace period (days)"),
        min_value=0,
        max_value=365,
        required=False,
        help_text=_("Drafts lock this many days after the deadline; empty: the portal's default."),
    )


class ReopenForm(BootstrapFormMixin, forms.Form):
    reason = forms.CharField(
        label=_("Reason for reopening"),
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    until = forms.DateField(label=_("Open until"), widget=forms.DateInput(attrs={"type": "date"}))


class ProgressForm(BootstrapFormMixin, forms.Form):
    """The completeness board's year and region (the region checked against the user's scope
    by the view)."""

    year = forms.TypedChoiceField(label=_("Year"), coerce=int, choices=())
    region = forms.CharField(required=False, max_length=6, widget=forms.HiddenInput)
    exact = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, years: list[int], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [(year, year) for year in years]


class SchemePickForm(BootstrapFormMixin, forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2017, max_value=2100)
    category = forms.ChoiceField(label=_("Category"), choices=Category.choices)


# The rows of the rubric the scheme form offers.
RUBRIC_ROWS = 8


class SchemeForm(BootstrapFormMixin, forms.Form):
    normalization = forms.ChoiceField(label=_("Normalisation"), choices=Normalization.choices)
    floor = forms.DecimalField(
        label=_("Base share"),
        min_value=Decimal(0),
        max_value=Decimal(1),
        decimal_places=2,
        help_text=_("Share of a weight any reported value earns (0–1)."),
    )
    data_weight = forms.DecimalField(
        label=_("Weight of the data score"),
        min_value=Decimal(0),
        max_value=Decimal(1),
        decimal_places=2,
        required=False,
        initial=Decimal("0.40"),
        help_text=_("Final score = data score × w + expert score × (1 − w)."),
    )
    experts_per_complex = forms.IntegerField(
        label=_("Experts per complex"), min_value=1, max_value=20, required=False, initial=3
    )
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, indicators: list[Indicator], **kwargs):
        super().__init__(*args, **kwargs)
        self.indicators = indicators
        for number in range(1, RUBRIC_ROWS + 1):
            self.fields[f"rubric_name_{number}"] = forms.CharField(
                label=_("Rubric item %(number)s") % {"number": number},
                required=False,
                max_length=100,
                widget=forms.TextInput(attrs={"class": "form-control form-control-sm"}),
            )
            self.fields[f"rubric_max_{number}"] = forms.DecimalField(
                label=_("Maximum points of item %(number)s") % {"number": number},
                required=False,
                min_value=Decimal("0.01"),
                max_value=Decimal(100),
                decimal_places=2,
                widget=forms.NumberInput(attrs={"class": "form-control form-control-sm"}),
            )
        for indicator in indicators:
            self.fields[f"weight_{indicator.code}"] = forms.DecimalField(
                label=indicator.name,
                required=False,
                min_value=Decimal(0),
                max_value=Decimal(100),
                decimal_places=2,
            )

    def weights(self) -> dict[str, Decimal]:
        return {
            i.code: self.cleaned_data[f"weight_{i.code}"]
            for i in self.indicators
            if self.cleaned_data.get(f"weight_{i.code}")
        }

    def rubric(self) -> list[tuple[str, Decimal]] | None:
        """The rubric's items as entered, in order; a row without a name is left out. None
        when no row has a name: the rubric in force stays."""
        rows = [
            (name.strip(), self.cleaned_data.get(f"rubric_max_{number}") or Decimal(0))
            for number in range(1, RUBRIC_ROWS + 1)
            if (name := self.cleaned_data.get(f"rubric_name_{number}") or "").strip()
        ]
        return rows or None

    def halves(self) -> dict:
        """The weight of the data score and the number of experts, their defaults if blank."""
        weight = self.cleaned_data.get("data_weight")
        experts = self.cleaned_data.get("experts_per_complex")
        return {
            "data_weight": Decimal("0.40") if weight is None else weight,
            "experts_per_complex": experts or 3,
        }

    def rubric_fields(self):
        return [
            (self[f"rubric_name_{number}"], self[f"rubric_max_{number}"])
            for number in range(1, RUBRIC_ROWS + 1)
        ]

    def weight_fields(self):
        return [(indicator, self[f"weight_{indicator.code}"]) for indicator in self.indicators]


class GradingRulesForm(BootstrapFormMixin, forms.Form):
    """A scheme's grading rules: thresholds, the excellent quota and the days to rectify."""

    excellent_from = forms.DecimalField(label=_("Excellent from"), min_value=0, max_value=100)
    good_from = forms.DecimalField(label=_("Good from"), min_value=0, max_value=100)
    pass_from = forms.DecimalField(label=_("Pass from"), min_value=0, max_value=100)
    excellent_quota_percent = forms.DecimalField(
        label=_("Excellent quota (%)"),
        required=False,
        min_value=0,
        max_value=100,
        decimal_places=2,
        help_text=_(
            "At most this share of a category's complexes is graded excellent (rounded down, "
            "at least one); the next ones are good. Blank: no quota."
        ),
    )
    rectification_days = forms.IntegerField(
        label=_("Rectification days"),
        required=False,
        min_value=1,
        max_value=730,
        help_text=_("Days a failed complex has to rectify before its re-check. Blank: %(days)s."),
    )

    def __init__(self, *args, default_days: int, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["rectification_days"]
        field.help_text = field.help_text % {"days": default_days}


class RecheckForm(BootstrapFormMixin, forms.Form):
    """The province's re-check of a complex in rectification."""

    passed = forms.TypedChoiceField(
        label=_("Re-check outcome"),
        choices=[("true", _("Passed: back to operating")), ("false", _("Failed: propose removal"))],
        coerce=lambda value: value == "true",
    )
    checked_on = forms.DateField(
        label=_("Re-checked on"), widget=forms.DateInput(attrs={"type": "date"})
    )
    note = forms.CharField(label=_("What the re-check found"), max_length=REASON_MAX_LENGTH)


class AdjustmentForm(BootstrapFormMixin, forms.Form):
    """A city or county official's proposal of a bonus or penalty item of the year's scheme."""

    item_code = forms.ChoiceField(label=_("Bonus or penalty item"), choices=())
    reason = forms.CharField(
        label=_("Reason"), max_length=REASON_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 2})
    )
    evidence = forms.FileField(
        label=_("Evidence"),
        required=False,
        help_text=_("PDF, Office document or image; at most 10 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(ACCEPTED_EXTENSIONS)}),
    )

    def __init__(self, *args, items: list[AdjustmentItem], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item_code"].choices = [
            (item.code, f"{item.name} ({item.points:+})") for item in items
        ]


class AdjustmentDecisionForm(BootstrapFormMixin, forms.Form):
    note = forms.CharField(
        label=_("Note"), required=False, max_length=REASON_MAX_LENGTH, widget=forms.TextInput
    )


class DecisionForm(BootstrapFormMixin, forms.Form):
    comment = forms.CharField(label=_("Comment"), required=False)


# Expert review --------------------------------------------------------------------------------


class ExpertForm(BootstrapFormMixin, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=50)
    expertise = forms.CharField(label=_("Field of expertise"), max_length=100)
    organisation = forms.CharField(
        label=_("Organisation"),
        max_length=150,
        help_text=_("An expert never reviews a complex whose host unit is this organisation."),
    )
    city = forms.ModelChoiceField(
        label=_("City"),
        queryset=Region.objects.filter(level=RegionLevel.CITY),
        help_text=_("An expert never reviews a complex of this city."),
    )


class NewExpertForm(ExpertForm):
    username = forms.CharField(label=_("Username"), max_length=150)
    email = forms.EmailField(label=_("Email"), required=False)
    password = forms.CharField(
        label=_("Initial password"),
        widget=forms.PasswordInput(render_value=False),
        help_text=_("Tell the expert; they change it after signing in."),
    )


class AssignmentForm(BootstrapFormMixin, forms.Form):
    complex = forms.ModelChoiceField(label=_("Complex"), queryset=Complex.objects.none())
    expert = forms.ModelChoiceField(label=_("Expert"), queryset=Expert.objects.none())

    def __init__(self, *args, complexes, experts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["complex"].queryset = complexes
        self.fields["expert"].queryset = experts


class ReviewForm(BootstrapFormMixin, forms.Form):
    """Points (0 to the item's maximum) and a comment per rubric item."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, rubric: list[RubricItem], **kwargs):
        super().__init__(*args, **kwargs)
        self.rubric = rubric
        for item in rubric:
            self.fields[f"points_{item.pk}"] = forms.DecimalField(
                label=_("Points"),
                required=False,
                min_value=Decimal(0),
                max_value=item.maximum,
                decimal_places=2,
                widget=forms.NumberInput(attrs={"class": "form-control", "step": "0.5"}),
            )
            self.fields[f"comment_{item.pk}"] = forms.CharField(
                label=_("Comment"),
                required=False,
                max_length=COMMENT_MAX_LENGTH,
                widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}),
            )

    def scores(self) -> dict[int, tuple[Decimal, str]]:
        return {
            item.pk: (
                self.cleaned_data[f"points_{item.pk}"],
                self.cleaned_data.get(f"comment_{item.pk}", ""),
            )
            for item in self.rubric
            if self.cleaned_data.get(f"points_{item.pk}") is not None
        }

    def rows(self):
        return [
            (item, self[f"points_{item.pk}"], self[f"comment_{item.pk}"]) for item in self.rubric
        ]
