"""The bugs of the authorization rule once written in many places (issue 14), each refused now
by the one policy. These tests import nothing of the policy, so that they run on the old code."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from complexes.models import Complex, ComplexStatusChange, Status
from evaluation import services as evaluation_services
from evaluation.models import (
    Adjustment,
    AdjustmentStatus,
    AnnualReport,
    Grade,
    Recommendation,
    ReportStatus,
)
from funding import services as funding_services
from portal.exceptions import DomainError, NotPermitted
from services import services as service_services
from services.models import Enterprise, Voucher
from tests import factories
from tests.evaluation import factories as evaluation_factories
from tests.funding import factories as funding_factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def jinhua_city():
    return factories.regional_official("330700")


@pytest.fixture
def superuser():
    return factories.UserFactory(is_superuser=True, is_staff=True)


# Status changes: the province decides -----------------------------------------------------------


def test_a_city_official_is_not_offered_rectifying_or_removed_for_a_complex_of_their_city(
    client_as, yongkang_complex, jinhua_city
):
    """The city is offered a proposal instead, which leaves the status to the province."""
    client = client_as(jinhua_city)
    detail = client.get(reverse("complexes:detail", args=[yongkang_complex.code]))
    assert detail.status_code == 200
    assert detail.context["can_change_status"] is False
    page = client.get(reverse("complexes:change_status", args=[yongkang_complex.code]))
    assert page.status_code == 200
    assert page.context["decides"] is False
    posted = client.post(
        reverse("complexes:change_status", args=[yongkang_complex.code]),
        {"to_status": Status.REMOVED, "reason": "不达标"},
    )
    assert posted.status_code == 302
    assert Complex.objects.get(pk=yongkang_complex.pk).status == yongkang_complex.status
    assert not ComplexStatusChange.objects.filter(to_status=Status.REMOVED).exists()


def test_a_county_official_cannot_set_removed_through_the_api(api_as, yongkang_complex):
    county = factories.regional_official("330784")
    response = api_as(county).patch(
        f"/api/v1/complexes/{yongkang_complex.pk}/",
        {"status": Status.REMOVED, "status_reason": "连续两年不合格"},
        format="json",
    )
    assert response.status_code == 403
    assert Complex.objects.get(pk=yongkang_complex.pk).status != Status.REMOVED


def test_the_province_still_sets_a_status_through_the_api(api_as, yongkang_complex):
    client = api_as(factories.provincial_official())
    request = {"status": Status.REMOVED, "status_reason": "连续两年不合格"}
    refused = client.patch(f"/api/v1/complexes/{yongkang_complex.pk}/", request, format="json")
    assert refused.status_code == 400  # not before the hearing is recorded
    heard = client.post(
        f"/api/v1/complexes/{yongkang_complex.pk}/hearing/",
        {"held_on": "2026-01-05", "outcome": "运营方陈述"},
        format="json",
    )
    assert heard.status_code == 201
    response = client.patch(f"/api/v1/complexes/{yongkang_complex.pk}/", request, format="json")
    assert response.status_code == 200
    assert Complex.objects.get(pk=yongkang_complex.pk).status == Status.REMOVED


# Bonus and penalty items: cities and counties propose, the province decides -----------------------


def test_the_city_account_only_proposes_a_bonus_and_cannot_approve_it(
    client_as, yongkang_complex, jinhua_city
):
    """The city may only propose an item: nothing counts until the province approves."""
    evaluation = funding_factories.evaluated(yongkang_complex, 2025, "80.00", Grade.GOOD)
    item = evaluation.scheme.adjustment_items.first()
    client = client_as(jinhua_city)
    page = client.get(reverse("evaluation:score", args=[yongkang_complex.code]))
    assert page.status_code == 200
    client.post(
        reverse("evaluation:adjust", args=[yongkang_complex.code, 2025]),
        {"item_code": item.code, "reason": "获省级表彰"},
    )
    proposal = Adjustment.objects.get()
    assert proposal.status == AdjustmentStatus.PROPOSED
    page = client.get(reverse("evaluation:score", args=[yongkang_complex.code]))
    approve = reverse("evaluation:adjustment_action", args=[proposal.pk, "approve"])
    assert approve not in page.content.decode()
    assert client.post(approve).status_code == 403
    with pytest.raises(NotPermitted):
        evaluation_services.adjustment_decide(adjustment=proposal, approve=True, actor=jinhua_city)
    assert not Adjustment.objects.approved().exists()


def test_the_province_decides_but_does_not_propose(client_as, yongkang_complex):
    evaluation = funding_factories.evaluated(yongkang_complex, 2025, "80.00", Grade.GOOD)
    item = evaluation.scheme.adjustment_items.first()
    province = factories.provincial_official()
    client = client_as(province)
    page = client.get(reverse("evaluation:score", args=[yongkang_complex.code]))
    adjust = reverse("evaluation:adjust", args=[yongkang_complex.code, 2025])
    assert adjust not in page.content.decode()
    assert client.post(adjust, {"item_code": item.code, "reason": "x"}).status_code == 403
    with pytest.raises(NotPermitted):
        evaluation_services.adjustment_propose(
            complex_=yongkang_complex, year=2025, item_code=item.code, reason="x", actor=province
        )
    assert not Adjustment.objects.exists()


def test_portal_staff_cannot_apply_points_in_the_admin(client, yongkang_complex):
    """The admin let any staff account with the model's permissions add an applied item,
    outside the policy and the workflow: it is read-only now."""
    funding_factories.evaluated(yongkang_complex, 2025, "80.00", Grade.GOOD)
    admin_user = factories.UserFactory(is_staff=True, is_superuser=True)
    client.force_login(admin_user)
    add = client.get("/admin/evaluation/adjustment/add/")
    assert add.status_code == 403
    response = client.post(
        "/admin/evaluation/adjustment/add/",
        {"complex": yongkang_complex.pk, "year": 2025, "item_code": "national_award"},
    )
    assert response.status_code == 403
    assert not Adjustment.objects.exists()


# Pre-review: in the official's own subtree -------------------------------------------------------


def test_report_pre_review_refuses_an_official_of_another_region(yongkang_complex):
    report = evaluation_factories.report(yongkang_complex, 2025, ReportStatus.SUBMITTED)
    hangzhou = factories.regional_official("330100")
    with pytest.raises(NotPermitted):
        evaluation_services.report_pre_review(
            report=report, actor=hangzhou, recommendation=Recommendation.RECOMMEND, comment="同意"
        )
    assert AnnualReport.objects.get(pk=report.pk).reviewed_by is None


def test_report_pre_review_accepts_an_official_of_the_reports_region(yongkang_complex, jinhua_city):
    report = evaluation_factories.report(yongkang_complex, 2025, ReportStatus.SUBMITTED)
    evaluation_services.report_pre_review(
        report=report, actor=jinhua_city, recommendation=Recommendation.RECOMMEND, comment="同意"
    )
    assert AnnualReport.objects.get(pk=report.pk).reviewed_by == jinhua_city


@pytest.mark.parametrize("recommendation", ["approve", Recommendation.NONE])
def test_report_pre_review_refuses_a_recommendation_it_does_not_know(
    yongkang_complex, jinhua_city, recommendation
):
    report = evaluation_factories.report(yongkang_complex, 2025, ReportStatus.SUBMITTED)
    with pytest.raises(DomainError) as refused:
        evaluation_services.report_pre_review(
            report=report, actor=jinhua_city, recommendation=recommendation, comment="同意"
        )
    assert refused.value.field == "recommendation"
    assert AnnualReport.objects.get(pk=report.pk).reviewed_by is None


# Funding: every write asks the policy --------------------------------------------------------------


@pytest.mark.parametrize("role", ["city", "operator", "staff"])
def test_the_funding_services_refuse_everyone_but_the_province(role, yongkang_complex):
    actor = {
        "city": lambda: factories.regional_official("330700"),
        "operator": lambda: factories.operator_of(yongkang_complex),
        "staff": lambda: factories.UserFactory(is_staff=True),
    }[role]()
    with pytest.raises(NotPermitted):
        funding_services.rule_set_create(year=2025, actor=actor, pool=Decimal(10**8))
    with pytest.raises(NotPermitted):
        funding_services.allocations_recompute(year=2025, actor=actor)
    with pytest.raises(NotPermitted):
        funding_services.allocations_publish(year=2025, actor=actor)


# Superusers: one rule everywhere ------------------------------------------------------------------


def test_a_superuser_issues_a_voucher(superuser):
    enterprise = factories.EnterpriseFactory()
    voucher = service_services.voucher_issue(
        enterprise=enterprise,
        amount=Decimal("5000.00"),
        valid_from=datetime.date(2026, 1, 1),
        expires_on=datetime.date(2026, 12, 31),
        actor=superuser,
    )
    assert Voucher.objects.get(pk=voucher.pk).issued_by == superuser


def test_a_superuser_sees_the_enterprise_list(client_as, superuser):
    factories.EnterpriseFactory()
    factories.EnterpriseFactory(region=factories.region("330110"))
    page = client_as(superuser).get(reverse("services:enterprises"))
    assert page.status_code == 200
    assert len(page.context["page"].object_list) == Enterprise.objects.count() == 2


def test_a_superuser_decides_like_the_province_and_is_refused_like_it(superuser, yongkang_complex):
    report = evaluation_factories.report(yongkang_complex, 2025, ReportStatus.SUBMITTED)
    evaluation_services.report_approve(report=report, actor=superuser)
    assert AnnualReport.objects.get(pk=report.pk).status == ReportStatus.APPROVED
    # Filling a report is the operator's, not the province's: the superuser is refused too.
    with pytest.raises(NotPermitted):
        evaluation_services.report_create(complex_=yongkang_complex, year=2026, actor=superuser)
