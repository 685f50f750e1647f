import django_filters
from django import forms
from django.db.models import F, Q
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_filters.conf import settings as filter_settings
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from complexes.filters import REGION_NAME_FIELDS, Mountain26Filter, RegionSubtreeFilter
from complexes.models import Complex
from portal import credit_code, policy
from portal.filtering import UserFilterSet
from portal.forms import FilterForm, ValuesChoiceIterator
from portal.search import all_terms_match

from .models import (
    ApplicationStatus,
    Enterprise,
    EnterpriseSize,
    ImpactSurvey,
    Offering,
    RequestStatus,
    ServiceRequest,
    ServiceType,
    SurveyStatus,
    VerificationState,
    VoucherApplication,
)

OFFERING_SEARCH_FIELDS = [
    "title",
    "description",
    "institution__name",
    "complex__name",
    "complex__industry",
    *(f"complex__{field}" for field in REGION_NAME_FIELDS),
]


def offering_search_condition(text: str) -> Q:
    """Every term in the offering's title or description, its institution's or complex's name,
    the complex's industry or regions (a city's name finds its counties' offerings)."""
    return all_terms_match(text, OFFERING_SEARCH_FIELDS)


class ComplexChoiceField(forms.ModelChoiceField):
    """A complex by its id, from a menu of the complexes' names."""

    iterator = ValuesChoiceIterator
    label_field = "name"


class ComplexByIdFilter(django_filters.ModelChoiceFilter):
    """A complex chosen by its id; the choices are read only when the form is drawn."""

    field_class = ComplexChoiceField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("queryset", Complex.objects.only("id", "code", "name").order_by("code"))
        kwargs.setdefault("label", _("Complex"))
        super().__init__(*args, **kwargs)


# The catalogue's orders besides its own (by complex, type and title); "on quotation" prices and
# offerings nobody has rated yet come last.
OFFERING_ORDERS = {
    "price": (F("price").asc(nulls_last=True), "id"),
    "turnaround": ("turnaround_days", "id"),
    "rating": (
        F("stats__rating_average").desc(nulls_last=True),
        F("stats__rating_count").desc(nulls_last=True),
        "id",
    ),
    "served": (F("stats__served_count").desc(nulls_last=True), "id"),
}
OFFERING_ORDERS_CHOICES = [
    ("", _("Complex and type")),
    ("price", _("Price, lowest first")),
    ("turnaround", _("Turnaround, shortest first")),
    ("rating", _("Rating, best first")),
    ("served", _("Most requested")),
]


