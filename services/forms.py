from decimal import Decimal

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from complexes.models import Institution, Region, RegionLevel
from complexes.region_picker import RegionChoiceField
from portal.forms import BootstrapFormMixin, CreditCodeField
from portal.limits import COMMENT_MAX_LENGTH, DESCRIPTION_MAX_LENGTH, REASON_MAX_LENGTH

from .attachments import (
    ACCEPTED_EXTENSIONS,
    LICENCE_EXTENSIONS,
    validate_attachment,
    validate_licence,
)
from .models import (
    COUNT_LIMIT,
    PERCENT_CHANGE_BOUNDS,
    Enterprise,
    EnterpriseSize,
    Offering,
    Voucher,
)


def licence_field() -> forms.FileField:
    return forms.FileField(
        label=_("Business licence"),
        validators=[validate_licence],
        help_text=_(
            "A PDF or a photo of the licence; at most 10 MB. An official of your region checks "
            "it before your enterprise can receive innovation vouchers."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(LICENCE_EXTENSIONS)}),
    )


class RegistrationForm(BootstrapFormMixin, forms.Form):
    name = forms.CharField(label=_("Enterprise name"), max_length=150)
    credit_code = CreditCodeField(
        label=_("Unified social credit code"),
        help_text=_("18 characters, as on the business licence."),
    )
    region = RegionChoiceField(
        label=_("Region"),
        queryset=Region.objects.exclude(level=RegionLevel.PROVINCE).order_by("code"),
    )
    size = forms.ChoiceField(label=_("Size"), choices=EnterpriseSize.choices)
    high_tech = forms.BooleanField(label=_("National high-tech enterprise"), required=False)
    tech_sme = forms.BooleanField(label=_("S&T SME"), required=False)
    contact_name = forms.CharField(label=_("Contact person"), max_length=50)
    contact_phone = forms.CharField(label=_("Contact phone"), max_length=32)
    email = forms.EmailField(label=_("Email"))
    username = forms.CharField(label=_("User name"), max_length=150)
    password = forms.CharField(label=_("Password"), widget=forms.PasswordInput)
    password_again = forms.CharField(label=_("Password again"), widget=forms.PasswordInput)
    business_licence = licence_field()

    def clean(self):
        data = super().clean()
        if data.get("password") and data.get("password") != data.get("password_again"):
            self.add_error("password_again", _("The two passwords differ."))
        return data


class ServiceRequestForm(BootstrapFormMixin, forms.Form):
    description = forms.CharField(
        label=_("What do you need?"),
        max_length=DESCRIPTION_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    attachment = forms.FileField(
        label=_("Attachment"),
        required=False,
        validators=[validate_attachment],
        help_text=_("PDF, Office document or image; at most 10 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(ACCEPTED_EXTENSIONS)}),
    )
    voucher = forms.ModelChoiceField(
        label=_("Pay part with an innovation voucher"),
        queryset=Voucher.objects.none(),
        required=False,
    )
    voucher_amount = forms.DecimalField(
        label=_("Amount paid by voucher (CNY)"), max_digits=14, decimal_places=2, required=False
    )

    def __init__(self, *args, vouchers, **kwargs):
        super().__init__(*args, **kwargs)
        if vouchers is None:
            del self.fields["voucher"], self.fields["voucher_amount"]
        else:
            self.fields["voucher"].queryset = vouchers
            self.fields["voucher"].label_from_instance = voucher_label


class OfferingForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = Offering
        fields = [
            "title", "service_type", "institution", "description", "price", "turnaround_days",
            "voucher_eligible", "active",
        ]  # fmt: skip
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, complex_id, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["institution"].queryset = Institution.objects.filter(
            complex_id=complex_id
        ).order_by("name")


class ReasonForm(BootstrapFormMixin, forms.Form):
    reason = forms.CharField(
        label=_("Reason"), max_length=REASON_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 2})
    )


