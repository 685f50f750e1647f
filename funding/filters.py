import django_filters
from django.utils.translation import gettext_lazy as _

from complexes.filters import Mountain26Filter, RegionSubtreeFilter
from complexes.models import Category, Region, RegionLevel
from evaluation.models import Grade
from portal.filtering import UserFilterSet, WholeNumberFilter
from portal.forms import FilterForm

from .models import Allocation, AllocationStatus


class AllocationFilter(UserFilterSet):
    year = WholeNumberFilter(field_name="year", label=_("Year"), year=True)
    region = RegionSubtreeFilter(field_path="complex__region__code", label=_("Region"))
    city = RegionSubtreeFilter(
        field_path="complex__region__code",
        queryset=Region.objects.filter(level=RegionLevel.CITY),
        label=_("Prefecture-level city"),
    )
    county = RegionSubtreeFilter(
        field_path="complex__region__code",
        queryset=Region.objects.filter(level=RegionLevel.COUNTY),
        label=_("County-level division"),
    )
    mountain_26 = Mountain26Filter(field_name="complex__region__mountain_26")
    category = django_filters.ChoiceFilter(
        field_name="complex__category", choices=Category.choices, label=_("Category")
    )
    grade = django_filters.ChoiceFilter(choices=Grade.choices, label=_("Grade"))
    compliant = django_filters.BooleanFilter(label=_("Matching compliant"))
    status = django_filters.ChoiceFilter(choices=AllocationStatus.choices, label=_("Status"))

    class Meta:
        model = Allocation
        form = FilterForm
        fields = [
            "year",
            "region",
            "city",
            "county",
            "mountain_26",
            "category",
            "grade",
            "compliant",
            "status",
        ]
