"""Automatic confirmation: a request delivered and neither confirmed nor disputed within
``SERVICE_AUTO_CONFIRM_DAYS`` is confirmed by the nightly job, without a rating, and its held
voucher money consumed; both sides are told ``SERVICE_AUTO_CONFIRM_NOTICE_DAYS`` before, once.

Every function takes ``now``, so that the night's clock is the caller's (tests freeze it).
"""

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy

from portal.exceptions import InvalidTransition

from . import clocks, services
from .models import NoticeKind, RequestStatus, ServiceRequest
from .request_notices import enterprise_users, operators, record_sent, tell
from .vouchers import voucher_consume


@dataclass(frozen=True)
class AutoConfirmRun:
    announced: int
    confirmed: int


def auto_confirm_run(*, now: datetime) -> AutoConfirmRun:
    """Announce the confirmations coming, then confirm those due, each in its own transaction
    (one that fails leaves the others confirmed)."""
    announced = _announce(now=now)
    cutoff = now - clocks.auto_confirm_period()
    due = (
        ServiceRequest.objects.filter(status=RequestStatus.DELIVERED, delivered_at__lte=cutoff)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    confirmed = 0
    for pk in list(due):
        try:
            auto_confirm(service_request=ServiceRequest(pk=pk), now=now)
        except InvalidTransition:  # confirmed, disputed or delivered again meanwhile
            continue
        confirmed += 1
    return AutoConfirmRun(announced=announced, confirmed=confirmed)


@transaction.atomic
def auto_confirm(*, service_request: ServiceRequest, now: datetime) -> ServiceRequest:
    """Confirm one delivered request whose time to confirm or dispute has run out."""
    locked, _from = services._move(
        service_request=service_request, action="auto_confirm", actor=None, tell=False
    )
    if clocks.auto_confirm_moment(locked.delivered_at) > now:
        raise InvalidTransition(gettext_lazy("The enterprise still has time to confirm."))
    voucher_consume(service_request=locked, actor=None)
    locked.auto_confirmed, locked.completed_at = True, now
    locked.save(update_fields=["status", "auto_confirmed", "completed_at", "updated_at"])
    tell(
        [*enterprise_users(locked), *operators(locked)],
        locked,
        subject=format_lazy(
            gettext_lazy("Service request #{id} “{title}” has been confirmed automatically"),
            id=locked.pk,
            title=locked.offering.title,
        ),
        body=format_lazy(
            gettext_lazy(
                "It was delivered {days} days ago and neither confirmed nor disputed; the voucher "
                "money it held has been consumed."
            ),
            days=settings.SERVICE_AUTO_CONFIRM_DAYS,
        ),
    )
    return locked


@transaction.atomic
def _announce(*, now: datetime) -> int:
    coming = ServiceRequest.objects.filter(
        status=RequestStatus.DELIVERED,
        delivered_at__lte=now - clocks.auto_confirm_period() + clocks.auto_confirm_notice_period(),
        delivered_at__gt=now - clocks.auto_confirm_period(),
    ).select_related("offering")
    by_id = {row.pk: row for row in coming}
    sent = record_sent(
        NoticeKind.AUTO_CONFIRM_SOON,
        {pk: clocks.auto_confirm_moment(row.delivered_at) for pk, row in by_id.items()},
    )
    for pk in sorted(sent):
        row = by_id[pk]
        day = timezone.localdate(clocks.auto_confirm_moment(row.delivered_at))
        tell(
            [*enterprise_users(row), *operators(row)],
            row,
            subject=format_lazy(
                gettext_lazy("Service request #{id} will be confirmed automatically on {day}"),
                id=row.pk,
                day=day.isoformat(),
            ),
            body=gettext_lazy(
                "Unless the enterprise confirms and rates the delivery, or disputes it, before "
                "then, it is confirmed without a rating and the voucher money is consumed."
            ),
        )
    return len(sent)