class OptionalReasonForm(BootstrapFormMixin, forms.Form):
    reason = forms.CharField(
        label=_("Note (optional)"),
        required=False,
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input, each checked like a single one."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault(
            "widget", MultipleFileInput(attrs={"accept": ",".join(ACCEPTED_EXTENSIONS)})
        )
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data] if data else []
        return [super(MultipleFileField, self).clean(upload, initial) for upload in files]


class DeliverForm(BootstrapFormMixin, forms.Form):
    note = forms.CharField(
        label=_("Delivery note"),
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    files = MultipleFileField(
        label=_("Deliverables"),
        required=False,
        validators=[validate_attachment],
        help_text=_("Test reports, designs: PDF, Office documents or images; at most 10 MB each."),
    )


class QuoteForm(BootstrapFormMixin, forms.Form):
    price = forms.DecimalField(
        label=_("Quoted price (CNY)"), max_digits=14, decimal_places=2, min_value=Decimal("0.01")
    )
    delivery_date = forms.DateField(
        label=_("Delivery by"), widget=forms.DateInput(attrs={"type": "date"})
    )
    note = forms.CharField(
        label=_("Note to the enterprise"),
        required=False,
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class AcceptQuoteForm(BootstrapFormMixin, forms.Form):
    """Accepting a quote, with the voucher money to pay part of it (optional)."""

    needs_user = True
    voucher = forms.ModelChoiceField(
        label=_("Pay part with an innovation voucher"),
        queryset=Voucher.objects.none(),
        required=False,
    )
    voucher_amount = forms.DecimalField(
        label=_("Amount paid by voucher (CNY)"),
        max_digits=14,
        decimal_places=2,
        min_value=Decimal("0"),
        required=False,
    )

    def __init__(self, *args, vouchers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["voucher"].queryset = vouchers
        self.fields["voucher"].label_from_instance = voucher_label


def voucher_label(voucher) -> str:
    return _("No. %(id)s · balance %(balance)s CNY · until %(end)s") % {
        "id": voucher.pk,
        "balance": voucher.balance,
        "end": voucher.expires_on,
    }


class ConfirmForm(BootstrapFormMixin, forms.Form):
    rating = forms.TypedChoiceField(
        label=_("Rating"),
        coerce=int,
        choices=[(n, "★" * n) for n in range(5, 0, -1)],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        max_length=COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class EmptyForm(forms.Form):
    """Actions with nothing to say (accept, start, cancel)."""


ACTION_FORMS = {
    "accept": EmptyForm,
    "quote": QuoteForm,
    "accept_quote": AcceptQuoteForm,
    "decline_quote": OptionalReasonForm,
    "reject": ReasonForm,
    "start": EmptyForm,
    "deliver": DeliverForm,
    "confirm": ConfirmForm,
    "dispute": ReasonForm,
    "cancel": EmptyForm,
}


class VoucherIssueForm(BootstrapFormMixin, forms.Form):
    credit_code = CreditCodeField(label=_("Enterprise's credit code"))
    amount = forms.DecimalField(
        label=_("Amount (CNY)"), max_digits=14, decimal_places=2, min_value=0.01
    )
    valid_from = forms.DateField(
        label=_("Valid from"), widget=forms.DateInput(attrs={"type": "date"})
    )
    expires_on = forms.DateField(
        label=_("Expires on"), widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean_credit_code(self):
        code = self.cleaned_data["credit_code"]
        self.enterprise = Enterprise.objects.filter(credit_code=code).first()
        if self.enterprise is None:
            raise forms.ValidationError(_("No registered enterprise has this code."))
        return code


class VoucherApplicationForm(BootstrapFormMixin, forms.Form):
    amount = forms.DecimalField(
        label=_("Amount (CNY)"), max_digits=14, decimal_places=2, min_value=0.01
    )
    purpose = forms.CharField(
        label=_("Purpose"),
        max_length=DESCRIPTION_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What the voucher will pay for, and what your enterprise expects of it."),
    )
    planned_services = forms.ModelMultipleChoiceField(
        label=_("Planned services"),
        queryset=Offering.objects.none(),
        required=False,
        help_text=_("Services of your city's complexes that accept innovation vouchers."),
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )

    def __init__(self, *args, planned_choices=None, **kwargs):
        super().__init__(*args, **kwargs)
        if planned_choices is not None:
            self.fields["planned_services"].queryset = planned_choices
        self.fields["planned_services"].label_from_instance = self.offering_label

    @staticmethod
    def offering_label(offering: Offering) -> str:
        return f"{offering.complex.name} · {offering.title}"


class EnterpriseProfileForm(BootstrapFormMixin, forms.ModelForm):
    """What the enterprise's own users edit; the service checks the certificate number."""

    class Meta:
        model = Enterprise
        fields = [
            "name", "size", "address", "contact_name", "contact_phone", "contact_email",
            "high_tech", "high_tech_certificate",
        ]  # fmt: skip


class LicenceUploadForm(BootstrapFormMixin, forms.Form):
    business_licence = licence_field()


class VoucherImportForm(BootstrapFormMixin, forms.Form):
    file = forms.FileField(
        label=_("Excel sheet (.xlsx)"),
        help_text=_("Columns: credit code, amount (CNY), valid from, expires on; one header row."),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
    )


def _named_errors(name, low, high, *, whole: bool) -> dict:
    """Error messages that name the field, so a message read apart from its box still says which
    answer is wrong (``name`` without a per cent sign: Django formats validator messages)."""
    out_of_range = format_lazy(
        _("“{field}” must be between {low} and {high}."), field=name, low=low, high=high
    )
    return {
        "required": format_lazy(_("Answer “{field}”."), field=name),
        "invalid": format_lazy(
            _("“{field}” must be a whole number.") if whole else _("“{field}” must be a number."),
            field=name,
        ),
        "min_value": out_of_range,
        "max_value": out_of_range,
        "max_digits": out_of_range,
        "max_whole_digits": out_of_range,
        "max_decimal_places": format_lazy(
            _("“{field}” takes at most two decimal places."), field=name
        ),
    }


def _percent_field(name, help_text) -> forms.DecimalField:
    low, high = PERCENT_CHANGE_BOUNDS
    return forms.DecimalField(
        label=format_lazy("{name} (%)", name=name),
        help_text=help_text,
        max_digits=7,
        decimal_places=2,
        min_value=low,
        max_value=high,
        error_messages=_named_errors(name, low, high, whole=False),
    )


def _count_field(name, help_text, high=COUNT_LIMIT, label=None) -> forms.IntegerField:
    return forms.IntegerField(
        label=name if label is None else label,
        help_text=help_text,
        min_value=0,
        max_value=high,
        error_messages=_named_errors(name, 0, high, whole=True),
    )


class ImpactSurveyForm(BootstrapFormMixin, forms.Form):
    """The five questions of the impact follow-up, all required: an answer is whole or absent."""

    revenue_change = _percent_field(
        _("Revenue change"),
        _(
            "Revenue of the last twelve months against the twelve months before the service, "
            "in percent: −100 to 1000; 0 if unchanged, negative if it fell."
        ),
    )
    new_products = _count_field(
        _("New products"), _("Products or processes launched with the service's help.")
    )
    jobs_created = _count_field(_("Jobs created"), _("Net new jobs since the service."))
    rd_spend_change = _percent_field(
        _("R&D spend change"),
        _(
            "R&D spend of the last twelve months against the twelve months before the service, "
            "in percent: −100 to 1000."
        ),
    )
    recommend_score = _count_field(
        _("Would recommend"),
        _("0: not at all; 10: certainly."),
        high=10,
        label=_("Would you recommend the complex? (0–10)"),
    )
