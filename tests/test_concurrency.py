"""Fifty simultaneous edits of one object, each from its own connection: exactly one applies,
the others are refused, nothing is lost and no row is duplicated."""

from decimal import Decimal

import pytest

from evaluation import services as evaluation_services
from evaluation.models import AnnualReport, ReportValue
from portal.exceptions import DomainError, InvalidTransition, StaleVersion
from services import services as request_services
from services.models import RequestStatus, ServiceRequest, ServiceRequestEvent

from . import factories
from .concurrency import THREADS, run_at_once
from .evaluation.factories import report
from .services.factories import OfferingFactory, ServiceRequestFactory, VoucherFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
INDICATOR = "st_projects"


def test_fifty_saves_of_the_same_report_version_keep_exactly_one(yongkang_complex):
    annual_report = report(yongkang_complex, 2024)
    operator = factories.operator_of(yongkang_complex)

    def save(n):
        try:
            evaluation_services.report_update(
                report=AnnualReport.objects.get(pk=annual_report.pk),
                version=1,
                actor=operator,
                values={INDICATOR: str(n)},
            )
        except StaleVersion:
            return None
        return n

    results = run_at_once(save, range(1, THREADS + 1))
    winners = [n for n in results if n is not None]
    assert len(winners) == 1
    annual_report.refresh_from_db()
    assert annual_report.version == 2
    stored = ReportValue.objects.filter(report=annual_report, indicator__code=INDICATOR)
    assert list(stored.values_list("value", flat=True)) == [Decimal(winners[0])]
    assert annual_report.changes.filter(pgh_label="update").count() == 1


def test_fifty_accepts_of_the_same_request_apply_once(yongkang_complex):
    enterprise = factories.EnterpriseFactory()
    voucher = VoucherFactory(enterprise=enterprise, amount=Decimal("10000.00"))
    service_request = ServiceRequestFactory(
        offering=OfferingFactory(complex=yongkang_complex),
        enterprise=enterprise,
        voucher=voucher,
        voucher_amount=Decimal("700.00"),
    )
    operator = factories.operator_of(yongkang_complex)

    def accept(_n):
        try:
            request_services.service_request_accept(
                service_request=ServiceRequest.objects.get(pk=service_request.pk), actor=operator
            )
        except InvalidTransition:
            return "refused"
        except DomainError:
            return "error"
        return "accepted"

    results = run_at_once(accept, range(THREADS))
    assert results.count("accepted") == 1 and results.count("refused") == THREADS - 1
    service_request.refresh_from_db()
    assert service_request.status == RequestStatus.ACCEPTED
    moves = ServiceRequestEvent.objects.filter(request=service_request, to_status="accepted")
    assert moves.count() == 1
    voucher.refresh_from_db()
    assert (voucher.balance, voucher.held) == (Decimal("9300.00"), Decimal("700.00"))
    assert voucher.entries.filter(kind="hold").count() == 1
