from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from complexes.models import Category
from portal.forms import BootstrapFormMixin
from portal.limits import COMMENT_MAX_LENGTH, REASON_MAX_LENGTH
from portal.uploads import ACCEPTED_EXTENSIONS

from .models import AdjustmentItem, Indicator, Normalization, Recommendation


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


class SchemeForm(BootstrapFormMixin, forms.Form):
    normalization = forms.ChoiceField(label=_("Normalisation"), choices=Normalization.choices)
    floor = forms.DecimalField(
        label=_("Base share"),
        min_value=Decimal(0),
        max_value=Decimal(1),
        decimal_places=2,
        help_text=_("Share of a weight any reported value earns (0–1)."),
    )
    excellent_from = forms.DecimalField(label=_("Excellent from"), min_value=0, max_value=100)
    good_from = forms.DecimalField(label=_("Good from"), min_value=0, max_value=100)
    pass_from = forms.DecimalField(label=_("Pass from"), min_value=0, max_value=100)
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, indicators: list[Indicator], **kwargs):
        super().__init__(*args, **kwargs)
        self.indicators = indicators
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

    def weight_fields(self):
        return [(indicator, self[f"weight_{indicator.code}"]) for indicator in self.indicators]


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
