"""Two complexes in two cities with one of every object, and a user for every role.

Complex A is in Yongkang (330784, Jinhua): the city and county officials, the operator and the
enterprise user below all hold A in scope. Complex B is in Yuhang (330110, Hangzhou): only the
province (and the superuser, who acts as a provincial official) sees it. The staff account
(Role.STAFF, Django's admin) holds nothing in scope.
"""

from datetime import timedelta
from decimal import Decimal

from django.core.files.base import ContentFile
from django.utils import timezone

from accounts.models import Notification, TeamRole
from complexes.models import Status, StatusProposal
from evaluation.models import (
    Adjustment,
    Grade,
    JobKind,
    ManagementDecision,
    ManagementKind,
)
from funding.models import Allocation, AllocationKind
from portal.models import Job
from services.models import (
    Deliverable,
    EnterpriseClaim,
    ImpactSurvey,
    VoucherApplication,
    VoucherSettlement,
)
from tests import factories
from tests.evaluation import factories as evaluation_factories
from tests.funding import factories as funding_factories
from tests.services.factories import OfferingFactory, ServiceRequestFactory, VoucherFactory

ROLES = ("anonymous", "province", "city", "county", "operator", "enterprise", "superuser", "staff")
YEAR = 2025


def _licence() -> ContentFile:
    return ContentFile(b"%PDF-1.7\n%%EOF\n", name="licence.pdf")


def _side(complex_, enterprise, year: int, recipient) -> dict:
    offering = OfferingFactory(complex=complex_)
    service_request = ServiceRequestFactory(offering=offering, enterprise=enterprise)
    claimant = factories.UserFactory(is_active=False)
    voucher = VoucherFactory(enterprise=enterprise)
    rule_set = funding_factories.rule_set(year)
    evaluation = funding_factories.evaluated(complex_, year, "80.00", Grade.GOOD)
    allocation = Allocation.objects.create(
        complex=complex_,
        year=year,
        rule_set=rule_set,
        kind=AllocationKind.EX_POST,
        score=Decimal("80.00"),
        grade=Grade.GOOD,
        provincial_amount=Decimal("5000000.00"),
        required_local_match=Decimal("5000000.00"),
        required_host_investment=Decimal("10000000.00"),
    )
    return {
        "complex": complex_,
        "institution": offering.institution,
        "offering": offering,
        "enterprise": enterprise,
        "voucher": voucher,
        "service-request": service_request,
        "deliverable": Deliverable.objects.create(
            request=service_request,
            file=ContentFile(b"%PDF-1.7\n%%EOF\n", name="report.pdf"),
            name="检测报告.pdf",
            size=15,
        ),
        # An open invitation (the matrix asks of scope, not of the request's history).
        "impact-survey": ImpactSurvey.objects.create(
            request=service_request,
            complex=complex_,
            enterprise=enterprise,
            expires_on=timezone.localdate() + timedelta(days=60),
        ),
        "voucher-application": VoucherApplication.objects.create(
            enterprise=enterprise, year=year + 1, amount=Decimal("50000.00"), purpose="新品检测"
        ),
        "voucher-settlement": VoucherSettlement.objects.create(
            complex=complex_, month=timezone.localdate().replace(day=1), amount=Decimal("300.00")
        ),
        "report": evaluation_factories.report(complex_, year + 1),
        "evaluation": evaluation,
        "allocation": allocation,
        "funding-rule": rule_set,
        "job": Job.objects.create(kind=JobKind.RECOMPUTE, parameters={"year": year}),
        "notification": Notification.objects.create(recipient=recipient, subject="通知"),
        # A staff member of the complex's team, and an official over its region.
        "colleague": factories.operator_of(complex_, team_role=TeamRole.STAFF),
        "official": factories.regional_official(complex_.region_id),
        "claim": EnterpriseClaim.objects.create(
            enterprise=enterprise,
            claimant=claimant,
            name=enterprise.name,
            business_licence=_licence(),
        ),
        "status-proposal": StatusProposal.objects.create(
            complex=complex_, to_status=Status.REMOVED, reason="整改不到位"
        ),
        "adjustment": Adjustment.objects.create(
            complex=complex_,
            year=year,
            item_code=evaluation.scheme.adjustment_items.first().code,
            reason="获省级表彰",
            evidence=ContentFile(b"%PDF-1.7\n%%EOF\n", name="evidence.pdf"),
            evidence_name="表彰文件.pdf",
        ),
        # A draft review by an expert of Ningbo, in neither complex's city.
        "expert-review": evaluation_factories.expert_review(complex_, year),
        "decision": ManagementDecision.objects.create(
            complex=complex_,
            year=year,
            kind=ManagementKind.PROPOSE_REMOVAL,
            reason="连续两年不合格",
        ),
    }


def build_world() -> tuple[dict, dict, dict]:
    """(users by role, objects on side A, objects on side B)."""
    complex_a = factories.ComplexFactory(region=factories.region("330784"))
    complex_b = factories.ComplexFactory(region=factories.region("330110"))
    enterprise_a = factories.EnterpriseFactory(
        region=factories.region("330784"), business_licence=_licence()
    )
    enterprise_b = factories.EnterpriseFactory(
        region=factories.region("330110"), business_licence=_licence()
    )
    users = {
        "anonymous": None,
        "province": factories.provincial_official(),
        "city": factories.regional_official("330700"),
        "county": factories.regional_official("330784"),
        "operator": factories.operator_of(complex_a),
        "enterprise": factories.enterprise_user_of(enterprise_a),
        # A superuser acts as a provincial official; portal staff work in the admin only.
        "superuser": factories.UserFactory(is_superuser=True, is_staff=True),
        "staff": factories.UserFactory(is_staff=True),
    }
    # Side A's report year is open (its deadline ahead): the reporting progress has a year.
    evaluation_factories.open_period(YEAR + 1)
    side_a = _side(complex_a, enterprise_a, YEAR, users["operator"])
    side_b = _side(complex_b, enterprise_b, YEAR - 1, users["province"])
    return users, side_a, side_b
