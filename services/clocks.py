"""The turnaround clocks of a service request, as pure date arithmetic.

Two clocks run against the operator: from submission to an answer (acceptance or a quote),
``SERVICE_ANSWER_WORKING_DAYS`` working days (weekends skipped), and from acceptance to
delivery, the offering's turnaround days (or the delivery date of an accepted quote). A late
clock is first told to the operator, then, ``SERVICE_ESCALATION_WORKING_DAYS`` working days
later, to the officials over the complex. Delivered requests that the enterprise neither
confirms nor disputes are confirmed after ``SERVICE_AUTO_CONFIRM_DAYS`` days.

This module reads no table, so that models may use it.
"""

from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.utils import timezone

SATURDAY = 5


def is_working_day(day: date) -> bool:
    return day.weekday() < SATURDAY


def add_working_days(start: datetime, days: int) -> datetime:
    """The moment ``days`` working days after ``start``, at the same local time of day: a
    request sent on Friday afternoon with three days to answer is due on Wednesday afternoon,
    one sent on Saturday is due on Wednesday too."""
    local = timezone.localtime(start)
    day, counted = local.date(), 0
    while counted < days:
        day += timedelta(days=1)
        counted += is_working_day(day)
    return timezone.make_aware(datetime.combine(day, local.time()))


def answer_deadline(submitted_at: datetime) -> datetime:
    """When the operator must have accepted, quoted or rejected a request submitted then."""
    return add_working_days(submitted_at, settings.SERVICE_ANSWER_WORKING_DAYS)


def end_of_day(day: date) -> datetime:
    """The first moment after ``day`` in the portal's time zone: a delivery date is kept until
    that day is over."""
    return timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min))


def escalation_moment(deadline: datetime) -> datetime:
    """When a clock still late is told to the officials over the complex."""
    return add_working_days(deadline, settings.SERVICE_ESCALATION_WORKING_DAYS)


def auto_confirm_period() -> timedelta:
    """How long the enterprise has to confirm or dispute a delivery."""
    return timedelta(days=settings.SERVICE_AUTO_CONFIRM_DAYS)


def auto_confirm_notice_period() -> timedelta:
    """How long before the automatic confirmation both sides are told."""
    return timedelta(days=settings.SERVICE_AUTO_CONFIRM_NOTICE_DAYS)


def auto_confirm_moment(delivered_at: datetime) -> datetime:
    return delivered_at + auto_confirm_period()
