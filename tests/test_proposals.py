"""Cities and counties propose rectification, removal and bonus/penalty items; the province
decides, and only its decision changes anything."""

import pytest
from django.urls import reverse

from complexes import services as complex_services
from complexes.models import ProposalOutcome, Status, StatusProposal
from evaluation import services as evaluation_services
from evaluation.models import Adjustment, AdjustmentStatus, Grade
from portal.exceptions import InvalidTransition, NotPermitted
from tests import factories
from tests.funding import factories as funding_factories

pytestmark = pytest.mark.django_db


def test_a_county_proposes_removal_and_the_province_confirms_it_from_the_page(
    client_as, yongkang_complex
):
    county = factories.regional_official("330784")
    client_as(county).post(
        reverse("complexes:change_status", args=[yongkang_complex.code]),
        {"to_status": Status.REMOVED, "reason": "连续两年不合格"},
    )
    proposal = StatusProposal.objects.get()
    assert (proposal.to_status, proposal.outcome, proposal.proposed_by) == (
        Status.REMOVED,
        ProposalOutcome.PENDING,
        county,
    )
    yongkang_complex.refresh_from_db()
    assert yongkang_complex.status != Status.REMOVED

    province = factories.provincial_official()
    client = client_as(province)
    page = client.get(reverse("complexes:change_status", args=[yongkang_complex.code]))
    confirm = reverse(
        "complexes:decide_proposal", args=[yongkang_complex.code, proposal.pk, "confirm"]
    )
    assert confirm in page.content.decode()
    client.post(
        reverse("complexes:hearing", args=[yongkang_complex.code]),
        {"hearing-held_on": "2026-01-05", "hearing-outcome": "运营方陈述"},
    )
    client.post(confirm)
    yongkang_complex.refresh_from_db()
    proposal.refresh_from_db()
    assert yongkang_complex.status == Status.REMOVED
    assert yongkang_complex.status_changes.first().reason == "连续两年不合格"
    assert (proposal.outcome, proposal.decided_by) == (ProposalOutcome.CONFIRMED, province)
    with pytest.raises(InvalidTransition):
        complex_services.status_proposal_decide(proposal=proposal, confirm=False, actor=province)


def test_a_dismissed_proposal_changes_nothing(yongkang_complex):
    proposal = complex_services.status_propose(
        complex_=yongkang_complex,
        to_status=Status.REMOVED,
        reason="抽查不合格",
        actor=factories.regional_official("330700"),
    )
    complex_services.status_proposal_decide(
        proposal=proposal, confirm=False, actor=factories.provincial_official()
    )
    yongkang_complex.refresh_from_db()
    assert yongkang_complex.status != Status.REMOVED
    assert StatusProposal.objects.get().outcome == ProposalOutcome.DISMISSED


def test_officials_propose_only_in_their_subtree_and_never_decide(yongkang_complex):
    with pytest.raises(NotPermitted):
        complex_services.status_propose(
            complex_=yongkang_complex,
            to_status=Status.REMOVED,
            reason="x",
            actor=factories.regional_official("330100"),
        )
    city = factories.regional_official("330700")
    proposal = complex_services.status_propose(
        complex_=yongkang_complex, to_status=Status.REMOVED, reason="x", actor=city
    )
    with pytest.raises(NotPermitted):
        complex_services.status_proposal_decide(proposal=proposal, confirm=True, actor=city)


def test_a_city_proposes_a_bonus_and_the_province_approves_it(client_as, yongkang_complex):
    evaluation = funding_factories.evaluated(yongkang_complex, 2025, "80.00", Grade.GOOD)
    item = evaluation.scheme.adjustment_items.first()
    city = factories.regional_official("330700")
    client_as(city).post(
        reverse("evaluation:adjust", args=[yongkang_complex.code, 2025]),
        {"item_code": item.code, "reason": "获省级表彰"},
    )
    proposal = Adjustment.objects.get()
    assert (proposal.status, proposal.proposed_by) == (AdjustmentStatus.PROPOSED, city)

    province = factories.provincial_official()
    client = client_as(province)
    page = client.get(reverse("evaluation:score", args=[yongkang_complex.code]))
    approve = reverse("evaluation:adjustment_action", args=[proposal.pk, "approve"])
    assert approve in page.content.decode()
    client.post(approve, {"note": "属实", "back": "score"})
    proposal.refresh_from_db()
    assert (proposal.status, proposal.decided_by, proposal.decision_note) == (
        AdjustmentStatus.APPROVED,
        province,
        "属实",
    )


def test_a_city_cannot_approve_its_own_proposal(yongkang_complex):
    evaluation = funding_factories.evaluated(yongkang_complex, 2025, "80.00", Grade.GOOD)
    item = evaluation.scheme.adjustment_items.first()
    city = factories.regional_official("330700")
    proposal = evaluation_services.adjustment_propose(
        complex_=yongkang_complex, year=2025, item_code=item.code, reason="x", actor=city
    )
    with pytest.raises(NotPermitted):
        evaluation_services.adjustment_decide(adjustment=proposal, approve=True, actor=city)
    assert not Adjustment.objects.approved().exists()
