"""Dynamic management as configured per scheme: rectification days, the re-check, two fails in
a row, the hearing every removal needs, and a removed complex applying again."""

from datetime import timedelta

import pytest
from django.utils import timezone

from complexes import services as complex_services
from complexes.models import Complex, ComplexStatusChange, RemovalHearing, Status
from evaluation import selectors, services
from evaluation.models import (
    EvaluationScheme,
    Grade,
    ManagementDecision,
    ManagementKind,
    ProposalStatus,
    RecheckOutcome,
)
from portal.exceptions import DomainError, InvalidTransition, NotPermitted
from tests import factories
from tests.funding.factories import evaluated

pytestmark = pytest.mark.django_db

YEAR = 2025


def rectified(complex_, *, days=None):
    """``complex_`` failed ``YEAR`` under a scheme giving ``days`` to rectify."""
    EvaluationScheme.objects.filter(category=complex_.category).update(rectification_days=days)
    evaluated(complex_, YEAR, "50.00", Grade.FAIL)
    (decision,) = services.dynamic_management_apply(year=YEAR)
    return decision


def hearing(complex_, province):
    return complex_services.removal_hearing_record(
        complex_=complex_,
        held_on=timezone.localdate(),
        outcome="运营方陈述：服务量不足，已无整改条件。",
        actor=province,
    )


def test_the_schemes_rectification_days_set_the_deadline(yongkang_complex, settings):
    decision = rectified(yongkang_complex, days=90)
    assert decision.kind == ManagementKind.RECTIFY
    assert decision.deadline == timezone.localdate() + timedelta(days=90)
    yongkang_complex.refresh_from_db()
    assert yongkang_complex.status == Status.RECTIFYING


def test_without_days_the_portal_default_applies(yongkang_complex, settings):
    settings.EVALUATION_RECTIFICATION_DAYS = 30
    decision = rectified(yongkang_complex)
    assert decision.deadline == timezone.localdate() + timedelta(days=30)


def test_a_passed_recheck_restores_operating(yongkang_complex):
    decision = rectified(yongkang_complex)
    province = factories.provincial_official()
    services.rectification_recheck(
        decision=decision,
        passed=True,
        checked_on=timezone.localdate(),
        note="整改到位",
        actor=province,
    )
    yongkang_complex.refresh_from_db()
    decision.refresh_from_db()
    assert yongkang_complex.status == Status.OPERATING
    assert (decision.recheck_outcome, decision.recheck_by) == (RecheckOutcome.PASSED, province)
    assert not ManagementDecision.objects.filter(kind=ManagementKind.PROPOSE_REMOVAL).exists()
    with pytest.raises(InvalidTransition):
        services.rectification_recheck(
            decision=decision,
            passed=False,
            checked_on=timezone.localdate(),
            note="再查",
            actor=province,
        )


def test_a_failed_recheck_proposes_removal_and_keeps_the_complex(yongkang_complex):
    decision = rectified(yongkang_complex)
    services.rectification_recheck(
        decision=decision,
        passed=False,
        checked_on=timezone.localdate(),
        note="未整改",
        actor=factories.provincial_official(),
    )
    yongkang_complex.refresh_from_db()
    assert yongkang_complex.status == Status.RECTIFYING
    proposal = ManagementDecision.objects.get(kind=ManagementKind.PROPOSE_REMOVAL)
    assert proposal.proposal_status == ProposalStatus.PENDING and "未整改" in proposal.reason


def test_a_recheck_is_the_provinces_and_needs_a_note(yongkang_complex):
    decision = rectified(yongkang_complex)
    with pytest.raises(NotPermitted):
        services.rectification_recheck(
            decision=decision,
            passed=True,
            checked_on=timezone.localdate(),
            note="整改到位",
            actor=factories.regional_official("330700"),
        )
    with pytest.raises(DomainError):
        services.rectification_recheck(
            decision=decision,
            passed=True,
            checked_on=timezone.localdate(),
            note=" ",
            actor=factories.provincial_official(),
        )


