"""Early warning: complexes at risk before the year ends, each with its reasons.

Read from the per-complex tables the nightly job keeps (results, derived values, reports,
allocations), a fixed number of queries whatever the size of the region.
"""

from collections import defaultdict
from decimal import Decimal

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

    services = defaultdict(dict)
    for complex_id, value_year, code, value in DerivedValue.objects.filter(
        year__in=[year - 1, year],
        indicator__code__in=["services_delivered", "average_rating"],
        **in_region,
    ).values_list("complex_id", "year", "indicator__code", "value"):
        services[complex_id][(value_year, code)] = value
    for complex_id, values in services.items():
        rating = values.get((year, "average_rating"), values.get((year - 1, "average_rating")))
        if rating is not None and rating < LOW_SATISFACTION:
            reasons[complex_id].append(_("low satisfaction: %(rating)s / 5") % {"rating": rating})
        before, now = (
            values.get((year - 1, "services_delivered")),
            values.get((year, "services_delivered")),
        )
        if before and now is not None and now < before * STEEP_FALL:
            reasons[complex_id].append(
                _("services delivered fell from %(before)s to %(now)s")
                % {"before": int(before), "now": int(now)}
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
