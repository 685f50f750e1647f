import django_filters
from django.utils.translation import gettext_lazy as _

from complexes.filters import RegionSubtreeFilter
from complexes.models import Category
from portal.filtering import UserFilterSet, WholeNumberFilter
from portal.forms import FilterForm

from .models import Adjustment, AdjustmentStatus, AnnualReport, Evaluation, Grade, ReportStatus


class ReportFilter(UserFilterSet):
    year = WholeNumberFilter(label=_("Year"), year=True)
    status = django_filters.ChoiceFilter(choices=ReportStatus.choices, label=_("Status"))
    category = django_filters.ChoiceFilter(
        field_name="complex__category", choices=Category.choices, label=_("Category")
    )
    region = RegionSubtreeFilter(field_path="complex__region__code", label=_("City / county"))
    complex = WholeNumberFilter(field_name="complex_id", label=_("Complex"))

    class Meta:
        model = AnnualReport
        form = FilterForm
        fields = ["year", "status", "category", "region", "complex"]


class AdjustmentFilter(UserFilterSet):
    year = WholeNumberFilter(label=_("Year"), year=True)
    status = django_filters.ChoiceFilter(choices=AdjustmentStatus.choices, label=_("Status"))
    region = RegionSubtreeFilter(field_path="complex__region__code", label=_("City / county"))

    class Meta:
        model = Adjustment
        form = FilterForm
        fields = ["year", "status", "region"]


class EvaluationFilter(UserFilterSet):
    year = WholeNumberFilter(label=_("Year"), year=True)
    category = django_filters.ChoiceFilter(choices=Category.choices, label=_("Category"))
    grade = django_filters.ChoiceFilter(choices=Grade.choices, label=_("Grade"))
    region = RegionSubtreeFilter(field_path="complex__region__code", label=_("City / county"))
    complex = WholeNumberFilter(field_name="complex_id", label=_("Complex"))

    class Meta:
        model = Evaluation
        form = FilterForm
        fields = ["year", "category", "grade", "region", "complex"]
