"""The demo step on evaluated years: pools in the seeds' range, published past years, an open
year in draft, and matching with some shortfalls."""

from datetime import date
from decimal import Decimal

import pytest
from django.utils import timezone

from complexes.models import Status
from funding import demo
from funding.models import Allocation, AllocationDecision, AllocationStatus, RuleSet
from portal.seeding import DemoContext
from tests import factories

from .factories import M, approved_report, evaluated

pytestmark = pytest.mark.django_db


def test_demo_funds_every_evaluated_year_and_leaves_the_last_open(db):
    factories.provincial_official(username="province")
    complexes = [factories.ComplexFactory() for _ in range(20)]
    factories.ComplexFactory(status=Status.CONSTRUCTING)
    for year in (2023, 2024):
        for rank, complex_ in enumerate(complexes, 1):
            evaluated(
                complex_, year, f"{95 - rank * 2}.00", "good" if rank < 18 else "fail", rank=rank
            )
            approved_report(complex_, year, local=1, host=1)
    context = DemoContext(scale=1, seed=7, password="x", today=date(2025, 6, 1))
    demo.seed(context)

    for year in (2023, 2024):
        (rule_set,) = RuleSet.objects.filter(year=year)
        # 21 eligible complexes: 38–46 M each on average, within the seeds' 20–70 M.
        assert 21 * 37 * M <= rule_set.pool <= 21 * 47 * M
        assert rule_set.pool % (10 * M) == 0
    (decision,) = AllocationDecision.objects.all()
    assert decision.year == 2023 and decision.decided_by.username == "province"
    issued_in = timezone.localtime(decision.decided_at).year
    assert (decision.sequence, decision.number) == (1, f"浙科发〔{issued_in}〕1号")
    assert decision.total == RuleSet.objects.get(year=2023).pool
    assert not Allocation.objects.filter(year=2024, status=AllocationStatus.PUBLISHED).exists()
    assert Allocation.objects.filter(year=2024, status=AllocationStatus.DRAFT).count() == 21

    funded = Allocation.objects.filter(year=2023, provincial_amount__gt=0, grade__gt="")
    assert funded.count() == 17
    shortfalls = funded.filter(compliant=False).count()
    assert 0 < shortfalls < 17
    assert all(row.reported_local_match > Decimal(1) for row in funded)
