"""The deadline lock of annual reports (issue 18).

A year's drafts and returned reports are *overdue* once its deadline has passed, and *locked*
``grace_days`` after it: the operators can then neither edit nor submit them. The province
reopens one report with a reason and a new date (``AnnualReport.reopened_until``); the report
is open until that date, and overdue and locked again after it, until the province reopens it
again. A report that is submitted, under review or approved never locks: the lock keeps late
drafts out, not reviews.
"""

from datetime import date, timedelta

from django.db.models import (
    BooleanField,
    ExpressionWrapper,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.exceptions import InvalidTransition

from .models import AnnualReport, ReportingPeriod, ReportStatus

# The statuses in which a report waits for its operator: they become overdue and lock.
WAITING_FOR_OPERATOR = (ReportStatus.DRAFT, ReportStatus.RETURNED)


def lock_date(period: ReportingPeriod) -> date:
    """The last day drafts of the period may still be edited and submitted."""
    return period.deadline + timedelta(days=period.grace_days)


def year_is_locked(period: ReportingPeriod | None, *, today: date | None = None) -> bool:
    return period is not None and (today or timezone.localdate()) > lock_date(period)


def report_is_locked(
    report: AnnualReport, *, period: ReportingPeriod | None, today: date | None = None
) -> bool:
    """Whether the operators may no longer edit or submit ``report``."""
    if report.status not in WAITING_FOR_OPERATOR or period is None:
        return False
    today = today or timezone.localdate()
    if report.reopened_until is not None:
        return today > report.reopened_until
    return today > lock_date(period)


def report_is_overdue(
    report: AnnualReport, *, period: ReportingPeriod | None, today: date | None = None
) -> bool:
    """Not submitted (or returned and not submitted again) after its deadline: the period's,
    or the date the province reopened it until."""
    if report.status not in WAITING_FOR_OPERATOR or period is None:
        return False
    due = report.reopened_until or period.deadline
    return (today or timezone.localdate()) > due


def with_overdue(reports: QuerySet[AnnualReport], today: date | None = None) -> QuerySet:
    """Annotate ``is_overdue`` (``report_is_overdue`` in SQL, for lists of reports)."""
    deadline = ReportingPeriod.objects.filter(year=OuterRef("year")).values("deadline")[:1]
    due = Coalesce("reopened_until", Subquery(deadline))
    overdue = Q(status__in=WAITING_FOR_OPERATOR) & Q(due__lt=today or timezone.localdate())
    # A year nobody opened has no deadline: nothing of it is overdue (not NULL).
    return reports.alias(due=due).annotate(
        is_overdue=Coalesce(ExpressionWrapper(overdue, output_field=BooleanField()), Value(False))
    )


def period_of(report: AnnualReport) -> ReportingPeriod | None:
    return ReportingPeriod.objects.filter(year=report.year).first()


def check_lock(report: AnnualReport, *, allowed_when_locked: bool) -> None:
    """Refuse (409) an operator's edit or submission of a locked report, and a reopening of a
    report that is not locked."""
    period = period_of(report)
    locked = report_is_locked(report, period=period)
    if locked and not allowed_when_locked:
        raise InvalidTransition(
            _(
                "The %(year)s reports locked after %(date)s: this report can no longer be edited "
                "or submitted unless the province reopens it."
            )
            % {
                "year": report.year,
                "date": (report.reopened_until or lock_date(period)).isoformat(),
            }
        )
    if allowed_when_locked and not locked:
        raise InvalidTransition(_("This report is not locked: its operators can still edit it."))
