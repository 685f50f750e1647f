"""Automatic confirmation (nightly, with a controlled clock): a delivery neither confirmed nor
disputed within SERVICE_AUTO_CONFIRM_DAYS is confirmed without a rating and its held voucher
money consumed; both sides are told three days before, once."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.models import Notification
from services import services
from services.auto_confirm import auto_confirm_run
from services.models import RequestStatus, ServiceRequest, Voucher
from services.tasks import run_request_clocks

from .factories import advance

pytestmark = pytest.mark.django_db


@pytest.fixture
def delivered(world, settings):
    """The world's request (3,000 CNY held on the voucher), delivered at a known moment."""
    settings.SERVICE_AUTO_CONFIRM_DAYS = 14
    settings.SERVICE_AUTO_CONFIRM_NOTICE_DAYS = 3
    advance(
        world["request"],
        RequestStatus.DELIVERED,
        operator=world["operator"],
        enterprise_user=world["enterprise_user"],
    )
    delivered_at = timezone.now() - timedelta(days=30)
    ServiceRequest.objects.filter(pk=world["request"].pk).update(delivered_at=delivered_at)
    Notification.objects.all().delete()
    world["delivered_at"] = delivered_at
    return world


def told(user) -> list[str]:
    return list(Notification.objects.filter(recipient=user).values_list("subject", flat=True))


def state(world):
    request_ = ServiceRequest.objects.get(pk=world["request"].pk)
    voucher = Voucher.objects.get(pk=world["voucher"].pk)
    kinds = list(voucher.entries.values_list("kind", flat=True))
    return request_.status, request_.auto_confirmed, request_.rating, voucher.held, kinds


def test_both_sides_are_told_three_days_before_once(delivered):
    world, start = delivered, delivered["delivered_at"]
    assert auto_confirm_run(now=start + timedelta(days=10, hours=23)).announced == 0
    run = auto_confirm_run(now=start + timedelta(days=11, hours=1))
    assert (run.announced, run.confirmed) == (1, 0)
    assert auto_confirm_run(now=start + timedelta(days=12)).announced == 0
    assert len(told(world["enterprise_user"])) == 1 and len(told(world["operator"])) == 1
    assert f"#{world['request'].pk}" in told(world["enterprise_user"])[0]
    assert state(world)[0] == RequestStatus.DELIVERED


def test_after_the_period_the_request_is_confirmed_and_the_voucher_money_consumed(delivered):
    world, start = delivered, delivered["delivered_at"]
    assert auto_confirm_run(now=start + timedelta(days=13, hours=23)).confirmed == 0
    run = auto_confirm_run(now=start + timedelta(days=14, minutes=1))
    assert run.confirmed == 1
    status, automatic, rating, held, kinds = state(world)
    assert (status, automatic, rating, held) == (
        RequestStatus.COMPLETED,
        True,
        None,
        Decimal("0.00"),
    )
    assert kinds == ["issue", "hold", "consume"]
    request_ = ServiceRequest.objects.get(pk=world["request"].pk)
    assert request_.completed_at == start + timedelta(days=14, minutes=1)
    assert request_.events.last().to_status == RequestStatus.COMPLETED
    assert request_.events.last().actor is None
    # Told three days before (by the first run) and of the confirmation.
    assert len(told(world["enterprise_user"])) == 2 and len(told(world["operator"])) == 2
    again = auto_confirm_run(now=start + timedelta(days=20))
    assert (again.announced, again.confirmed) == (0, 0)
    assert len(told(world["enterprise_user"])) == 2


def test_a_disputed_or_redelivered_request_is_left_alone(delivered):
    world, start = delivered, delivered["delivered_at"]
    services.service_request_dispute(
        service_request=world["request"], actor=world["enterprise_user"], reason="缺数据"
    )
    assert auto_confirm_run(now=start + timedelta(days=15)).confirmed == 0
    services.service_request_deliver(
        service_request=world["request"], actor=world["operator"], note="已补充"
    )
    assert auto_confirm_run(now=timezone.now() + timedelta(days=13)).confirmed == 0
    assert state(world)[0] == RequestStatus.DELIVERED
    assert auto_confirm_run(now=timezone.now() + timedelta(days=14, minutes=1)).confirmed == 1


def test_a_confirmed_request_keeps_the_enterprises_rating(delivered):
    world, start = delivered, delivered["delivered_at"]
    services.service_request_confirm(
        service_request=world["request"], actor=world["enterprise_user"], rating=4
    )
    assert auto_confirm_run(now=start + timedelta(days=15)).confirmed == 0
    assert state(world)[:3] == (RequestStatus.COMPLETED, False, 4)


def test_the_nightly_task_runs_both_clocks(delivered):
    assert run_request_clocks.delay().get() == {
        "announced": 0,
        "confirmed": 1,
        "overdue_notices": 0,
    }
