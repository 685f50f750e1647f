"""End to end on PostgreSQL: approved reports → the evaluation's recomputation → draft
allocations by its funding step; published allocations are never touched by it."""

from decimal import Decimal

import pytest

from accounts.models import Notification
from complexes.models import Status
from evaluation import recompute
from evaluation.models import Evaluation, JobKind, ReportStatus
from funding import services
from funding.allocation import Candidate, Rules, allocate
from funding.models import Allocation, AllocationKind, AllocationStatus
from portal.models import Job, JobStatus
from tests import factories
from tests.evaluation import factories as evaluation

from .factories import M, rule_set

pytestmark = pytest.mark.django_db
YEAR = 2025


@pytest.fixture
def reported():
    complexes = [
        factories.ComplexFactory(region=factories.region(code))
        for code in ("330784", "330782", "330110")
    ]
    for complex_, factor in zip(complexes, (1.0, 0.6, 0.3), strict=True):
        evaluation.report(
            complex_,
            YEAR,
            ReportStatus.APPROVED,
            evaluation.values(factor, local_match_funds=60 * M, host_investment=130 * M),
        )
    constructing = factories.ComplexFactory(status=Status.CONSTRUCTING)
    rule_set(YEAR, pool=150 * M, ex_ante_amount=15 * M)
    return [*complexes, constructing]


def test_the_recomputation_job_refreshes_the_draft_allocations(reported):
    job = Job.objects.create(kind=JobKind.RECOMPUTE, parameters={"year": YEAR})
    assert recompute.job_run(job_id=job.pk).status == JobStatus.SUCCEEDED
    job.refresh_from_db()
    assert "allocations_after_evaluation" in job.timings

    results = dict(Evaluation.objects.filter(year=YEAR).values_list("complex_id", "grade"))
    rows = {row.complex_id: row for row in Allocation.objects.drafts().filter(year=YEAR)}
    assert set(rows) == {complex_.pk for complex_ in reported}
    assert rows[reported[3].pk].kind == AllocationKind.EX_ANTE
    assert rows[reported[3].pk].provincial_amount == Decimal("15000000.00")
    for complex_ in reported[:3]:
        row = rows[complex_.pk]
        evaluation_row = Evaluation.objects.get(complex=complex_, year=YEAR)
        assert (row.score, row.grade) == (evaluation_row.score, results[complex_.pk])
        assert row.evaluation_run_id == job.pk
        assert row.reported_local_match == Decimal("60000000.00")
    # The engine, fed the published results directly, gives the same amounts.
    expected = allocate(
        [
            Candidate(key=pk, score=score, grade=grade)
            for pk, score, grade in Evaluation.objects.filter(year=YEAR).values_list(
                "complex_id", "score", "grade"
            )
        ]
        + [Candidate(key=reported[3].pk, constructing=True)],
        Rules(
            pool=150 * M,
            floor=20 * M,
            cap=70 * M,
            ex_ante_amount=15 * M,
            multipliers={
                "excellent": Decimal("1.2"),
                "good": Decimal("1"),
                "pass": Decimal("0.8"),
                "fail": Decimal(0),
            },
        ),
    )
    assert {pk: row.provincial_amount for pk, row in rows.items()} == expected.amounts()
    assert sum(row.provincial_amount for row in rows.values()) == Decimal("150000000.00")
    # Better reports, better scores, more money.
    amounts = [rows[complex_.pk].provincial_amount for complex_ in reported[:3]]
    assert amounts == sorted(amounts, reverse=True) and len(set(amounts)) == 3


def test_the_nightly_step_never_touches_published_rows(reported):
    recompute.evaluation_recompute(year=YEAR)
    services.allocations_publish(year=YEAR, actor=factories.provincial_official())
    published = list(
        Allocation.objects.published().order_by("pk").values_list("pk", "provincial_amount")
    )
    rule_set(YEAR, pool=200 * M, ex_ante_amount=15 * M)
    recompute.evaluation_recompute(year=YEAR)
    assert (
        list(Allocation.objects.published().order_by("pk").values_list("pk", "provincial_amount"))
        == published
    )
    assert Allocation.objects.filter(year=YEAR, status=AllocationStatus.DRAFT).count() == 4
    assert set(Allocation.objects.drafts().values_list("rule_set__version", flat=True)) == {2}


def test_a_refused_pool_withdraws_the_drafts_and_tells_the_province(reported):
    official = factories.provincial_official()
    recompute.evaluation_recompute(year=YEAR)
    assert Allocation.objects.drafts().count() == 4
    rule_set(YEAR, pool=50 * M)  # 15 M ex-ante + 3 × 20 M floors are needed
    job = Job.objects.create(kind=JobKind.RECOMPUTE, parameters={"year": YEAR})
    assert recompute.job_run(job_id=job.pk).status == JobStatus.SUCCEEDED
    assert not Allocation.objects.drafts().exists()
    (message,) = Notification.objects.filter(recipient=official)
    assert message.subject == "2025年资金分配草稿未能计算"
    assert "75,000,000.00" in message.body and message.url == "/funding/rules/?year=2025"
