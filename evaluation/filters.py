import django_filters
from django.utils.translation import gettext_lazy as _

from complexes.filters import Mountain26Filter, RegionSubtreeFilter
from complexes.models import Category
from portal.filtering import UserFilterSet, WholeNumberFilter
from portal.forms import FilterForm

from .models import AnnualReport, Evaluation, Grade, Publication, ReportStatus


class ReportFilter(UserFilterSet):
    year = WholeNumberFilter(label=_("Year"), year=True)
    status = django_filters.ChoiceFilter(choices=ReportStatus.choices, label=_("Status"))
    category = django_filters.ChoiceFilter(
        field_name="complex__category", choices=Category.choices, label=_("Category")
    )
    region = RegionSubtreeFilter(field_path="complex__region__code", label=_("City / county"))
    mountain_26 = Mountain26Filter(field_name="complex__region__mountain_26")
    complex = WholeNumberFilter(field_name="complex_id", label=_("Complex"))

    class Meta:
        model = AnnualReport
        form = FilterForm
        fields = ["year", "status", "category", "region", "mountain_26", "complex"]


def with_published_year(data):
    """The results page's query string, for the latest published year unless one is asked for."""
    if data and data.get("year"):
        return data
    latest = Publication.objects.order_by("-year").values_list("year", flat=True).first()
    if latest is None:
        return data
    chosen = data.copy() if data else {}
    chosen["year"] = str(latest)
    return chosen


class EvaluationFilter(UserFilterSet):
    year = WholeNumberFilter(label=_("Year"), year=True)
    category = django_filters.ChoiceFilter(choices=Category.choices, label=_("Category"))
    grade = django_filters.ChoiceFilter(choices=Grade.choices, label=_("Grade"))
    region = RegionSubtreeFilter(field_path="complex__region__code", label=_("City / county"))
    mountain_26 = Mountain26Filter(field_name="complex__region__mountain_26")
    complex = WholeNumberFilter(field_name="complex_id", label=_("Complex"))

    class Meta:
        model = Evaluation
        form = FilterForm
        fields = ["year", "category", "grade", "region", "mountain_26", "complex"]
