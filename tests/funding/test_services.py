"""Draft allocations from evaluation results, publish and freeze, matching compliance."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from accounts.models import Notification
from complexes.models import Level, Status
from evaluation.models import Evaluation, ReportStatus
from funding import selectors, services
from funding.allocation import InfeasiblePool
from funding.models import (
    Allocation,
    AllocationDecision,
    AllocationKind,
    AllocationStatus,
    RuleSet,
)
from portal.exceptions import DomainError, InvalidTransition
from tests import factories

from .factories import M, approved_report, evaluated, rule_set

pytestmark = pytest.mark.django_db
YEAR = 2025


@pytest.fixture
def province():
    """Five eligible complexes and two that are not, with results and reports for 2025."""
    make = factories.ComplexFactory
    complexes = {
        "a": make(region=factories.region("330784")),
        "b": make(region=factories.region("330110")),
        "c": make(region=factories.region("330681")),
        "d": make(region=factories.region("330784"), status=Status.CONSTRUCTING),
        "e": make(region=factories.region("330782")),
        "removed": make(region=factories.region("330784"), status=Status.REMOVED),
        "city_level": make(region=factories.region("330784"), level=Level.CITY),
    }
    evaluated(complexes["a"], YEAR, "90.00", "excellent")
    evaluated(complexes["b"], YEAR, "80.00", "good", rank=2)
    evaluated(complexes["c"], YEAR, "65.00", "pass", rank=3)
    evaluated(complexes["e"], YEAR, "40.00", "fail", rank=4)
    evaluated(complexes["removed"], YEAR, "99.00", "excellent", rank=5)
    approved_report(complexes["a"], YEAR, local=70 * M, host=140 * M)
    approved_report(complexes["b"], YEAR, local=50 * M, host=120 * M)
    approved_report(complexes["d"], YEAR, local=99 * M, host=99 * M, status=ReportStatus.SUBMITTED)
    rule_set(YEAR, pool=170 * M, ex_ante_amount=10 * M)
    return complexes


def amounts(year=YEAR, status=AllocationStatus.DRAFT):
    return {
        row.complex.code: row.provincial_amount
        for row in Allocation.objects.filter(year=year, status=status).select_related("complex")
    }


def test_recompute_shares_the_pool_by_results_with_ex_ante_support(province):
    outcome = services.allocations_recompute(year=YEAR, actor=factories.provincial_official())
    rows = {
        row.complex_id: row
        for row in Allocation.objects.filter(year=YEAR).select_related("rule_set")
    }
    c = province
    # 10 M ex-ante for d; 160 M for a, b, c: 20 M floors and 100 M shared 108 : 80 : 52.
    assert {key: rows[c[key].pk].provincial_amount for key in "abcde"} == {
        "a": Decimal("65000000.00"),
        "b": Decimal("53333333.33"),
        "c": Decimal("41666666.67"),
        "d": Decimal("10000000.00"),
        "e": Decimal("0.00"),
    }
    assert outcome.total == Decimal("170000000.00") and outcome.unallocated == 0
    assert c["removed"].pk not in rows and c["city_level"].pk not in rows
    assert rows[c["d"].pk].kind == AllocationKind.EX_ANTE
    assert rows[c["e"].pk].kind == AllocationKind.NONE
    assert (rows[c["a"].pk].score, rows[c["a"].pk].grade) == (Decimal("90.00"), "excellent")
    assert all(row.status == AllocationStatus.DRAFT for row in rows.values())
    assert {row.rule_set.version for row in rows.values()} == {1}


def test_matching_requirements_reports_and_compliance(province):
    services.allocations_recompute(year=YEAR, actor=factories.provincial_official())
    rows = {row.complex_id: row for row in Allocation.objects.filter(year=YEAR)}
    a, b, c, d, e = (rows[province[key].pk] for key in "abcde")
    assert (a.required_local_match, a.required_host_investment) == (
        Decimal("65000000.00"),
        Decimal("130000000.00"),
    )
    assert (a.reported_local_match, a.reported_host_investment, a.compliant) == (
        Decimal("70000000.00"),
        Decimal("140000000.00"),
        True,
    )
    assert (b.local_shortfall, b.host_shortfall, b.compliant) == (
        Decimal("3333333.33"),
        Decimal("0.00"),
        False,
    )
    assert (c.reported_local_match, c.local_shortfall, c.host_shortfall, c.compliant) == (
        None,
        Decimal("41666666.67"),
        Decimal("83333333.34"),
        False,
    )
    # A report that is not approved does not count.
    assert (d.reported_local_match, d.compliant) == (None, False)
    # Nothing allocated, nothing required.
    assert (e.required_local_match, e.required_host_investment, e.compliant) == (0, 0, True)


def test_recompute_twice_gives_the_same_rows(province):
    fields = ("complex_id", "kind", "provincial_amount", "required_local_match", "compliant")
    services.allocations_recompute(year=YEAR, actor=factories.provincial_official())
    first = sorted(Allocation.objects.values_list(*fields))
    services.allocations_recompute(year=YEAR, actor=factories.provincial_official())
    assert sorted(Allocation.objects.values_list(*fields)) == first
    assert Allocation.objects.count() == 5


def test_a_pool_short_of_the_floors_is_refused_and_keeps_the_drafts(province):
    services.allocations_recompute(year=YEAR, actor=factories.provincial_official())
    before = amounts()
    rule_set(YEAR, pool=69 * M)  # needs 10 M ex-ante + 3 × 20 M floors = 70 M
    with pytest.raises(InfeasiblePool) as refused:
        services.allocations_recompute(year=YEAR, actor=factories.provincial_official())
    assert refused.value.needed == Decimal("70000000.00")
    assert "69,000,000.00" in refused.value.message
    assert amounts() == before


def test_a_binding_cap_reshares_the_excess(province):
    rule_set(YEAR, pool=160 * M, cap=60 * M)
    services.allocations_recompute(year=YEAR, actor=factories.provincial_official())
    # Uncapped, a would get 20 + 90 × 108/240 = 60.5 M: cut to 60 M, the other 90 M shared by
    # b and c: 40 M floors, 50 M at 80 : 52 (the odd fen to c, the larger remainder).
    assert amounts() == {
        province["a"].code: Decimal("60000000.00"),
        province["b"].code: Decimal("50303030.30"),
        province["c"].code: Decimal("39696969.70"),
        province["d"].code: Decimal("10000000.00"),
        province["e"].code: Decimal("0.00"),
    }
    assert Allocation.objects.get(complex=province["a"]).capped is True


def test_publish_freezes_the_drafts_with_their_rules_and_results(province):
    official = factories.provincial_official()
    services.allocations_recompute(year=YEAR, actor=factories.provincial_official())
    decision = services.allocations_publish(year=YEAR, actor=official)
    published = amounts(status=AllocationStatus.PUBLISHED)
    assert published[province["a"].code] == Decimal("65000000.00")
    assert (decision.decided_by, decision.total, decision.unallocated, decision.pool) == (
        official,
        Decimal("170000000.00"),
        Decimal("0.00"),
        Decimal("170000000.00"),
    )
    assert Allocation.objects.filter(decision=decision).count() == 5

    # New results make new drafts; the published rows stay as decided.
    Evaluation.objects.filter(complex=province["c"]).update(score=Decimal("95.00"))
    services.allocations_recompute(year=YEAR, actor=factories.provincial_official())
    assert amounts(status=AllocationStatus.PUBLISHED) == published
    assert amounts()[province["c"].code] > published[province["c"].code]

    # The database refuses any change to a published amount.
    with pytest.raises(IntegrityError), transaction.atomic():
        Allocation.objects.filter(status=AllocationStatus.PUBLISHED).update(
            provincial_amount=Decimal("1.00")
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        Allocation.objects.filter(status=AllocationStatus.PUBLISHED).update(
            status=AllocationStatus.DRAFT
        )


def test_only_a_new_decision_with_a_reason_replaces_a_published_year(province):
    official = factories.provincial_official()
    services.allocations_recompute(year=YEAR, actor=factories.provincial_official())
    first = services.allocations_publish(year=YEAR, actor=official)
    with pytest.raises(InvalidTransition):
        services.allocations_publish(year=YEAR, actor=official)  # no drafts left
    rule_set(YEAR, pool=200 * M, ex_ante_amount=10 * M)
    services.allocations_recompute(year=YEAR, actor=factories.provincial_official())
    with pytest.raises(DomainError) as refused:
        services.allocations_publish(year=YEAR, actor=official)
    assert refused.value.field == "reason"

    second = services.allocations_publish(
        year=YEAR, actor=official, reason="省财政追加预算3000万元。"
    )
    assert second.replaces == first and second.reason == "省财政追加预算3000万元。"
    assert list(AllocationDecision.objects.in_force().filter(year=YEAR)) == [second]
    assert Allocation.objects.filter(decision=first).count() == 5
    assert set(Allocation.objects.filter(decision=first).values_list("status", flat=True)) == {
        AllocationStatus.SUPERSEDED
    }
    assert sum(amounts(status=AllocationStatus.PUBLISHED).values()) == Decimal("200000000.00")


def test_drafts_computed_under_older_rules_cannot_be_published(province):
    services.allocations_recompute(year=YEAR, actor=factories.provincial_official())
    rule_set(YEAR, pool=180 * M)
    with pytest.raises(InvalidTransition):
        services.allocations_publish(year=YEAR, actor=factories.provincial_official())
    assert not Allocation.objects.published().exists()


def test_reports_approved_after_publication_update_the_matching_only(province):
    services.allocations_recompute(year=YEAR, actor=factories.provincial_official())
    services.allocations_publish(year=YEAR, actor=factories.provincial_official())
    approved_report(province["c"], YEAR, local=45 * M, host=90 * M)
    assert services.allocations_refresh_matching(year=YEAR) == 1
    row = Allocation.objects.published().get(complex=province["c"])
    assert (row.reported_local_match, row.compliant, row.provincial_amount) == (
        Decimal("45000000.00"),
        True,
        Decimal("41666666.67"),
    )


def test_publishing_tells_operators_their_amount_and_any_shortfall(province):
    operator_b = factories.operator_of(province["b"])
    factories.operator_of(province["e"])  # nothing allocated: no message
    services.allocations_recompute(year=YEAR, actor=factories.provincial_official())
    services.allocations_publish(year=YEAR, actor=factories.provincial_official())
    (message,) = Notification.objects.all()
    assert message.recipient == operator_b
    assert "53,333,333.33" in message.body and "3,333,333.33" in message.body
    assert message.url == "/funding/?year=2025"


def test_matching_rolls_up_by_city_and_county(province):
    services.allocations_recompute(year=YEAR, actor=factories.provincial_official())
    rows = Allocation.objects.filter(year=YEAR)
    by_city = {group["region_code"]: group for group in selectors.matching_rollup(rows, by="city")}
    assert set(by_city) == {"330100", "330600", "330700"}
    jinhua = by_city["330700"]  # a, d (永康) and e (义乌)
    assert (jinhua["region_name"], jinhua["complexes"], jinhua["noncompliant"]) == ("金华市", 3, 1)
    assert jinhua["provincial_amount"] == Decimal("75000000.00")
    assert jinhua["required_local_match"] == Decimal("75000000.00")
    assert jinhua["reported_local_match"] == Decimal("70000000.00")
    assert jinhua["local_shortfall"] == Decimal("10000000.00")  # d's; a reported more than needed
    assert by_city["330100"]["local_shortfall"] == Decimal("3333333.33")
    by_county = {g["region_code"]: g for g in selectors.matching_rollup(rows, by="county")}
    assert {code: g["complexes"] for code, g in by_county.items()} == {
        "330110": 1,
        "330681": 1,
        "330782": 1,
        "330784": 2,
    }
    totals = selectors.allocation_totals(rows)
    assert (totals["complexes"], totals["shortfalls"], totals["provincial_amount"]) == (
        5,
        3,
        Decimal("170000000.00"),
    )


def test_funding_history_lists_published_years_only(province):
    services.allocations_recompute(year=YEAR, actor=factories.provincial_official())
    assert selectors.funding_history(complex_=province["a"]) == []
    services.allocations_publish(year=YEAR, actor=factories.provincial_official())
    (row,) = selectors.funding_history(complex_=province["a"])
    assert (row.year, row.provincial_amount) == (YEAR, Decimal("65000000.00"))


def test_rule_sets_are_versioned_from_the_defaults(db):
    first = rule_set(2024, pool=3000 * M)
    second = rule_set(2024, floor=25 * M)
    assert (first.version, second.version) == (1, 2)
    assert (second.pool, second.floor, second.cap) == (3000 * M, 25 * M, 70 * M)
    assert second.multipliers == {
        "excellent": Decimal("1.20"),
        "good": Decimal("1.00"),
        "pass": Decimal("0.80"),
        "fail": Decimal("0.00"),
    }
    with pytest.raises(ValidationError):
        rule_set(2024, floor=80 * M)
    assert RuleSet.objects.filter(year=2024).count() == 2


def _draft_columns():
    """Every column of the drafts but the id, by complex."""
    fields = [field.attname for field in Allocation._meta.concrete_fields if field.name != "id"]
    return sorted(Allocation.objects.filter(status=AllocationStatus.DRAFT).values_list(*fields))


def _written_both_ways(year=YEAR):
    """The drafts as ``_drafts_replace`` writes them over the drafts in place, and as the ORM
    wrote them before (every draft deleted, the same rows inserted by ``bulk_create``)."""
    _outcome, rows = services._draft_rows(year=year)
    services._drafts_replace(year=year, rows=rows)
    in_one_statement = _draft_columns()
    Allocation.objects.filter(year=year, status=AllocationStatus.DRAFT).delete()
    for row in rows:
        row.pk = None
    Allocation.objects.bulk_create(rows)
    return in_one_statement, _draft_columns()


def test_drafts_written_in_one_statement_are_the_rows_the_orm_wrote(province):
    # No drafts yet: every row is inserted.
    in_one_statement, by_the_orm = _written_both_ways()
    assert len(in_one_statement) == 5 and in_one_statement == by_the_orm

    # Over existing drafts: a complex leaves, amounts, caps, grades and reports change.
    province["e"].status = Status.REMOVED
    province["e"].save(update_fields=["status"])
    Evaluation.objects.filter(complex=province["c"]).update(score=Decimal("95.00"))
    approved_report(province["c"], YEAR, local=45 * M, host=90 * M)
    rule_set(YEAR, pool=160 * M, cap=60 * M)
    in_one_statement, by_the_orm = _written_both_ways()
    assert len(in_one_statement) == 4 and in_one_statement == by_the_orm
    assert province["e"].pk not in {row[0] for row in in_one_statement}

    # A rerun on the same data updates the drafts in place: same rows, no new ids.
    services.allocations_recompute(year=YEAR, actor=factories.provincial_official())
    ids = set(Allocation.objects.drafts().values_list("pk", flat=True))
    services.allocations_recompute(year=YEAR, actor=factories.provincial_official())
    assert set(Allocation.objects.drafts().values_list("pk", flat=True)) == ids
