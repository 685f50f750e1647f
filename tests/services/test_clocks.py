"""Turnaround clocks: the answer to a submitted request (working days, weekends skipped) and
the delivery of an accepted one; overdue markers and filter; the nightly escalation, first to
the operator, then to the officials over the complex, once each (with a controlled clock)."""

from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from accounts.models import Notification
from services import clocks
from services.models import NoticeKind, RequestStatus, ServiceRequest, ServiceRequestNotice
from services.overdue import overdue_notices_send
from tests import factories

from .factories import ServiceRequestFactory, advance

pytestmark = pytest.mark.django_db


def local(text: str) -> datetime:
    return timezone.make_aware(datetime.fromisoformat(text))


@pytest.mark.parametrize(
    ("start", "days", "due"),
    [
        ("2026-03-02 10:00", 3, "2026-03-05 10:00"),  # Monday → Thursday
        ("2026-03-06 15:30", 3, "2026-03-11 15:30"),  # Friday → Wednesday
        ("2026-03-07 09:00", 3, "2026-03-11 09:00"),  # Saturday → Wednesday
        ("2026-03-06 15:30", 0, "2026-03-06 15:30"),
    ],
)
def test_working_days_skip_weekends(start, days, due):
    assert clocks.add_working_days(local(start), days) == local(due)


def test_a_submission_starts_the_answer_clock(world, settings):
    settings.SERVICE_ANSWER_WORKING_DAYS = 3
    request_ = ServiceRequestFactory(
        offering=world["offering"], submitted_at=local("2026-03-06 15:30")
    )
    assert request_.answer_due_at == local("2026-03-11 15:30")


@pytest.fixture
def late(world):
    """Three requests of the Yongkang complex: one unanswered for too long, one accepted and
    past its delivery date, one answered in time."""
    unanswered = ServiceRequestFactory(
        offering=world["offering"],
        enterprise=world["enterprise"],
        submitted_at=timezone.now() - timedelta(days=10),
    )
    undelivered = world["request"]
    advance(
        undelivered,
        RequestStatus.ACCEPTED,
        operator=world["operator"],
        enterprise_user=world["enterprise_user"],
    )
    ServiceRequest.objects.filter(pk=undelivered.pk).update(
        due_at=timezone.now() - timedelta(days=1)
    )
    in_time = ServiceRequestFactory(offering=world["offering"], enterprise=world["enterprise"])
    return {"unanswered": unanswered, "undelivered": undelivered, "in_time": in_time}


def test_the_overdue_filter_and_markers(world, late, api_as, client_as):
    listed = api_as(world["operator"]).get("/api/v1/service-requests/?overdue=true").json()
    rows = {row["id"]: row["overdue_clock"] for row in listed["results"]}
    assert rows == {late["unanswered"].pk: "answer", late["undelivered"].pk: "delivery"}
    on_time = api_as(world["operator"]).get("/api/v1/service-requests/?overdue=false").json()
    assert [row["id"] for row in on_time["results"]] == [late["in_time"].pk]

    page = client_as(world["operator"]).get("/services/requests/?overdue=true")
    assert page.status_code == 200
    text = page.content.decode()
    assert f"#{late['unanswered'].pk} " in text and f"#{late['undelivered'].pk} " in text
    assert f"#{late['in_time'].pk} " not in text
    assert "答复超时" in text and "交付超时" in text
    detail = client_as(world["enterprise_user"]).get(f"/services/requests/{late['unanswered'].pk}/")
    assert "答复超时" in detail.content.decode()


def inbox(user):
    return list(Notification.objects.filter(recipient=user).values_list("subject", flat=True))


@pytest.mark.parametrize("clock", ["answer", "delivery"])
def test_escalation_goes_to_the_operator_then_the_officials_once_each(world, settings, clock):
    settings.SERVICE_ESCALATION_WORKING_DAYS = 2
    city = factories.regional_official("330700")
    request_ = world["request"]
    if clock == "delivery":
        advance(
            request_,
            RequestStatus.ACCEPTED,
            operator=world["operator"],
            enterprise_user=world["enterprise_user"],
        )
        ServiceRequest.objects.filter(pk=request_.pk).update(due_at=local("2026-03-06 00:00"))
        deadline = local("2026-03-06 00:00")
    else:
        ServiceRequest.objects.filter(pk=request_.pk).update(
            answer_due_at=local("2026-03-06 00:00")
        )
        deadline = local("2026-03-06 00:00")
    Notification.objects.all().delete()

    assert overdue_notices_send(now=deadline - timedelta(minutes=1)) == 0
    assert overdue_notices_send(now=deadline + timedelta(hours=1)) == 1
    assert overdue_notices_send(now=deadline + timedelta(hours=2)) == 0  # once
    assert len(inbox(world["operator"])) == 1
    assert f"#{request_.pk}" in inbox(world["operator"])[0]
    assert inbox(city) == [] and inbox(world["official_in_scope"]) == []

    # Friday's deadline + 2 working days: Tuesday. Monday night is still the operator's.
    assert overdue_notices_send(now=local("2026-03-09 23:00")) == 0
    assert overdue_notices_send(now=local("2026-03-10 01:00")) == 1
    assert overdue_notices_send(now=local("2026-03-11 01:00")) == 0
    assert len(inbox(city)) == 1 and len(inbox(world["official_in_scope"])) == 1
    assert inbox(world["official_out_of_scope"]) == [] and inbox(world["province"]) == []
    assert len(inbox(world["operator"])) == 1
    kinds = set(ServiceRequestNotice.objects.values_list("kind", flat=True))
    assert kinds == {f"{clock}_overdue", f"{clock}_escalated"}


def test_a_new_deadline_restarts_the_notices(world):
    request_ = world["request"]
    ServiceRequest.objects.filter(pk=request_.pk).update(answer_due_at=local("2026-03-06 00:00"))
    assert overdue_notices_send(now=local("2026-03-06 08:00")) == 1
    # The quote was declined: the answer clock starts again.
    ServiceRequest.objects.filter(pk=request_.pk).update(answer_due_at=local("2026-03-12 00:00"))
    assert overdue_notices_send(now=local("2026-03-09 08:00")) == 0
    assert overdue_notices_send(now=local("2026-03-12 08:00")) == 1
    assert ServiceRequestNotice.objects.filter(kind=NoticeKind.ANSWER_OVERDUE).count() == 2


def test_answered_and_delivered_requests_are_not_late(world):
    request_ = world["request"]
    advance(
        request_,
        RequestStatus.DELIVERED,
        operator=world["operator"],
        enterprise_user=world["enterprise_user"],
    )
    ServiceRequest.objects.filter(pk=request_.pk).update(
        answer_due_at=local("2026-03-06 00:00"), due_at=local("2026-03-06 00:00")
    )
    assert overdue_notices_send(now=local("2026-04-01 00:00")) == 0
