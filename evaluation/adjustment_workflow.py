"""The bonus and penalty items' (加减分) state machine, as one table: for each action, the
statuses it may start from, the status it leads to, and the policy's action that says who may
take it. The services refuse any other move (``InvalidTransition``, 409; a user the table does
not name gets ``NotPermitted``, 403), and the pages offer exactly ``allowed_actions``.

    (a city or county official proposes) ──▶ proposed ──approve──▶ approved (counts in scores)
    proposed ──reject──▶ rejected
    proposed, approved ──withdraw──▶ withdrawn   (until the year's results are published)

Only its proposer, or the province, withdraws an item: the policy's scope says where an
official may withdraw, the proposer rule whose proposal it is.
"""

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from portal import policy
from portal.exceptions import InvalidTransition, NotPermitted

from . import selectors
from .models import Adjustment, AdjustmentStatus

APPROVE, REJECT, WITHDRAW = "approve", "reject", "withdraw"


@dataclass(frozen=True)
class AdjustmentTransition:
    sources: frozenset[str]
    target: str
    permission: str  # the policy's action: who may take it, on which complexes
    refusal: Promise  # why it is refused from another status (%(status)s)


_DECISION_REFUSAL = _("Only a proposed item can be decided; this one is %(status)s.")

ADJUSTMENT_TRANSITIONS: dict[str, AdjustmentTransition] = {
    APPROVE: AdjustmentTransition(
        frozenset({AdjustmentStatus.PROPOSED}),
        AdjustmentStatus.APPROVED,
        "adjustment.decide",
        _DECISION_REFUSAL,
    ),
    REJECT: AdjustmentTransition(
        frozenset({AdjustmentStatus.PROPOSED}),
        AdjustmentStatus.REJECTED,
        "adjustment.decide",
        _DECISION_REFUSAL,
    ),
    WITHDRAW: AdjustmentTransition(
        frozenset({AdjustmentStatus.PROPOSED, AdjustmentStatus.APPROVED}),
        AdjustmentStatus.WITHDRAWN,
        "adjustment.withdraw",
        _("A %(status)s item cannot be withdrawn."),
    ),
}

PUBLISHED_REFUSAL = _(
    "The results of %(year)s are published: its bonuses and penalties can no longer be withdrawn."
)


def _may(user, action: str, adjustment: Adjustment) -> bool:
    transition = ADJUSTMENT_TRANSITIONS[action]
    if not policy.can(user, transition.permission, adjustment):
        return False
    if action == WITHDRAW and not policy.can(user, "adjustment.decide", adjustment):
        # City and county officials withdraw their own proposals only.
        return adjustment.proposed_by_id == user.pk
    return True


def allowed_actions(*, adjustment: Adjustment, user, published_years: set[int]) -> set[str]:
    """The actions ``user`` may take on ``adjustment`` now (for pages to offer);
    ``published_years`` are ``selectors.published_years()``, read once per page."""
    return {
        action
        for action, transition in ADJUSTMENT_TRANSITIONS.items()
        if adjustment.status in transition.sources
        and not (action == WITHDRAW and adjustment.year in published_years)
        and _may(user, action, adjustment)
    }


def check(*, adjustment: Adjustment, action: str, user) -> AdjustmentTransition:
    """The transition of ``action`` if ``user`` may take it on ``adjustment`` in its status;
    NotPermitted (403) or InvalidTransition (409) otherwise."""
    transition = ADJUSTMENT_TRANSITIONS[action]
    if not _may(user, action, adjustment):
        raise NotPermitted(_("Your role does not allow this action."))
    if adjustment.status not in transition.sources:
        raise InvalidTransition(transition.refusal % {"status": adjustment.get_status_display()})
    if action == WITHDRAW and selectors.year_is_published(adjustment.year):
        raise InvalidTransition(PUBLISHED_REFUSAL % {"year": adjustment.year})
    return transition
