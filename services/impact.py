"""The impact follow-up (NIST MEP's practice): twelve months after a service request is completed,
its enterprise is asked what the service changed: revenue, new products, jobs, R&D spend, and
whether it would recommend the complex. Self-reported impact runs about a third above what
clients say (MEP's inspector), so the answers are kept apart from the complex's own figures and
read beside them (dashboard/impact.py).

- ``impact_surveys_send`` (nightly): invites the requests completed twelve months ago, once each
  (a unique request per survey; the run holds a transaction-level advisory lock, so two runs
  never invite the same request twice and the second finds nothing), and expires the invitations
  not answered in ``SURVEY_ANSWER_DAYS``.
- ``impact_survey_answer``: the enterprise's answer, whole or not at all.
"""

from collections import Counter
from datetime import date, datetime, timedelta
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from accounts.models import User
from portal import policy
from portal.exceptions import InvalidTransition
from portal.notifications import notify

from .lock_objects import impact_survey_run_lock, impact_surveys_select_for_update
from .models import ImpactSurvey, RequestStatus, ServiceRequest, SurveyStatus

# Months after completion when the enterprise is asked, and days it has to answer.
SURVEY_AFTER_MONTHS = 12
SURVEY_ANSWER_DAYS = 60
# A night the task did not run is caught up for this long; a service completed before the
# window (say, before the follow-up existed) is not asked about years later.
SURVEY_CATCH_UP_DAYS = 30


def survey_due_before(now: datetime) -> datetime:
    """Requests completed at or before this moment have reached their twelve months."""
    return now - relativedelta(months=SURVEY_AFTER_MONTHS)


def impact_surveys_send(*, now: datetime | None = None) -> int:
    """Invite, once, the enterprises whose requests were completed twelve months ago, and
    expire the invitations left unanswered. Returns how many invitations were sent."""
    now = now or timezone.now()
    with transaction.atomic():
        impact_survey_run_lock()
        impact_surveys_expire(today=timezone.localdate(now))
        due_before = survey_due_before(now)
        due = ServiceRequest.objects.filter(
            status=RequestStatus.COMPLETED,
            completed_at__lte=due_before,
            completed_at__gt=due_before - timedelta(days=SURVEY_CATCH_UP_DAYS),
            impact_survey__isnull=True,
        ).values_list("pk", "complex_id", "enterprise_id")
        expires_on = timezone.localdate(now) + timedelta(days=SURVEY_ANSWER_DAYS)
        surveys = ImpactSurvey.objects.bulk_create(
            ImpactSurvey(
                request_id=request_id,
                complex_id=complex_id,
                enterprise_id=enterprise_id,
                sent_at=now,
                expires_on=expires_on,
            )
            for request_id, complex_id, enterprise_id in due
        )
        for enterprise_id, count in sorted(Counter(s.enterprise_id for s in surveys).items()):
            _invite(enterprise_id=enterprise_id, count=count, expires_on=expires_on)
    return len(surveys)


def _invite(*, enterprise_id: int, count: int, expires_on: date) -> None:
    """One message a night per enterprise, however many of its services turned a year old."""
    notify(
        recipients=User.objects.users_of_enterprise(enterprise_id),
        subject=format_lazy(
            ngettext_lazy(
                "A service you used a year ago: how did it help? ({count} survey)",
                "Services you used a year ago: how did they help? ({count} surveys)",
                "count",
            ),
            count=count,
        ),
        body=format_lazy(
            _(
                "Five short questions on what the service changed for your enterprise, "
                "answered by {day}. The province compares the answers with what the complexes "
                "report of themselves."
            ),
            day=expires_on,
        ),
        url=reverse("services:impact_surveys"),
    )


def impact_surveys_expire(*, today: date) -> int:
    """Close the invitations whose time to answer has passed (one UPDATE)."""
    return ImpactSurvey.objects.filter(status=SurveyStatus.SENT, expires_on__lt=today).update(
        status=SurveyStatus.EXPIRED, updated_at=timezone.now()
    )


@transaction.atomic
def impact_survey_answer(
    *,
    survey: ImpactSurvey,
    actor: User,
    revenue_change: Decimal,
    new_products: int,
    jobs_created: int,
    rd_spend_change: Decimal,
    recommend_score: int,
) -> ImpactSurvey:
    """Record the enterprise's answer: every field at once, validated, while the invitation is
    open; an answered or expired survey refuses (409)."""
    policy.require(actor, "impact_survey.answer", survey)
    locked = impact_surveys_select_for_update().get(pk=survey.pk)
    if not locked.is_open:
        raise InvalidTransition(
            _("This survey is already answered.")
            if locked.status == SurveyStatus.ANSWERED
            else _("The time to answer this survey has passed.")
        )
    locked.revenue_change = revenue_change
    locked.new_products = new_products
    locked.jobs_created = jobs_created
    locked.rd_spend_change = rd_spend_change
    locked.recommend_score = recommend_score
    locked.status = SurveyStatus.ANSWERED
    locked.answered_at = timezone.now()
    locked.answered_by = actor
    locked.full_clean()
    locked.save()
    return locked
