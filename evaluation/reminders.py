"""Reminders of the annual-report deadline: 14, 3 and 0 days before it, and once overdue; and
the reminder an official sends the late ones from the completeness board, once a day at most."""

from datetime import date, timedelta

from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy

from accounts.models import User
from accounts.notifications import notify
from complexes.models import Complex, Status
from portal import policy
from portal.notifications import lazy_format

from . import progress, report_lock
from .models import ReminderKind, ReportingPeriod, ReportReminder, ReportStatus

# An overdue reminder goes out once, within this time after the deadline.
OVERDUE_REMINDER_WINDOW = timedelta(days=365)
DAYS_BEFORE = {14: ReminderKind.DAYS_14, 3: ReminderKind.DAYS_3, 0: ReminderKind.DAY_0}


def _reminders_record(
    *, period: ReportingPeriod, kind: str, complex_ids: list[int], today: date
) -> list[int]:
    """Record the reminders and answer the complexes whose reminder this run inserted.

    A concurrent run that computed the same complexes waits on the unique constraint and then
    gets none of them back, so the operators are told once. (``bulk_create`` with
    ``ignore_conflicts`` would answer every object it was given, the conflicting ones too.)
    The constraints say what conflicts: a scheduled kind once a year, ``late`` once a day."""
    if not complex_ids:
        return []
    table = ReportReminder._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {table} (period_id, complex_id, kind, sent_at, sent_on)
            SELECT %s, complex_id, %s, %s, %s FROM unnest(%s::bigint[]) AS due (complex_id)
            ON CONFLICT DO NOTHING
            RETURNING complex_id
            """,
            [period.pk, kind, timezone.now(), today, complex_ids],
        )
        return sorted(complex_id for (complex_id,) in cursor.fetchall())


def _kind_for(deadline: date, today: date) -> str | None:
    days_left = (deadline - today).days
    if days_left < 0:
        return ReminderKind.OVERDUE
    return DAYS_BEFORE.get(days_left)


@transaction.atomic
def reminders_send(*, today: date) -> int:
    """Remind the operators of every complex whose report is not yet submitted. Each complex
    gets each kind of reminder once per year, so running twice a day sends nothing new."""
    sent = 0
    for period in ReportingPeriod.objects.filter(deadline__gte=today - OVERDUE_REMINDER_WINDOW):
        kind = _kind_for(period.deadline, today)
        if kind is None:
            continue
        due = (
            Complex.objects.exclude(status=Status.REMOVED)
            .exclude(
                reports__year=period.year,
                reports__status__in=[ReportStatus.SUBMITTED, ReportStatus.APPROVED],
            )
            .exclude(
                pk__in=ReportReminder.objects.filter(period=period, kind=kind).values("complex")
            )
            .values_list("pk", flat=True)
        )
        complex_ids = _reminders_record(
            period=period, kind=kind, complex_ids=list(due), today=today
        )
        if not complex_ids:
            continue
        recipients = User.objects.operators_of(*complex_ids)
        if kind == ReminderKind.OVERDUE:
            subject = lazy_format(
                gettext_lazy("Your %(year)s annual report is overdue"), year=period.year
            )
        else:
            subject = lazy_format(
                gettext_lazy("Your %(year)s annual report is due on %(deadline)s"),
                year=period.year,
                deadline=period.deadline.isoformat(),
            )
        body = lazy_format(
            gettext_lazy(
                "Fill in and submit the annual report of %(year)s in the portal. The deadline is "
                "%(deadline)s."
            ),
            year=period.year,
            deadline=period.deadline.isoformat(),
        )
        notify(recipients=recipients, subject=subject, body=body, url=reverse("evaluation:reports"))
        sent += len(complex_ids)
    return sent


@transaction.atomic
def late_reminders_send(*, period: ReportingPeriod, actor, today: date | None = None) -> int:
    """Remind the operators of every overdue report in the official's scope (the completeness
    board's action); a complex already reminded this way today is not reminded again. Answers
    how many complexes were reminded."""
    policy.require(actor, "report.remind")
    today = today or timezone.localdate()
    overdue = (
        progress.with_report(
            policy.restrict(progress.expected_complexes(period.year), actor, "report.remind"),
            period.year,
        )
        .filter(progress.overdue_condition(period, today))
        .values_list("pk", flat=True)
    )
    complex_ids = _reminders_record(
        period=period, kind=ReminderKind.LATE, complex_ids=list(overdue), today=today
    )
    if complex_ids:
        notify(
            recipients=User.objects.operators_of(*complex_ids),
            subject=lazy_format(
                gettext_lazy("Your %(year)s annual report is overdue"), year=period.year
            ),
            body=lazy_format(
                gettext_lazy(
                    "The deadline was %(deadline)s. Submit the annual report of %(year)s in the "
                    "portal as soon as you can: drafts lock on %(lock_date)s."
                ),
                year=period.year,
                deadline=period.deadline.isoformat(),
                lock_date=report_lock.lock_date(period).isoformat(),
            ),
            url=reverse("evaluation:reports"),
        )
    return len(complex_ids)
