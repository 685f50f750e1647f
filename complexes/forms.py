from django import forms
from django.utils.translation import gettext_lazy as _

from portal.forms import BootstrapFormMixin, CreditCodeField
from portal.limits import REASON_MAX_LENGTH

from .models import Complex, Institution, SharedInstrument, Status, TalentTeam
from .region_picker import RegionChoiceField
from .services import ALLOWED_STATUS_CHANGES


class ComplexProfileForm(BootstrapFormMixin, forms.ModelForm):
    """The profile fields the user may edit (decided by ``services.editable_complex_fields``)."""

    website = forms.URLField(label=_("website"), required=False, assume_scheme="https")

    class Meta:
        model = Complex
        fields = [
            "name", "level", "category", "region", "industry", "cluster_size_tier",
            "construction_mode", "operating_mechanism", "applicant_government", "host_unit",
            "founded_year", "contact_name", "contact_phone", "contact_email", "website",
            "address", "description", "longitude", "latitude",
        ]  # fmt: skip
        widgets = {"description": forms.Textarea(attrs={"rows": 5})}
        field_classes = {"region": RegionChoiceField}

    def __init__(self, *args, editable_fields, **kwargs):
        super().__init__(*args, **kwargs)
        for name in list(self.fields):
            if name not in editable_fields or name == "status":
                del self.fields[name]


class StatusChangeForm(BootstrapFormMixin, forms.Form):
    to_status = forms.ChoiceField(label=_("New status"), choices=())
    reason = forms.CharField(
        label=_("Reason"),
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Kept in the complex's status history."),
    )

    def __init__(self, *args, current_status, **kwargs):
        super().__init__(*args, **kwargs)
        allowed = ALLOWED_STATUS_CHANGES[current_status]
        self.fields["to_status"].choices = [
            (value, label) for value, label in Status.choices if value in allowed
        ]


class HearingForm(BootstrapFormMixin, forms.Form):
    """The hearing the province held before removing a complex."""

    prefix = "hearing"
    held_on = forms.DateField(
        label=_("Hearing date"), widget=forms.DateInput(attrs={"type": "date"})
    )
    outcome = forms.CharField(
        label=_("Outcome and statement"),
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What the operator stated and what the hearing concluded."),
    )


class ReapplyForm(BootstrapFormMixin, forms.Form):
    """A removed complex applying again as a new complex."""

    code = forms.CharField(label=_("Code of the new complex"), max_length=20)
    reason = forms.CharField(
        label=_("Reason"),
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Kept in the new complex's status history."),
    )


class InstitutionForm(BootstrapFormMixin, forms.ModelForm):
    credit_code = CreditCodeField(label=_("Unified social credit code"), required=False)

    class Meta:
        model = Institution
        fields = [
            "name",
            "type",
            "credit_code",
            "contact_name",
            "contact_phone",
            "joined_year",
            "left_year",
            "description",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}


class SharedInstrumentForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = SharedInstrument
        fields = [
            "name",
            "institution",
            "original_value",
            "acquired_year",
            "shared_from_year",
            "retired_year",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Only the complex's own members can own its instruments.
        self.fields["institution"].queryset = Institution.objects.filter(
            complex_id=self.instance.complex_id
        )


class TalentTeamForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = TalentTeam
        fields = ["name", "leader", "field", "size", "introduced_year", "dissolved_year"]
