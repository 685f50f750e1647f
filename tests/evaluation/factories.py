"""Builders for reports and results: real rows, written the way the services write them."""

from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone

from evaluation.models import (
    AnnualReport,
    EvaluationRun,
    Expert,
    ExpertAssignment,
    ExpertReview,
    Indicator,
    ReportingPeriod,
    ReportStatus,
    ReportValue,
)


def draft_run(year: int) -> EvaluationRun:
    """The year's draft revision, which results written by hand join."""
    run, _created = EvaluationRun.objects.get_or_create(
        year=year, status="draft", defaults={"number": 1, "computed_at": timezone.now()}
    )
    return run


def publish_by_hand(year: int) -> EvaluationRun:
    """The year's hand-written draft results become its published revision (a scene for tests
    of readers; ``evaluation.revisions`` publishes computed drafts, checked against their
    inputs)."""
    run = draft_run(year)
    run.status = "published"
    run.decided_at = timezone.now()
    run.save(update_fields=["status", "decided_at"])
    run.results.update(status="published")
    return run


# A plausible provincial complex's year, one value per reported indicator.
TYPICAL_VALUES = {
    "st_projects": 22,
    "iur_enterprises": 97,
    "services_to_enterprises": 6400,
    "problems_solved": 246,
    "tech_transactions": 105,
    "tech_transaction_amount": 190_000_000,
    "venture_funds": 400_000_000,
    "ip_pledge_loans": 85_000_000,
    "cluster_revenue": 35_000_000_000,
    "cluster_rd_spend": 600_000_000,
    "high_tech_enterprises": 48,
    "tech_smes": 121,
    "key_technologies": 30,
    "talent_introduced": 35,
    "policies_implemented": 12,
    "local_match_funds": 45_000_000,
    "host_investment": 100_000_000,
}


def values(factor: float = 1.0, **overrides) -> dict[str, Decimal]:
    """The typical values scaled by ``factor`` (whole numbers kept whole)."""
    result = {code: Decimal(round(value * factor)) for code, value in TYPICAL_VALUES.items()}
    result.update({code: Decimal(value) for code, value in overrides.items()})
    return result


def open_period(year: int, deadline: date | None = None) -> ReportingPeriod:
    """The year opened for reporting; by default still open, its deadline ahead (the next
    31 March, or a month from today once that has passed), so its drafts are not locked
    (evaluation/report_lock.py) whenever the tests run."""
    default = max(date(year + 1, 3, 31), timezone.localdate() + timedelta(days=30))
    return ReportingPeriod.objects.create(year=year, deadline=deadline or default)


def report(complex_, year: int, status=ReportStatus.DRAFT, values_: dict | None = None):
    """A report in the given status holding the given values (no services involved: for
    setting the scene of a test, not for testing the workflow)."""
    report_ = AnnualReport.objects.create(complex=complex_, year=year, status=status)
    indicators = dict(Indicator.objects.values_list("code", "pk"))
    ReportValue.objects.bulk_create(
        ReportValue(report=report_, indicator_id=indicators[code], value=Decimal(value))
        for code, value in (values_ or {}).items()
    )
    return report_


def approved(complex_, year: int, factor: float = 1.0, **overrides):
    return report(complex_, year, ReportStatus.APPROVED, values(factor, **overrides))


def expert(city: str = "330200", organisation: str = "宁波大学", **user_fields) -> Expert:
    """A member of the expert pool with their account (no services involved)."""
    from accounts.models import Role
    from tests.factories import UserFactory, region

    user = UserFactory(role=Role.EXPERT, **user_fields)
    return Expert.objects.create(
        user=user, name=user.username, expertise="先进制造", organisation=organisation,
        city=region(city),
    )  # fmt: skip


def expert_review(complex_, year: int, expert_: Expert | None = None) -> ExpertReview:
    """A draft review of the complex's year by an expert of another city (scene only)."""
    expert_ = expert_ or expert()
    assignment = ExpertAssignment.objects.create(
        expert=expert_,
        complex=complex_,
        year=year,
        expert_city=expert_.city_id,
        complex_city=complex_.region.city_code,
    )
    return ExpertReview.objects.create(assignment=assignment)
