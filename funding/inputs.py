"""What funding reads from the evaluation: the one seam between the two apps.

Contract (both functions are set-based: a fixed number of queries, whatever the number of
complexes):

- ``evaluation_results(year)`` → the published result of every evaluated complex for ``year``
  (score 0–100 with 2 places, grade ``excellent``/``good``/``pass``/``fail``) and the run that
  produced them (the recompute job and when it finished), or an empty mapping when the year has
  not been evaluated.
- ``reported_matching(year)`` → for every complex whose annual report for ``year`` is approved,
  the reported ``local_match_funds`` and ``host_investment`` indicator values in CNY (``None``
  for one the report leaves out). Reports that are not approved do not count.
"""

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from evaluation.models import AnnualReport, Evaluation, Publication, ReportStatus, ReportValue
from portal.money import round_money

LOCAL_MATCH_INDICATOR = "local_match_funds"
HOST_INVESTMENT_INDICATOR = "host_investment"


@dataclass(frozen=True)
class Result:
    score: Decimal
    grade: str


@dataclass(frozen=True)
class EvaluationRun:
    job_id: int | None = None
    computed_at: datetime | None = None
    results: dict[int, Result] = field(default_factory=dict)


@dataclass(frozen=True)
class ReportedMatching:
    local_match: Decimal | None = None
    host_investment: Decimal | None = None


def evaluation_results(*, year: int) -> EvaluationRun:
    publication = Publication.objects.filter(year=year).values("job_id", "computed_at").first()
    results = {
        complex_id: Result(score=score, grade=grade)
        for complex_id, score, grade in Evaluation.objects.filter(year=year).values_list(
            "complex_id", "score", "grade"
        )
    }
    if publication is None:
        return EvaluationRun(results=results)
    return EvaluationRun(
        job_id=publication["job_id"], computed_at=publication["computed_at"], results=results
    )


def reported_matching(*, year: int) -> dict[int, ReportedMatching]:
    approved = AnnualReport.objects.filter(year=year, status=ReportStatus.APPROVED)
    values: dict[int, dict[str, Decimal]] = {
        complex_id: {} for complex_id in approved.values_list("complex_id", flat=True)
    }
    for complex_id, code, value in ReportValue.objects.filter(
        report__in=approved,
        indicator__code__in=(LOCAL_MATCH_INDICATOR, HOST_INVESTMENT_INDICATOR),
    ).values_list("report__complex_id", "indicator__code", "value"):
        values[complex_id][code] = round_money(value)
    return {
        complex_id: ReportedMatching(
            local_match=reported.get(LOCAL_MATCH_INDICATOR),
            host_investment=reported.get(HOST_INVESTMENT_INDICATOR),
        )
        for complex_id, reported in values.items()
    }
