"""Vouchers: the balance never goes below zero and the ledger always reconciles."""

from decimal import Decimal

import pytest
from django.db.models import Sum
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from portal.exceptions import DomainError, InvalidTransition
from services import selectors, services
from services.models import RequestStatus, ServiceRequest, Voucher
from tests import factories
from tests.concurrency import THREADS, run_at_once

from .factories import OfferingFactory, ServiceRequestFactory, VoucherFactory, advance


def reconcile(voucher: Voucher) -> dict[str, Decimal]:
    """The ledger's totals, checked against the voucher row and its requests."""
    voucher.refresh_from_db()
    totals = selectors.voucher_ledger_totals(voucher_ids=[voucher.pk])[voucher.pk]
    requests = ServiceRequest.objects.filter(voucher=voucher)

    def paid(*statuses):
        return requests.filter(status__in=statuses).aggregate(s=Sum("voucher_amount"))[
            "s"
        ] or Decimal("0")

    assert voucher.balance >= 0 and voucher.held >= 0
    assert totals["issued"] == voucher.amount
    assert totals["balance"] == voucher.balance
    assert totals["held"] == voucher.held
    assert totals["lapsed"] == voucher.lapsed
    assert totals["issued"] == (
        totals["balance"] + totals["held"] + totals["consumed"] + totals["lapsed"]
    )
    # Held from submission until confirmed, rejected or cancelled.
    assert totals["held"] == paid(
        RequestStatus.SUBMITTED,
        RequestStatus.ACCEPTED,
        RequestStatus.IN_PROGRESS,
        RequestStatus.DELIVERED,
    )
    assert totals["consumed"] == paid(RequestStatus.COMPLETED)
    return totals


@pytest.fixture
def scene():
    complex_ = factories.ComplexFactory()
    enterprise = factories.EnterpriseFactory()
    return {
        "offering": OfferingFactory(complex=complex_, price=Decimal("5000.00")),
        "enterprise": enterprise,
        "voucher": VoucherFactory(enterprise=enterprise, amount=Decimal("10000.00")),
        "operator": factories.operator_of(complex_),
        "enterprise_user": factories.enterprise_user_of(enterprise),
    }


def make_requests(scene, count, amount):
    return [
        ServiceRequestFactory(
            offering=scene["offering"],
            enterprise=scene["enterprise"],
            voucher=scene["voucher"],
            voucher_amount=amount,
        ).pk
        for _ in range(count)
    ]


