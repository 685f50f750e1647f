"""Early warning: complexes at risk before the year ends, each with its reasons.

Read from the per-complex tables the nightly job keeps (results, derived values, reports,
allocations), a fixed number of queries whatever the size of the region.
"""

from collections import defaultdict
from decimal import Decimal

from django.db.models import (
    BooleanField,
    DateField,
    ExpressionWrapper,
    F,
    Max,
    Q,
    Subquery,
    Value,
)
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


FAILED, OVERDUE, LOW_RATING, FALLING, SHORT_OF_MATCHING = (
    "failed",
    "overdue",
    "low_rating",
    "falling",
    "short_of_matching",
)


def early_warnings(*, year: int, region: Region) -> list[dict]:
    """[{"complex": Complex, "reasons": [text, ...]}], the most reasons first.

    Three queries: the listed reasons (a failed result, an overdue report, matching funds short)
    in one ``UNION ALL``, the services and ratings compared in SQL (only the complexes at risk
    come back, however large the region), then the complexes themselves."""
    in_region = {"complex__region__code__startswith": region.subtree_prefix}
    found: dict[int, dict[str, dict]] = defaultdict(dict)

    no_date = Value(None, output_field=DateField())
    deadline_passed = ReportingPeriod.objects.filter(year=year, deadline__lt=timezone.localdate())
    failed = Evaluation.objects.filter(year=year - 1, grade="fail", **in_region).annotate(
        warning=Value(FAILED), overdue_since=no_date
    )
    overdue = (
        AnnualReport.objects.filter(
            year=year, status__in=[ReportStatus.DRAFT, ReportStatus.RETURNED], **in_region
        )
        .annotate(
            warning=Value(OVERDUE),
            overdue_since=Subquery(deadline_passed.values("deadline")[:1]),
        )
        .filter(overdue_since__isnull=False)
    )
    short = Allocation.objects.filter(
        year=year - 1,
        status=AllocationStatus.PUBLISHED,
        compliant=False,
        provincial_amount__gt=0,
        **in_region,
    ).annotate(warning=Value(SHORT_OF_MATCHING), overdue_since=no_date)
    columns = ("complex_id", "warning", "overdue_since")
    listed = (
        failed.order_by()
        .values_list(*columns)
        .union(
            overdue.order_by().values_list(*columns),
            short.order_by().values_list(*columns),
            all=True,
        )
    )
    for complex_id, warning, overdue_since in listed:
        found[complex_id][warning] = {"deadline": overdue_since} if warning == OVERDUE else {}

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
            low_rating=ExpressionWrapper(
                Q(rating__lt=LOW_SATISFACTION), output_field=BooleanField()
            ),
            falling=ExpressionWrapper(
                Q(delivered_before__gt=0, delivered_now__lt=F("delivered_before") * STEEP_FALL),
                output_field=BooleanField(),
            ),
        )
        .filter(Q(low_rating=True) | Q(falling=True))
        .order_by()
    )
    for row in services:
        if row["low_rating"]:
            found[row["complex_id"]][LOW_RATING] = {"rating": row["rating"]}
        if row["falling"]:
            found[row["complex_id"]][FALLING] = {
                "before": int(row["delivered_before"]),
                "now": int(row["delivered_now"]),
            }

    complexes = (
        Complex.objects.in_region(region.code).exclude(status=Status.REMOVED).filter(pk__in=found)
    )
    rows = [
        {"complex": complex_, "reasons": _reasons(found[complex_.pk], year=year)}
        for complex_ in complexes.select_related("region__parent")
    ]
    return sorted(rows, key=lambda row: (-len(row["reasons"]), row["complex"].code))


def _reasons(found: dict[str, dict], *, year: int) -> list[str]:
    """The reasons' texts, always in the same order."""
    texts = {
        FAILED: lambda: _("failed the %(year)s evaluation") % {"year": year - 1},
        OVERDUE: lambda deadline: (
            _("annual report %(year)s overdue since %(deadline)s")
            % {"year": year, "deadline": deadline}
        ),
        LOW_RATING: lambda rating: _("low satisfaction: %(rating)s / 5") % {"rating": rating},
        FALLING: lambda before, now: (
            _("services delivered fell from %(before)s to %(now)s") % {"before": before, "now": now}
        ),
        SHORT_OF_MATCHING: lambda: _("matching funds short for %(year)s") % {"year": year - 1},
    }
    return [texts[warning](**found[warning]) for warning in texts if warning in found]
