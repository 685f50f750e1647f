"""What funding reads from the evaluation: the one seam between the two apps.

Contract (both functions are set-based: a fixed number of queries, whatever the number of
complexes):

- ``evaluation_results(year)`` → the result of every evaluated complex for ``year`` in the
  revision the year stands by (published, or the draft while nothing is published)
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

from evaluation.models import AnnualReport, ReportStatus, ReportValue
from evaluation.models import EvaluationRun as Run
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
    """The year's results as it stands by them: its published revision, or its draft while
    nothing of the year is published. A draft recomputed beside a published revision is not
    read, so recomputing a published year leaves its allocation as it was."""
    run = Run.objects.standing(year=year)
    if run is None:
        return EvaluationRun()
    return EvaluationRun(
        job_id=run.job_id,
        computed_at=run.computed_at,
        results={
            complex_id: Result(score=score, grade=grade)
            for complex_id, score, grade in run.results.values_list("complex_id", "score", "grade")
        },
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
