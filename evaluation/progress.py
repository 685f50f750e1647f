"""The completeness board of a reporting year (issue 18): who has reported, per region.

*Expected* to report on a year are the complexes the province evaluates (levels in
``settings.EVALUATION_LEVELS``), founded by that year, whose status is operating or rectifying
when the board is read: the complexes the recomputation scores once their reports are approved. Each expected complex counts once, in one of these
buckets by its report of the year:

- ``draft``: no report yet, or a draft;
- ``submitted``: submitted, not yet pre-reviewed by the city or county;
- ``pre_reviewed``: submitted and pre-reviewed, waiting for the province;
- ``returned``: returned to the operator and not submitted again;
- ``approved``.

``overdue`` counts, across ``draft`` and ``returned``, those whose deadline has passed: the
period's, or the date the province reopened the report until (evaluation/report_lock.py).

One aggregate query counts the year per region the complexes sit in; cities and the province
are summed from those rows here, so no level costs a query per region.
"""

from dataclasses import dataclass, field
from datetime import date

from django.conf import settings
from django.db.models import (
    BooleanField,
    Count,
    ExpressionWrapper,
    F,
    FilteredRelation,
    Q,
    QuerySet,
)
from django.utils import timezone

from complexes.models import Complex, Region, RegionLevel, Status
from portal import policy
from portal.policy import subtree_prefix

from .models import ReportingPeriod, ReportStatus
from .report_lock import WAITING_FOR_OPERATOR

EXPECTED_STATUSES = (Status.OPERATING, Status.RECTIFYING)
COUNTS = ("expected", "draft", "submitted", "pre_reviewed", "returned", "approved", "overdue")


def expected_complexes(year: int) -> QuerySet[Complex]:
    """The complexes that must report on ``year`` (see the module's docstring)."""
    return Complex.objects.filter(
        level__in=settings.EVALUATION_LEVELS,
        status__in=EXPECTED_STATUSES,
        founded_year__lte=year,
    )


def with_report(complexes: QuerySet[Complex], year: int) -> QuerySet[Complex]:
    """``report``: each complex's report of ``year`` (a left join: none for a missing one)."""
    return complexes.annotate(report=FilteredRelation("reports", condition=Q(reports__year=year)))


def overdue_condition(period: ReportingPeriod, today: date) -> Q:
    """On complexes joined to their report (``with_report``): waiting for the operator (no
    report, draft or returned) after the deadline, or after the date it was reopened until."""
    waiting = Q(report__id__isnull=True) | Q(report__status__in=WAITING_FOR_OPERATOR)
    reopened_and_passed = Q(report__reopened_until__lt=today)
    if today > period.deadline:
        return waiting & (Q(report__reopened_until__isnull=True) | reopened_and_passed)
    return waiting & reopened_and_passed


def _buckets(period: ReportingPeriod, today: date) -> dict[str, Count]:
    submitted = Q(report__status=ReportStatus.SUBMITTED)
    return {
        "expected": Count("pk"),
        "draft": Count("pk", filter=Q(report__id__isnull=True) | Q(report__status="draft")),
        "submitted": Count("pk", filter=submitted & Q(report__recommendation="")),
        "pre_reviewed": Count("pk", filter=submitted & ~Q(report__recommendation="")),
        "returned": Count("pk", filter=Q(report__status=ReportStatus.RETURNED)),
        "approved": Count("pk", filter=Q(report__status=ReportStatus.APPROVED)),
        "overdue": Count("pk", filter=overdue_condition(period, today)),
    }


@dataclass
class RegionProgress:
    code: str
    name: str
    level: str
    parent: str | None
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(COUNTS, 0))
    # Whether complexes sit at this region itself (a city's own), not only below it.
    has_own_complexes: bool = False

    def add(self, counts: dict[str, int]) -> None:
        for name in COUNTS:
            self.counts[name] += counts[name]


def progress_by_region(
    *, user, period: ReportingPeriod, today: date | None = None
) -> list[RegionProgress]:
    """The year's counts for every region in the user's scope with an expected complex in its
    subtree: the province, its cities and counties (and a city itself where complexes sit at
    the city's level), ordered by code. Two queries whatever the number of regions."""
    policy.require(user, "report.progress")
    today = today or timezone.localdate()
    complexes = policy.restrict(expected_complexes(period.year), user, "report.progress")
    per_region = (
        with_report(complexes, period.year)
        .order_by()
        .values("region_id")
        .annotate(**_buckets(period, today))
    )
    counted = {row.pop("region_id"): row for row in per_region}
    codes = {code for code in counted} | {code[:4] + "00" for code in counted}
    regions = {
        region.code: region
        for region in Region.objects.filter(Q(code__in=codes) | Q(level=RegionLevel.PROVINCE))
    }
    rows: dict[str, RegionProgress] = {}
    for code, counts in counted.items():
        for region in _self_and_ancestors(regions, code):
            row = rows.setdefault(
                region.code,
                RegionProgress(region.code, region.name, region.level, region.parent_id),
            )
            row.add(counts)
        rows[code].has_own_complexes = True
    return [rows[code] for code in sorted(rows) if _visible_to(user, code)]


def _self_and_ancestors(regions: dict[str, Region], code: str) -> list[Region]:
    chain, region = [], regions[code]
    while region is not None:
        chain.append(region)
        region = regions.get(region.parent_id) if region.parent_id else None
    return chain


def _visible_to(user, code: str) -> bool:
    """A regional official sees the counts of their region and below, not of the regions above
    it (which would only repeat theirs)."""
    scope = policy.scope_of(user, "report.progress")
    if scope != policy.SUBTREE:
        return True
    return code.startswith(subtree_prefix(user.region_id))


def board_rows(rows: list[RegionProgress], *, region_code: str) -> list[RegionProgress]:
    """The rows under ``region_code`` on the board: a province's cities, a city's counties
    (and the city itself when complexes sit at its level)."""
    return [
        row
        for row in rows
        if row.parent == region_code
        or (row.code == region_code and row.level == RegionLevel.CITY and row.has_own_complexes)
    ]


def board_complexes(
    *, user, period: ReportingPeriod, region_code: str, exact: bool, today: date | None = None
) -> list[Complex]:
    """The expected complexes of a region in the user's scope (of the region itself only when
    ``exact``, else of its subtree), each with its report's ``report_id``, ``report_status``,
    ``recommendation``, ``reopened_until`` and ``is_overdue``; one query."""
    policy.require(user, "report.progress")
    today = today or timezone.localdate()
    complexes = policy.restrict(expected_complexes(period.year), user, "report.progress")
    complexes = (
        complexes.filter(region_id=region_code)
        if exact
        else complexes.filter(region__code__startswith=subtree_prefix(region_code))
    )
    return list(
        with_report(complexes, period.year)
        .select_related("region")
        .annotate(
            report_id=F("report__id"),
            report_status=F("report__status"),
            recommendation=F("report__recommendation"),
            reopened_until=F("report__reopened_until"),
            is_overdue=ExpressionWrapper(
                overdue_condition(period, today), output_field=BooleanField()
            ),
        )
        .order_by("code")
    )
