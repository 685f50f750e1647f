"""Who hears of a move of an annual report, and what they read (in their own language).

submitted    → the officials over the complex (city/county and province): a report waits
               for their review
pre-reviewed → the operator team (the city's recommendation) and the province (it now
               waits for the province's decision)
returned     → the operator team, with the reason
approved     → the operator team
reopened     → the operator team, with the new date and the reason (after the deadline lock)

Reports waiting for an official are told as they arrive (submitted, pre-reviewed); the
completeness board (evaluation/progress.py) shows what waits and what is late.
"""

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from portal.notifications import lazy_format, notify

from .models import AnnualReport, Recommendation, ReportAction


def _operators(report: AnnualReport) -> QuerySet[User]:
    return User.objects.operators_of(report.complex_id)


def _reviewers(report: AnnualReport) -> QuerySet[User]:
    region = report.complex.region_id
    return User.objects.regional_officials_over(region) | User.objects.provincial_officials()


_SUBJECTS = {
    ReportAction.SUBMIT: _("The %(year)s annual report of %(complex)s waits for your review"),
    ReportAction.PRE_REVIEW: _("The %(year)s annual report of %(complex)s has been pre-reviewed"),
    ReportAction.RETURN: _("The %(year)s annual report of %(complex)s was returned"),
    ReportAction.APPROVE: _("The %(year)s annual report of %(complex)s is approved"),
    ReportAction.REOPEN: _("The %(year)s annual report of %(complex)s is reopened"),
}
_BODIES = {
    ReportAction.SUBMIT: _("Review the report and recommend, return or approve it."),
    ReportAction.PRE_REVIEW: _("Recommendation: %(recommendation)s. %(comment)s"),
    ReportAction.RETURN: _("Reason: %(comment)s Correct the report and submit it again."),
    ReportAction.APPROVE: _("The report is final now and enters this year's evaluation."),
    ReportAction.REOPEN: _(
        "The province reopened the report until %(until)s. Reason: %(comment)s Complete and "
        "submit it by then."
    ),
}
_RECIPIENTS = {
    ReportAction.SUBMIT: (_reviewers,),
    ReportAction.PRE_REVIEW: (_operators, lambda report: User.objects.provincial_officials()),
    ReportAction.RETURN: (_operators,),
    ReportAction.APPROVE: (_operators,),
    ReportAction.REOPEN: (_operators,),
}


def report_moved_tell(*, report: AnnualReport, action: str, comment: str = "") -> None:
    """Tell the people who must act (or who wait for the outcome) that ``report`` moved."""
    recipients = {user for people in _RECIPIENTS[action] for user in people(report)}
    notify(
        recipients=recipients,
        subject=lazy_format(_SUBJECTS[action], year=report.year, complex=report.complex.name),
        body=lazy_format(
            _BODIES[action],
            comment=comment,
            until=report.reopened_until.isoformat() if report.reopened_until else "",
            recommendation=Recommendation(report.recommendation).label
            if report.recommendation
            else "",
        ),
        url=reverse("evaluation:report", args=[report.pk]),
    )


def recompute_failed_tell(*, job, error: str) -> None:
    """The one who started a recomputation (or, for the nightly one, the province) hears that
    it failed: the published results stay those of the last run that succeeded."""
    notify(
        recipients=[job.owner] if job.owner_id else User.objects.provincial_officials(),
        subject=lazy_format(
            _("The recomputation of %(year)s failed"), year=job.parameters.get("year", "")
        ),
        body=lazy_format(
            _("%(error)s The published results are those of the last successful run."),
            error=error,
        ),
        url=job.get_absolute_url(),
    )
