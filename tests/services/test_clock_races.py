"""The nightly clocks racing people and themselves, each thread on its own connection: a
request is confirmed once (by the enterprise or the job), and a notice goes out once however
many runs overlap."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import Notification
from portal.exceptions import InvalidTransition
from services import services
from services.auto_confirm import auto_confirm
from services.models import EntryKind, RequestStatus, ServiceRequest, VoucherEntry
from services.overdue import overdue_notices_send
from tests import factories
from tests.concurrency import run_at_once

from .factories import OfferingFactory, ServiceRequestFactory, VoucherFactory, advance

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def parties(yongkang_complex):
    enterprise = factories.EnterpriseFactory()
    return {
        "offering": OfferingFactory(complex=yongkang_complex),
        "enterprise": enterprise,
        "operator": factories.operator_of(yongkang_complex),
        "enterprise_user": factories.enterprise_user_of(enterprise),
        "voucher": VoucherFactory(enterprise=enterprise),
    }


def test_the_enterprise_and_the_nightly_job_confirm_a_delivery_once(parties):
    request_ = ServiceRequestFactory(
        offering=parties["offering"],
        enterprise=parties["enterprise"],
        voucher=parties["voucher"],
        voucher_amount="2000.00",
    )
    advance(
        request_,
        RequestStatus.DELIVERED,
        operator=parties["operator"],
        enterprise_user=parties["enterprise_user"],
    )
    ServiceRequest.objects.filter(pk=request_.pk).update(
        delivered_at=timezone.now() - timedelta(days=30)
    )

    def confirm(who):
        try:
            if who == "job":
                auto_confirm(service_request=ServiceRequest(pk=request_.pk), now=timezone.now())
            else:
                services.service_request_confirm(
                    service_request=ServiceRequest.objects.get(pk=request_.pk),
                    actor=parties["enterprise_user"],
                    rating=5,
                )
        except InvalidTransition:
            return None
        return who

    winners = [who for who in run_at_once(confirm, ["job", "enterprise"] * 5) if who]
    assert len(winners) == 1
    request_.refresh_from_db()
    assert request_.status == RequestStatus.COMPLETED
    assert request_.auto_confirmed == (winners[0] == "job")
    consumed = VoucherEntry.objects.filter(service_request=request_, kind=EntryKind.CONSUME)
    assert consumed.count() == 1


def test_overlapping_nightly_runs_tell_the_operator_once(parties):
    late = ServiceRequestFactory(
        offering=parties["offering"],
        enterprise=parties["enterprise"],
        submitted_at=timezone.now() - timedelta(days=30),
    )
    sent = run_at_once(lambda _n: overdue_notices_send(now=timezone.now()), range(8))
    assert sum(sent) == 2  # the operator's notice and, long late, the officials'
    assert Notification.objects.filter(recipient=parties["operator"]).count() == 1
    assert late.notices.count() == 2
