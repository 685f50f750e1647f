"""The annual report's state machine, as one table: for each action, the statuses it may start
from, the status it leads to, and the policy's action that says who may take it.

The services refuse any other move (``InvalidTransition``, answered 409 by the API; a user the
table does not name gets ``NotPermitted``, 403), and the report page offers exactly the actions
``allowed_actions`` answers, so a page never shows a button its user cannot use.

    draft, returned ──submit──▶ submitted ──approve──▶ approved (read-only)
    submitted ──return──▶ returned
    submitted ──pre_review──▶ submitted (a city or county official's recommendation)
    draft, returned ──edit──▶ the same status (the operator's values)
    draft, returned ──reopen──▶ the same status, open until a new date (the province, once
                                the report is locked: evaluation/report_lock.py)

Edit and submit are refused on a locked report, and reopen on a report that is not locked.
"""

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from portal import policy
from portal.exceptions import InvalidTransition

from . import report_lock
from .models import AnnualReport, ReportAction, ReportStatus

EDIT = "edit"


@dataclass(frozen=True)
class ReportTransition:
    sources: frozenset[str]
    target: str | None  # None: the action records something and the status stays
    permission: str  # the policy's action: who may take it, on which reports
    refusal: Promise  # why the action is refused from another status (%(status)s)
    # The deadline lock: False, allowed on an unlocked report only (the operator's moves);
    # True, on a locked report only (the province's reopening); None, the lock does not matter.
    when_locked: bool | None = None


_EDITABLE = frozenset({ReportStatus.DRAFT, ReportStatus.RETURNED})
_UNDER_REVIEW = frozenset({ReportStatus.SUBMITTED})
_REVIEW_REFUSAL = _("Only a submitted report can be reviewed; this one is %(status)s.")

REPORT_TRANSITIONS: dict[str, ReportTransition] = {
    EDIT: ReportTransition(
        _EDITABLE,
        None,
        "report.fill",
        _("A %(status)s report cannot be edited."),
        when_locked=False,
    ),
    ReportAction.SUBMIT: ReportTransition(
        _EDITABLE,
        ReportStatus.SUBMITTED,
        "report.submit",
        _("Only a draft or returned report can be submitted; this one is %(status)s."),
        when_locked=False,
    ),
    ReportAction.PRE_REVIEW: ReportTransition(
        _UNDER_REVIEW, None, "report.pre_review", _REVIEW_REFUSAL
    ),
    ReportAction.RETURN: ReportTransition(
        _UNDER_REVIEW, ReportStatus.RETURNED, "report.return", _REVIEW_REFUSAL
    ),
    ReportAction.APPROVE: ReportTransition(
        _UNDER_REVIEW, ReportStatus.APPROVED, "report.approve", _REVIEW_REFUSAL
    ),
    ReportAction.REOPEN: ReportTransition(
        _EDITABLE,
        None,
        "report.reopen",
        _("Only a draft or returned report can be reopened; this one is %(status)s."),
        when_locked=True,
    ),
}


def allowed_actions(*, report: AnnualReport, user) -> set[str]:
    """The actions this user may take on the report in its current status (for pages to offer)."""
    actions = {
        action
        for action, transition in REPORT_TRANSITIONS.items()
        if report.status in transition.sources and policy.can(user, transition.permission, report)
    }
    if any(REPORT_TRANSITIONS[action].when_locked is not None for action in actions):
        locked = report_lock.report_is_locked(report, period=report_lock.period_of(report))
        actions = {
            action for action in actions if REPORT_TRANSITIONS[action].when_locked in (None, locked)
        }
    return actions


def check_actor(*, report: AnnualReport, action: str, user) -> ReportTransition:
    """The transition of ``action`` if the table lets ``user`` take it; NotPermitted otherwise."""
    transition = REPORT_TRANSITIONS[action]
    policy.require(user, transition.permission, report)
    return transition


def check_move(*, report: AnnualReport, transition: ReportTransition) -> None:
    """Refuse the move from a status the table does not start it from (409)."""
    if report.status not in transition.sources:
        raise InvalidTransition(transition.refusal % {"status": report.get_status_display()})
    if transition.when_locked is not None:
        report_lock.check_lock(report, allowed_when_locked=transition.when_locked)