class OfferingFilter(UserFilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    service_type = django_filters.ChoiceFilter(choices=ServiceType.choices, label=_("Service type"))
    region = RegionSubtreeFilter(field_path="complex__region__code", label=_("City / county"))
    mountain_26 = Mountain26Filter(field_name="complex__region__mountain_26")
    complex = ComplexByIdFilter()
    voucher_eligible = django_filters.BooleanFilter(label=_("Vouchers accepted"))
    sort = django_filters.ChoiceFilter(
        choices=OFFERING_ORDERS_CHOICES, label=_("Sort by"), method="sort_by", empty_label=None
    )

    class Meta:
        model = Offering
        form = FilterForm
        fields = [
            "q",
            "service_type",
            "region",
            "mountain_26",
            "complex",
            "voucher_eligible",
            "sort",
        ]

    def sort_by(self, queryset, name, value):
        return queryset.order_by(*OFFERING_ORDERS[value]) if value else queryset

    def search(self, queryset, name, value):
        text = value.strip()
        return queryset.filter(offering_search_condition(text)) if text else queryset


def year_choices():
    """Any year first: a menu without an empty choice would always send this year, and hide
    every request of another year or still open."""
    this_year = timezone.localdate().year
    any_year = ("", filter_settings.EMPTY_CHOICE_LABEL)
    return [any_year, *((year, str(year)) for year in range(this_year, this_year - 6, -1))]


@extend_schema_field(OpenApiTypes.INT)
class YearFilter(django_filters.TypedChoiceFilter):
    """A calendar year of one of the request's dates (in the portal's time zone); no year
    chosen, no condition."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("choices", year_choices)
        kwargs.setdefault("coerce", int)
        super().__init__(*args, **kwargs)


class VisibleRequestsComplexFilter(ComplexByIdFilter):
    """Only complexes whose requests the filter set's user may see: an official's choices are
    the complexes of their region, an operator's its own, an enterprise's those it asked."""

    def get_queryset(self, request):
        complexes = super().get_queryset(request)
        user = self.parent.user
        if user is None:
            return complexes
        if policy.scope_of(user, "view") == policy.OWN_ENTERPRISE:
            return complexes.filter(
                pk__in=ServiceRequest.objects.in_scope(user).values("complex_id")
            )
        # The requests in scope are those of the complexes in scope: no need to read the
        # requests (1.5 million for the province at scale 10) to find their complexes.
        return complexes.in_scope(user)


class ServiceRequestFilter(UserFilterSet):
    status = django_filters.ChoiceFilter(choices=RequestStatus.choices, label=_("Status"))
    complex = VisibleRequestsComplexFilter()
    year = YearFilter(field_name="submitted_at__year", label=_("Year submitted"))
    completed_year = YearFilter(field_name="completed_at__year", label=_("Year completed"))
    overdue = django_filters.BooleanFilter(label=_("Overdue"))

    class Meta:
        model = ServiceRequest
        form = FilterForm
        fields = ["status", "complex", "year", "completed_year", "overdue"]


def search_enterprises(queryset, name, value):
    """By name or credit code (a pasted code matches with its spaces and hyphens)."""
    text = value.strip()
    if not text:
        return queryset
    condition = Q(name__icontains=text)
    if code := credit_code.normalise(text):
        condition |= Q(credit_code__icontains=code)
    return queryset.filter(condition)


class EnterpriseFilter(UserFilterSet):
    q = django_filters.CharFilter(label=_("Search"), method=search_enterprises)
    region = RegionSubtreeFilter(label=_("City / county"))
    mountain_26 = Mountain26Filter()
    size = django_filters.ChoiceFilter(choices=EnterpriseSize.choices, label=_("Size"))
    high_tech = django_filters.BooleanFilter(label=_("National high-tech enterprise"))
    verified = django_filters.BooleanFilter(label=_("Verified"))

    class Meta:
        model = Enterprise
        form = FilterForm
        fields = ["q", "region", "mountain_26", "size", "high_tech", "verified"]


# Each state of a registration as a condition on the enterprise's own columns.
VERIFICATION_STATES = {
    VerificationState.NO_LICENCE: Q(verified=False, business_licence=""),
    VerificationState.PENDING: Q(verified=False, verification_rejected_reason="")
    & ~Q(business_licence=""),
    VerificationState.REJECTED: Q(verified=False) & ~Q(verification_rejected_reason=""),
    VerificationState.VERIFIED: Q(verified=True),
}


class VerificationFilter(UserFilterSet):
    """The officials' queue of registrations: waiting ones unless another state is chosen."""

    state = django_filters.ChoiceFilter(
        choices=VerificationState.choices,
        label=_("Verification"),
        method="in_state",
        empty_label=None,
    )
    region = RegionSubtreeFilter(label=_("City / county"))
    mountain_26 = Mountain26Filter()
    q = django_filters.CharFilter(label=_("Search"), method=search_enterprises)

    class Meta:
        model = Enterprise
        form = FilterForm
        fields = ["state", "region", "mountain_26", "q"]

    def __init__(self, data=None, *args, **kwargs):
        data = data.copy() if data is not None else QueryDict(mutable=True)
        data.setdefault("state", VerificationState.PENDING)
        super().__init__(data, *args, **kwargs)

    def in_state(self, queryset, name, value):
        return queryset.filter(VERIFICATION_STATES[value])


class VoucherApplicationFilter(UserFilterSet):
    status = django_filters.ChoiceFilter(choices=ApplicationStatus.choices, label=_("Status"))
    year = YearFilter(field_name="year", label=_("Year"))

    class Meta:
        model = VoucherApplication
        form = FilterForm
        fields = ["status", "year"]


class ImpactSurveyFilter(UserFilterSet):
    status = django_filters.ChoiceFilter(choices=SurveyStatus.choices, label=_("Status"))
    complex = django_filters.ModelChoiceFilter(queryset=Complex.objects.all(), label=_("Complex"))

    class Meta:
        model = ImpactSurvey
        form = FilterForm
        fields = ["status", "complex"]