def submit(scene, amount):
    """One submission through the service, as the page and the API make it."""
    try:
        services.service_request_create(
            offering=scene["offering"],
            actor=scene["enterprise_user"],
            description="盐雾试验",
            voucher=Voucher.objects.get(pk=scene["voucher"].pk),
            voucher_amount=amount,
        )
    except DomainError as error:
        assert error.field == "voucher_amount", error.message
        return "refused"
    return "held"


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_fifty_simultaneous_submissions_hold_no_more_than_the_balance(scene):
    results = run_at_once(lambda _n: submit(scene, Decimal("700.00")), range(THREADS))
    # 10,000 holds 14 × 700 = 9,800; the others are refused and leave no request behind.
    assert results.count("held") == 14 and results.count("refused") == THREADS - 14
    totals = reconcile(scene["voucher"])
    assert (totals["balance"], totals["held"]) == (Decimal("200.00"), Decimal("9800.00"))
    submitted = ServiceRequest.objects.filter(enterprise=scene["enterprise"])
    assert set(submitted.values_list("status", flat=True)) == {"submitted"}
    assert submitted.count() == 14


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_accepting_fifty_held_requests_never_fails_on_money(scene):
    """The money was reserved at submission: the operator's acceptance does not touch it."""
    pks = make_requests(scene, THREADS, Decimal("200.00"))

    def accept(pk):
        services.service_request_accept(
            service_request=ServiceRequest.objects.get(pk=pk), actor=scene["operator"]
        )
        return "accepted"

    assert run_at_once(accept, pks) == ["accepted"] * THREADS
    totals = reconcile(scene["voucher"])
    assert (totals["balance"], totals["held"]) == (Decimal("0.00"), Decimal("10000.00"))


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_simultaneous_holds_releases_and_consumptions_reconcile(scene):
    held_before = make_requests(scene, 10, Decimal("500.00"))
    for pk in held_before:
        request = ServiceRequest.objects.get(pk=pk)
        target = RequestStatus.DELIVERED if pk % 2 else RequestStatus.ACCEPTED
        advance(
            request, target, operator=scene["operator"], enterprise_user=scene["enterprise_user"]
        )

    def act(pk):
        if pk < 0:  # a newcomer: a submission of its own
            return submit(scene, Decimal("400.00"))
        request = ServiceRequest.objects.get(pk=pk)
        try:
            if request.status == RequestStatus.ACCEPTED:
                services.service_request_cancel(
                    service_request=request, actor=scene["enterprise_user"]
                )
                return "released"
            if request.status == RequestStatus.DELIVERED:
                services.service_request_confirm(
                    service_request=request, actor=scene["enterprise_user"], rating=5
                )
                return "consumed"
            raise AssertionError(request.status)
        except (DomainError, InvalidTransition):
            return "refused"

    newcomers = list(range(-20, 0))
    results = run_at_once(act, held_before + newcomers)
    assert results.count("released") == 5 and results.count("consumed") == 5
    totals = reconcile(scene["voucher"])
    # 2,500 consumed; whatever was released could be held again, never beyond the balance.
    assert totals["consumed"] == Decimal("2500.00")
    assert totals["held"] == Decimal("400.00") * results.count("held")
    assert totals["balance"] == Decimal("7500.00") - totals["held"]


OPERATIONS = st.lists(
    st.tuples(
        st.sampled_from(["request", "accept", "reject", "cancel", "complete"]),
        st.integers(min_value=0, max_value=7),
        st.integers(min_value=1, max_value=6000),
    ),
    max_size=25,
)


class LedgerInvariantTests(TestCase):
    """Any sequence of holds, releases and consumptions keeps balance ≥ 0 and the ledger equal
    to issued − held − consumed (each example runs in its own rolled-back transaction)."""

    @given(OPERATIONS)
    @settings(max_examples=40, deadline=None)
    def test_any_sequence_keeps_the_ledger_reconciled(self, operations):
        complex_ = factories.ComplexFactory()
        enterprise = factories.EnterpriseFactory()
        offering = OfferingFactory(complex=complex_, price=Decimal("6000.00"))
        voucher = VoucherFactory(enterprise=enterprise, amount=Decimal("10000.00"))
        operator = factories.operator_of(complex_)
        user = factories.enterprise_user_of(enterprise)
        requests: list[ServiceRequest] = []
        for kind, index, amount in operations:
            try:
                if kind == "request":
                    requests.append(
                        services.service_request_create(
                            offering=offering,
                            actor=user,
                            description="检测",
                            voucher=Voucher.objects.get(pk=voucher.pk),
                            voucher_amount=Decimal(amount),
                        )
                    )
                elif requests:
                    request = requests[index % len(requests)]
                    request.refresh_from_db()
                    if kind == "accept":
                        services.service_request_accept(service_request=request, actor=operator)
                    elif kind == "reject":
                        services.service_request_reject(
                            service_request=request, actor=operator, reason="无法承接"
                        )
                    elif kind == "cancel":
                        services.service_request_cancel(service_request=request, actor=user)
                    else:
                        advance_to_completed(request, operator, user)
            except DomainError:
                pass
            reconcile(voucher)


def advance_to_completed(request, operator, user):
    services.service_request_start(service_request=request, actor=operator)
    services.service_request_deliver(service_request=request, actor=operator, note="完成")
    services.service_request_confirm(service_request=request, actor=user, rating=4)
