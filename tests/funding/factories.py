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
