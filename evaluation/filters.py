import django_filters
from django.utils.translation import gettext_lazy as _

from complexes.filters import Mountain26Filter, RegionSubtreeFilter
from complexes.models import Category
from portal import policy
from portal.filtering import UserFilterSet, WholeNumberFilter
from portal.forms import FilterForm

from .models import (
    Adjustment,
    AdjustmentStatus,
    AnnualReport,
    Evaluation,
    ExpertReview,
    Grade,
    ReportStatus,
    RevisionStatus,
)


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
    # The year's draft revision instead of its published one: offered to those who may see
    # drafts, refused (400, naming the field) to anyone else. ``selectors.evaluations`` reads
    # it before filtering, as it chooses between the revisions.
    revision = django_filters.ChoiceFilter(
        choices=[(RevisionStatus.DRAFT.value, _("Draft"))],
        label=_("Revision"),
        method="filter_revision",
    )
    category = django_filters.ChoiceFilter(choices=Category.choices, label=_("Category"))
    grade = django_filters.ChoiceFilter(choices=Grade.choices, label=_("Grade"))
    region = RegionSubtreeFilter(field_path="complex__region__code", label=_("City / county"))
    mountain_26 = Mountain26Filter(field_name="complex__region__mountain_26")
    complex = WholeNumberFilter(field_name="complex_id", label=_("Complex"))

    class Meta:
        model = Evaluation
        form = FilterForm
        fields = ["year", "category", "grade", "region", "mountain_26", "complex"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not (self.user and policy.can(self.user, "results.view_drafts")):
            # On the form field itself: a field already built on the class's filter (the API
            # schema builds it) is copied into each filter set as it is, whatever ``extra`` says.
            self.filters["revision"].field.choices = []

    def filter_revision(self, queryset, name, value):
        return queryset.drafts()


class ExpertReviewFilter(UserFilterSet):
    year = WholeNumberFilter(field_name="assignment__year", label=_("Year"), year=True)
    complex = WholeNumberFilter(field_name="assignment__complex_id", label=_("Complex"))

    class Meta:
        model = ExpertReview
        form = FilterForm
        fields = ["year", "complex"]
