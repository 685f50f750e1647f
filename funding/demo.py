"""Demo funding: a rule set and pool per evaluated year, published allocations for the past
years and drafts for the open one, and reported matching funds with some shortfalls.

Runs after the evaluation's demo step (INSTALLED_APPS order), on the results it left.
"""

from decimal import Decimal

from accounts.models import Role, User
from evaluation.models import AnnualReport, Indicator, Publication, ReportStatus, ReportValue
from portal.money import round_money
from portal.seeding import DemoContext

from . import services
from .inputs import HOST_INVESTMENT_INDICATOR, LOCAL_MATCH_INDICATOR
from .models import Allocation, AllocationStatus

# The seeds: 20 M–70 M per complex a year. The demo pools average 38–46 M per eligible complex.
AVERAGE_PER_COMPLEX_RANGE = (38, 46)
TEN_MILLION = Decimal(10_000_000)
# Share of approved reports that declare less matching than required.
SHORTFALL_RATE = 0.15


def seed(context: DemoContext) -> None:
    years = sorted(Publication.objects.values_list("year", flat=True))
    if not years:
        return
    province = User.objects.filter(role=Role.PROVINCIAL_OFFICIAL).order_by("pk").first()
    for year in years:
        defaults = services.current_rule_set(year=year)
        eligible = services.eligible_complexes(defaults).count()
        per_complex = context.rng.randint(*AVERAGE_PER_COMPLEX_RANGE)
        services.rule_set_create(
            year=year,
            actor=province,
            note=f"{year}年省级产业创新服务综合体竞争性分配资金（演示数据）。",
            pool=round(eligible * per_complex / 10) * TEN_MILLION,
        )
        services.allocations_recompute(year=year, actor=province)
        _report_matching(context, year)
        services.allocations_refresh_matching(year=year)
        if year != years[-1]:
            # The last evaluated year stays open: its drafts await the province's decision.
            services.allocations_publish(year=year, actor=province, tell_operators=False)


def _report_matching(context: DemoContext, year: int) -> None:
    """Approved reports declare what the city/county and the host unit put in: mostly enough,
    sometimes less."""
    rng = context.rng
    required = dict(
        (row[0], row[1:])
        for row in Allocation.objects.filter(year=year, status=AllocationStatus.DRAFT)
        .filter(provincial_amount__gt=0)
        .values_list("complex_id", "required_local_match", "required_host_investment")
        .order_by("complex_id")
    )
    indicators = dict(
        Indicator.objects.filter(
            code__in=(LOCAL_MATCH_INDICATOR, HOST_INVESTMENT_INDICATOR)
        ).values_list("code", "pk")
    )
    reports = AnnualReport.objects.filter(
        year=year, status=ReportStatus.APPROVED, complex_id__in=required
    ).values_list("pk", "complex_id")
    values = []
    for report_id, complex_id in reports.order_by("complex_id"):
        local, host = required[complex_id]
        short = rng.random() < SHORTFALL_RATE
        for code, amount in ((LOCAL_MATCH_INDICATOR, local), (HOST_INVESTMENT_INDICATOR, host)):
            factor = rng.uniform(0.55, 0.95) if short else rng.uniform(1.0, 1.4)
            values.append(
                ReportValue(
                    report_id=report_id,
                    indicator_id=indicators[code],
                    value=round_money(amount * Decimal(str(round(factor, 3)))),
                )
            )
    ReportValue.objects.bulk_create(
        values,
        update_conflicts=True,
        unique_fields=["report", "indicator"],
        update_fields=["value"],
        batch_size=2000,
    )