def test_overdue_rechecks_are_listed(yongkang_complex, hangzhou_complex):
    decision = rectified(yongkang_complex)
    province = factories.provincial_official()
    assert [row.overdue for row in selectors.rectifications_awaiting_recheck(user=province)] == [
        False
    ]
    ManagementDecision.objects.filter(pk=decision.pk).update(
        deadline=timezone.localdate() - timedelta(days=1)
    )
    (row,) = selectors.rectifications_awaiting_recheck(user=province)
    assert row.overdue and row.complex == yongkang_complex
    # A city sees its own complexes' re-checks only.
    assert not selectors.rectifications_awaiting_recheck(
        user=factories.regional_official("330100")
    ).exists()


def test_two_fails_in_a_row_propose_removal_which_needs_a_hearing(yongkang_complex):
    evaluated(yongkang_complex, YEAR - 1, "50.00", Grade.FAIL)
    evaluated(yongkang_complex, YEAR, "52.00", Grade.FAIL)
    (proposal,) = services.dynamic_management_apply(year=YEAR)
    assert (proposal.kind, proposal.proposal_status) == (
        ManagementKind.PROPOSE_REMOVAL,
        ProposalStatus.PENDING,
    )
    province = factories.provincial_official()
    with pytest.raises(DomainError):
        services.removal_decide(decision=proposal, confirm=True, actor=province)
    yongkang_complex.refresh_from_db()
    assert yongkang_complex.status == Status.OPERATING
    assert proposal.proposal_status == ProposalStatus.PENDING
    with pytest.raises(NotPermitted):
        hearing(yongkang_complex, factories.regional_official("330784"))
    recorded = hearing(yongkang_complex, province)
    assert recorded.recorded_by == province
    assert recorded.events.count() == 1  # audited
    services.removal_decide(decision=proposal, confirm=True, actor=province)
    yongkang_complex.refresh_from_db()
    assert yongkang_complex.status == Status.REMOVED


def test_a_hearing_before_the_last_status_change_does_not_count(yongkang_complex):
    province = factories.provincial_official()
    hearing(yongkang_complex, province)
    complex_services.complex_change_status(
        complex_=yongkang_complex, to_status=Status.RECTIFYING, reason="抽查", actor=province
    )
    with pytest.raises(DomainError):
        complex_services.complex_change_status(
            complex_=yongkang_complex, to_status=Status.REMOVED, reason="撤销", actor=province
        )
    hearing(yongkang_complex, province)
    complex_services.complex_change_status(
        complex_=yongkang_complex, to_status=Status.REMOVED, reason="撤销", actor=province
    )


def test_a_future_hearing_or_one_without_outcome_is_refused(yongkang_complex):
    province = factories.provincial_official()
    with pytest.raises(DomainError):
        complex_services.removal_hearing_record(
            complex_=yongkang_complex,
            held_on=timezone.localdate() + timedelta(days=1),
            outcome="x",
            actor=province,
        )
    with pytest.raises(DomainError):
        complex_services.removal_hearing_record(
            complex_=yongkang_complex, held_on=timezone.localdate(), outcome="", actor=province
        )
    assert not RemovalHearing.objects.exists()


def test_a_removed_complex_applies_again_linked_to_its_predecessor(yongkang_complex):
    province = factories.provincial_official()
    with pytest.raises(InvalidTransition):
        complex_services.complex_reapply(
            predecessor=yongkang_complex, code="ZJ33078499", reason="重新申报", actor=province
        )
    hearing(yongkang_complex, province)
    complex_services.complex_change_status(
        complex_=yongkang_complex, to_status=Status.REMOVED, reason="撤销", actor=province
    )
    with pytest.raises(NotPermitted):
        complex_services.complex_reapply(
            predecessor=yongkang_complex,
            code="ZJ33078499",
            reason="重新申报",
            actor=factories.regional_official("330784"),
        )
    successor = complex_services.complex_reapply(
        predecessor=yongkang_complex, code="ZJ33078499", reason="重新申报", actor=province
    )
    assert successor.predecessor == yongkang_complex
    assert (successor.status, successor.name, successor.region_id) == (
        Status.CONSTRUCTING,
        yongkang_complex.name,
        yongkang_complex.region_id,
    )
    assert Complex.objects.get(pk=yongkang_complex.pk).successor == successor
    # The predecessor keeps its history and stays removed.
    assert ComplexStatusChange.objects.filter(complex=yongkang_complex).exists()
    with pytest.raises(InvalidTransition):
        complex_services.complex_reapply(
            predecessor=yongkang_complex, code="ZJ33078498", reason="再次申报", actor=province
        )
