from django import forms
from django.utils.translation import gettext_lazy as _

from complexes.models import Level, Status
from portal.forms import BootstrapFormMixin
from portal.limits import REASON_MAX_LENGTH

from .models import RuleSet
from .services import RULE_FIELDS

MONEY = {"max_digits": 14, "decimal_places": 2, "min_value": 0}
FACTOR = {"max_digits": 5, "decimal_places": 2, "min_value": 0}


class SimulationForm(BootstrapFormMixin, forms.Form):
    """What-if parameters; an empty field keeps the year's rule."""

    year = forms.IntegerField(label=_("Year"), min_value=2017, max_value=2100)
    pool = forms.DecimalField(label=_("Pool (CNY)"), required=False, **MONEY)
    floor = forms.DecimalField(label=_("Floor (CNY)"), required=False, **MONEY)
    cap = forms.DecimalField(label=_("Cap (CNY)"), required=False, **MONEY)
    excellent = forms.DecimalField(label=_("Multiplier: excellent"), required=False, **FACTOR)
    good = forms.DecimalField(label=_("Multiplier: good"), required=False, **FACTOR)
    pass_ = forms.DecimalField(label=_("Multiplier: pass"), required=False, **FACTOR)
    fail = forms.DecimalField(label=_("Multiplier: fail"), required=False, **FACTOR)

    def multipliers(self) -> dict:
        names = {"excellent": "excellent", "good": "good", "pass": "pass_", "fail": "fail"}
        return {
            grade: self.cleaned_data[field]
            for grade, field in names.items()
            if self.cleaned_data.get(field) is not None
        }


class RuleSetForm(BootstrapFormMixin, forms.ModelForm):
    eligible_levels = forms.MultipleChoiceField(
        label=_("eligible levels"), choices=Level.choices, widget=forms.CheckboxSelectMultiple
    )
    eligible_statuses = forms.MultipleChoiceField(
        label=_("eligible statuses"),
        choices=[(value, label) for value, label in Status.choices if value != Status.REMOVED],
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = RuleSet
        fields = ["year", *RULE_FIELDS, "note"]
        widgets = {"note": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].required = True


class PublishForm(BootstrapFormMixin, forms.Form):
    year = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required when the year's allocations are already published."),
    )
