"""Early warning: complexes at risk before the year ends, each with its reasons.

Read from the per-complex tables the nightly job keeps (results, derived values, reports,
allocations), a fixed number of queries whatever the size of the region.
"""

from collections import defaultdict
from decimal import Decimal

from django.db.models import BooleanField, ExpressionWrapper, F, Max, Q
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from complexes.models import Complex, Region, Status
from evaluation.models import AnnualReport, DerivedValue, Evaluation, ReportingPeriod, ReportStatus
from funding.models import Allocation, AllocationStatus

LOW_SATISFACTION = Decimal("3.5")
STEEP_FALL = Decimal("0.7")  # this year's services below 70 % of last year's


def share_of_year_elapsed(year: int) -> Decimal:
    """How much of ``year`` has gone by: a year in progress is compared pro rata."""
    today = timezone.localdate()
    if year != today.year:
        return Decimal(1)
    return Decimal(today.timetuple().tm_yday) / Decimal(365)


def early_warnings(*, year: int, region: Region) -> list[dict]:
    """[{"complex": Complex, "reasons": [text, ...]}], the most reasons first."""
    in_region = {"complex__region__code__startswith": region.subtree_prefix}
    reasons: dict[int, list[str]] = defaultdict(list)

    failed = Evaluation.objects.filter(year=year - 1, grade="fail", **in_region)
    for complex_id in failed.values_list("complex_id", flat=True):
        reasons[complex_id].append(_("failed the %(year)s evaluation") % {"year": year - 1})

    deadline = ReportingPeriod.objects.filter(year=year).values_list("deadline", flat=True).first()
    if deadline and deadline < timezone.localdate():
        late = AnnualReport.objects.filter(
            year=year, status__in=[ReportStatus.DRAFT, ReportStatus.RETURNED], **in_region
        ).values_list("complex_id", flat=True)
        for complex_id in late:
            reasons[complex_id].append(
                _("annual report %(year)s overdue since %(deadline)s")
                % {"year": year, "deadline": deadline}
            )

    # Compared in SQL, so only the complexes at risk come back, however large the region.
    def derived(code: str, value_year: int):
        return Max("value", filter=Q(indicator__code=code, year=value_year))

    services = (
        DerivedValue.objects.filter(
            year__in=[year - 1, year],
            indicator__code__in=["services_delivered", "average_rating"],
            **in_region,
        )
        .values("complex_id")
        .annotate(
            rating=Coalesce(derived("average_rating", year), derived("average_rating", year - 1)),
            delivered_before=derived("services_delivered", year - 1),
            delivered_now=derived("services_delivered", year),
        )
        .annotate(
            low_satisfaction=ExpressionWrapper(
                Q(rating__lt=LOW_SATISFACTION), output_field=BooleanField()
            ),
            steep_fall=ExpressionWrapper(
                Q(delivered_before__gt=0, delivered_now__lt=F("delivered_before") * STEEP_FALL),
                output_field=BooleanField(),
            ),
        )
        .filter(Q(low_satisfaction=True) | Q(steep_fall=True))
        .order_by()
    )
    for row in services:
        if row["low_satisfaction"]:
            reasons[row["complex_id"]].append(
                _("low satisfaction: %(rating)s / 5") % {"rating": row["rating"]}
            )
        if row["steep_fall"]:
            reasons[row["complex_id"]].append(
                _("services delivered fell from %(before)s to %(now)s")
                % {"before": int(row["delivered_before"]), "now": int(row["delivered_now"])}
            )

    shortfalls = Allocation.objects.filter(
        year=year - 1,
        status=AllocationStatus.PUBLISHED,
        compliant=False,
        provincial_amount__gt=0,
        **in_region,
    ).values_list("complex_id", flat=True)
    for complex_id in shortfalls:
        reasons[complex_id].append(_("matching funds short for %(year)s") % {"year": year - 1})

    complexes = (
        Complex.objects.in_region(region.code).exclude(status=Status.REMOVED).filter(pk__in=reasons)
    )
    rows = [
        {"complex": complex_, "reasons": reasons[complex_.pk]}
        for complex_ in complexes.select_related("region__parent")
    ]
    return sorted(rows, key=lambda row: (-len(row["reasons"]), row["complex"].code))
