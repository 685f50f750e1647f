"""Evaluation results and approved reports as funding reads them, and funding rule sets."""

from decimal import Decimal

from django.utils import timezone

from evaluation.models import (
    AnnualReport,
    Evaluation,
    EvaluationScheme,
    Indicator,
    Publication,
    ReportStatus,
    ReportValue,
)
from funding import services
from funding.models import RuleSet
from tests import factories
from tests.evaluation import factories as evaluation

M = Decimal(1_000_000)
YEAR = 2025
COUNTIES = ["330784", "330110", "330681", "330782", "330282", "331082"]


def rule_set(year: int, actor=None, **fields) -> RuleSet:
    """A new version of the year's rules (defaults for everything not given), by the province."""
    actor = actor or factories.provincial_official()
    return services.rule_set_create(year=year, actor=actor, **fields)


def evaluated(complex_, year: int, score: str, grade: str, *, rank: int = 1) -> Evaluation:
    scheme = EvaluationScheme.objects.filter(category=complex_.category).order_by("year").first()
    Publication.objects.get_or_create(year=year, defaults={"computed_at": timezone.now()})
    return Evaluation.objects.create(
        run=evaluation.draft_run(year),
        complex=complex_,
        year=year,
        category=complex_.category,
        scheme=scheme,
        score=Decimal(score),
        rank=rank,
        grade=grade,
    )


def approved_report(
    complex_, year: int, *, local=None, host=None, status=ReportStatus.APPROVED
) -> AnnualReport:
    report = AnnualReport.objects.create(complex=complex_, year=year, status=status)
    indicators = Indicator.objects.in_bulk(
        ["local_match_funds", "host_investment"], field_name="code"
    )
    ReportValue.objects.bulk_create(
        ReportValue(report=report, indicator=indicators[code], value=Decimal(value))
        for code, value in (("local_match_funds", local), ("host_investment", host))
        if value is not None
    )
    return report


def fund(count: int, *, publish: bool = True) -> list:
    """``count`` provincial complexes evaluated for YEAR (scores 90, 89, …, all good), two in
    three with an approved report, a pool of 40 M each, the drafts computed (and published)."""
    complexes = []
    for n in range(count):
        complex_ = factories.ComplexFactory(region=factories.region(COUNTIES[n % len(COUNTIES)]))
        evaluated(complex_, YEAR, f"{90 - n}.00", "good", rank=n + 1)
        if n % 3:
            approved_report(complex_, YEAR, local=80 * M, host=160 * M)
        complexes.append(complex_)
    if not RuleSet.objects.filter(year=YEAR).exists():
        rule_set(YEAR, pool=40 * M * count)
    services.allocations_recompute(year=YEAR, actor=factories.provincial_official())
    if publish:
        services.allocations_publish(year=YEAR, actor=factories.provincial_official())
    return complexes
