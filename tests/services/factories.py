"""Factories for services: offerings, requests in any status, vouchers with their ledger."""

from datetime import date, timedelta
from decimal import Decimal

import factory
from django.db import transaction
from django.utils import timezone
from factory.django import DjangoModelFactory

from services import vouchers
from services.models import (
    EntryKind,
    Offering,
    RequestStatus,
    ServiceRequest,
    ServiceRequestEvent,
    ServiceType,
    Voucher,
    VoucherEntry,
)
from services.request_actions import ACTION_SERVICES
from tests import factories


class OfferingFactory(DjangoModelFactory):
    class Meta:
        model = Offering

    complex = factory.SubFactory(factories.ComplexFactory)
    institution = factory.LazyAttribute(lambda o: factories.InstitutionFactory(complex=o.complex))
    title = factory.Sequence(lambda n: f"五金制品质量检测服务{n}")
    service_type = ServiceType.TESTING
    description = "依据国家标准开展五金制品性能检测并出具报告。"
    price = Decimal("8000.00")
    turnaround_days = 7
    voucher_eligible = True


class VoucherFactory(DjangoModelFactory):
    """A voucher with its issue entry, as ``voucher_issue`` leaves it."""

    class Meta:
        model = Voucher
        skip_postgeneration_save = True

    enterprise = factory.SubFactory(factories.EnterpriseFactory)
    amount = Decimal("10000.00")
    balance = factory.LazyAttribute(lambda o: o.amount)
    valid_from = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=30))
    expires_on = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=335))

    @factory.post_generation
    def issue_entry(self, create, extracted, **kwargs):
        if create:
            VoucherEntry.objects.create(voucher=self, kind=EntryKind.ISSUE, amount=self.amount)


class ServiceRequestFactory(DjangoModelFactory):
    """A submitted request, its voucher amount (if any) held as at submission; use ``advance``
    to walk it through the real services."""

    class Meta:
        model = ServiceRequest
        skip_postgeneration_save = True

    @classmethod
    def _create(cls, model_class, *args, voucher=None, voucher_amount=None, **kwargs):
        service_request = super()._create(model_class, *args, **kwargs)
        if voucher is not None:
            with transaction.atomic():
                vouchers.voucher_hold(
                    service_request=service_request,
                    voucher=voucher,
                    amount=Decimal(voucher_amount),
                    actor=None,
                )
        return service_request

    offering = factory.SubFactory(OfferingFactory)
    complex = factory.LazyAttribute(lambda o: o.offering.complex)
    enterprise = factory.SubFactory(factories.EnterpriseFactory)
    description = "需要对新款电动工具外壳做盐雾试验。"

    @factory.post_generation
    def submitted_event(self, create, extracted, **kwargs):
        if create:
            ServiceRequestEvent.objects.create(
                request=self, from_status="", to_status=RequestStatus.SUBMITTED
            )


# How to reach each status from "submitted" through the services, as (action, party, body).
PATHS = {
    RequestStatus.SUBMITTED: [],
    RequestStatus.ACCEPTED: [("accept", "operator", {})],
    RequestStatus.IN_PROGRESS: [("accept", "operator", {}), ("start", "operator", {})],
    RequestStatus.DELIVERED: [
        ("accept", "operator", {}),
        ("start", "operator", {}),
        ("deliver", "operator", {"note": "检测报告已出具。"}),
    ],
    RequestStatus.COMPLETED: [
        ("accept", "operator", {}),
        ("start", "operator", {}),
        ("deliver", "operator", {"note": "检测报告已出具。"}),
        ("confirm", "enterprise", {"rating": 5, "comment": "很好"}),
    ],
    RequestStatus.REJECTED: [("reject", "operator", {"reason": "超出服务范围"})],
    RequestStatus.CANCELLED: [("cancel", "enterprise", {})],
}


def quote_body() -> dict:
    return {
        "price": Decimal("12000.00"),
        "delivery_date": timezone.localdate() + timedelta(days=20),
        "note": "含两次复测。",
    }


def steps_to(status: str, *, priced: bool) -> list[tuple[str, str, dict]]:
    """The moves to ``status``; an offering on quotation (面议) is quoted and the quote accepted
    where a priced one is accepted."""
    if status == RequestStatus.QUOTED:
        return [("quote", "operator", quote_body())]
    if priced:
        return PATHS[status]
    quoted = [("quote", "operator", quote_body()), ("accept_quote", "enterprise", {})]
    return [move for step in PATHS[status] for move in (quoted if step[0] == "accept" else [step])]


def advance(service_request: ServiceRequest, status: str, *, operator, enterprise_user):
    actors = {"operator": operator, "enterprise": enterprise_user}
    priced = service_request.offering.price is not None
    for action, party, body in steps_to(status, priced=priced):
        ACTION_SERVICES[action](service_request=service_request, actor=actors[party], **body)
    service_request.refresh_from_db()
    assert service_request.status == status
    return service_request


def a_month_ago() -> date:
    return timezone.localdate() - timedelta(days=31)
