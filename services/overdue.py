"""Escalation of late requests (nightly): when a turnaround clock has run out, the operator is
told; when it is still late ``SERVICE_ESCALATION_WORKING_DAYS`` working days later, the city
and county officials over the complex are. Each notice goes out once per deadline.

Every function takes ``now``, so that the night's clock is the caller's (tests freeze it).
"""

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy

from . import clocks
from .models import OPEN_STATUSES, NoticeKind, RequestStatus, ServiceRequest, ServiceRequestNotice
from .request_notices import officials_over, operators, record_sent, tell


@dataclass(frozen=True)
class Clock:
    """A turnaround clock: which requests it runs on, the field holding their deadline, the
    notices it sends, and what they say."""

    running: Q
    deadline_field: str
    overdue: str
    escalated: str
    subject: str


CLOCKS = (
    Clock(
        Q(status=RequestStatus.SUBMITTED),
        "answer_due_at",
        NoticeKind.ANSWER_OVERDUE,
        NoticeKind.ANSWER_ESCALATED,
        gettext_lazy("Service request #{id} “{title}” has not been answered since {day}"),
    ),
    Clock(
        Q(status__in=OPEN_STATUSES),
        "due_at",
        NoticeKind.DELIVERY_OVERDUE,
        NoticeKind.DELIVERY_ESCALATED,
        gettext_lazy("Service request #{id} “{title}” was due on {day} and is not delivered"),
    ),
)


@transaction.atomic
def overdue_notices_send(*, now: datetime) -> int:
    """Send tonight's overdue and escalation notices; answers how many went out."""
    return sum(_clock_notices(clock, now=now) for clock in CLOCKS)


def _sent(kind: str, field: str):
    return Exists(
        ServiceRequestNotice.objects.filter(
            request=OuterRef("pk"), kind=kind, deadline=OuterRef(field)
        )
    )


def _clock_notices(clock: Clock, *, now: datetime) -> int:
    field = clock.deadline_field
    late = list(
        ServiceRequest.objects.filter(clock.running, **{f"{field}__lt": now})
        .annotate(told=_sent(clock.overdue, field), escalated=_sent(clock.escalated, field))
        .filter(Q(told=False) | Q(escalated=False))
        .select_related("offering", "complex")
        .order_by("pk")
    )
    deadline = {row.pk: getattr(row, field) for row in late}
    told = record_sent(clock.overdue, {row.pk: deadline[row.pk] for row in late if not row.told})
    escalated = record_sent(
        clock.escalated,
        {
            row.pk: deadline[row.pk]
            for row in late
            if not row.escalated and clocks.escalation_moment(deadline[row.pk]) <= now
        },
    )
    for row in late:
        subject = format_lazy(
            clock.subject,
            id=row.pk,
            title=row.offering.title,
            day=timezone.localdate(deadline[row.pk]).isoformat(),
        )
        if row.pk in told:
            tell(operators(row), row, subject=subject, body=_OPERATOR_BODY)
        if row.pk in escalated:
            tell(officials_over(row), row, subject=subject, body=_ESCALATION_BODY)
    return len(told) + len(escalated)


_OPERATOR_BODY = gettext_lazy(
    "Answer or deliver it now: if it is still late in a few working days, the officials of your "
    "region are told."
)
_ESCALATION_BODY = gettext_lazy(
    "The complex's operator was told when the deadline passed and has not acted since."
)
