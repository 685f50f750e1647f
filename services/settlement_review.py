"""A month's voucher settlement, checked before it is paid: the state machine as one table.

    (due month) ──prepare──▶ prepared ──check──▶ checked ──pay──▶ paid
                 prepared, checked ──return (reason)──▶ returned ──prepare──▶ prepared

The province prepares a complex's finished month (its unsettled consumed voucher money), an
official of the complex's city or county checks it against the month's sheet (or returns it
with a reason, also after checking it, until it is paid), and the province pays it
(``services.voucher_settle``). Any other move is refused (``InvalidTransition``); a user the
table does not name gets ``NotPermitted``; pages offer exactly ``allowed_actions``.
"""

from dataclasses import dataclass
from datetime import date

from django.db import IntegrityError, transaction
from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from complexes.models import Complex
from portal import policy
from portal.exceptions import DomainError, InvalidTransition, NotPermitted
from portal.limits import REASON_MAX_LENGTH

from .lock_objects import settlement_reviews_select_for_update
from .models import EntryKind, SettlementReview, VoucherEntry
from .models import SettlementReviewState as State
from .services import month_bounds, voucher_settle

PREPARE, CHECK, RETURN, PAY = "prepare", "check", "return", "pay"


@dataclass(frozen=True)
class ReviewTransition:
    sources: frozenset[str]
    target: str
    permission: str  # the policy's action: who may take it, on which complexes
    label: object  # the button


TRANSITIONS: dict[str, ReviewTransition] = {
    PREPARE: ReviewTransition(
        frozenset({State.RETURNED}), State.PREPARED, "settlement.prepare", gettext_lazy("Prepare")
    ),
    CHECK: ReviewTransition(
        frozenset({State.PREPARED}), State.CHECKED, "settlement.check", gettext_lazy("Checked")
    ),
    # Until it is paid, the city may take back its check (money consumed late in the month).
    RETURN: ReviewTransition(
        frozenset({State.PREPARED, State.CHECKED}),
        State.RETURNED,
        "settlement.check",
        gettext_lazy("Return"),
    ),
    PAY: ReviewTransition(
        frozenset({State.CHECKED}), State.PAID, "settlement.settle", gettext_lazy("Pay")
    ),
}


def allowed_actions(user, review: SettlementReview) -> list[str]:
    return [
        action
        for action, move in TRANSITIONS.items()
        if review.state in move.sources and policy.can(user, move.permission, review)
    ]


def _unsettled_consumed(complex_id: int, month: date):
    start, end = month_bounds(month)
    return VoucherEntry.objects.filter(
        kind=EntryKind.CONSUME,
        complex_id=complex_id,
        settlement__isnull=True,
        at__gte=start,
        at__lt=end,
    )


def _month_total(complex_id: int, month: date):
    total = _unsettled_consumed(complex_id, month).aggregate(total=Sum("amount"))["total"]
    if not total:
        raise InvalidTransition(_("Nothing is left to settle for this complex and month."))
    return total


@transaction.atomic
def review_prepare(*, complex_: Complex, month: date, actor) -> SettlementReview:
    """Put a complex's finished month up for the city's check (again, after a return: the
    amount is summed afresh)."""
    if not policy.can(actor, "settlement.prepare", complex_):
        raise NotPermitted(_("Only provincial officials prepare settlements."))
    month = month.replace(day=1)
    if month >= timezone.localdate().replace(day=1):
        raise DomainError(_("Only a month that has ended can be settled."), field="month")
    review = settlement_reviews_select_for_update().filter(complex=complex_, month=month).first()
    amount = _month_total(complex_.pk, month)
    if review is None:
        try:
            with transaction.atomic():
                return SettlementReview.objects.create(
                    complex=complex_, month=month, amount=amount, prepared_by=actor
                )
        except IntegrityError:  # prepared at the same moment by another official
            raise InvalidTransition(_("This month is already under review.")) from None
    _refuse_unless_allowed(actor, review, PREPARE)
    review.state, review.amount, review.prepared_by = State.PREPARED, amount, actor
    review.prepared_at, review.checked_by, review.checked_at = timezone.now(), None, None
    review.save()
    return review


@transaction.atomic
def review_move(*, review_id: int, action: str, actor, reason: str = "") -> SettlementReview:
    """Check, return or pay a review the actor sees (``SettlementReview.DoesNotExist`` for
    one out of their scope: a 404)."""
    if action not in TRANSITIONS or action == PREPARE:
        raise InvalidTransition(_("Unknown action."))
    review = (
        settlement_reviews_select_for_update()
        .filter(pk=review_id)
        .filter(pk__in=SettlementReview.objects.in_scope(actor).values("pk"))
        .select_related("complex")
        .get()
    )
    _refuse_unless_allowed(actor, review, action)
    now = timezone.now()
    if action == RETURN:
        reason = reason.strip()
        if not reason:
            raise DomainError(_("Say why the settlement is returned."), field="reason")
        if len(reason) > REASON_MAX_LENGTH:
            raise DomainError(
                _("Keep the reason within %(limit)d characters.") % {"limit": REASON_MAX_LENGTH},
                field="reason",
            )
        review.reason = reason
    elif action == CHECK:
        review.checked_by, review.checked_at, review.reason = actor, now, ""
    elif action == PAY:
        if _month_total(review.complex_id, review.month) != review.amount:
            raise InvalidTransition(
                _(
                    "The month's consumed money changed since it was checked: the city returns "
                    "it to be prepared again."
                )
            )
        review.settlement = voucher_settle(complex_=review.complex, month=review.month, actor=actor)
    review.state = TRANSITIONS[action].target
    review.save()
    return review


def _refuse_unless_allowed(actor, review: SettlementReview, action: str) -> None:
    move = TRANSITIONS[action]
    if not policy.can(actor, move.permission, review):
        raise NotPermitted(_("Your role does not allow this action."))
    if review.state not in move.sources:
        raise InvalidTransition(
            _("A settlement that is %(state)s cannot be moved this way.")
            % {"state": review.get_state_display()}
        )


# Reads.


def reviews(*, user):
    """The reviews an official sees (the complexes of their region), newest month first."""
    policy.page_requires(user, "settlement.view_due")
    return (
        SettlementReview.objects.in_scope(user)
        .select_related("complex", "prepared_by", "checked_by")
        .order_by("-month", "complex__code", "id")
    )


def review_sheet_entries(*, user, review_id: int):
    """The consumed voucher money of a review's month, one row per consumption: what the
    city checks."""
    review = SettlementReview.objects.in_scope(user).get(pk=review_id)
    start, end = month_bounds(review.month)
    return (
        VoucherEntry.objects.filter(
            kind=EntryKind.CONSUME, complex_id=review.complex_id, at__gte=start, at__lt=end
        )
        .filter(Q(settlement__isnull=True) | Q(settlement_id=review.settlement_id))
        .select_related("service_request__enterprise", "service_request__offering", "complex")
        .order_by("at", "id")
    )


def unsettled_by_month(*, user):
    """The operator's voucher money consumed and not yet paid, per month (this month too),
    each with its review if one exists."""
    policy.page_requires(user, "settlement.follow")
    complexes = Complex.objects.in_scope(user, "settlement.follow").values("pk")
    return (
        VoucherEntry.objects.filter(
            kind=EntryKind.CONSUME, settlement__isnull=True, complex_id__in=complexes
        )
        .annotate(month=TruncMonth("at"))
        .order_by("-month")
        .values("month")
        .annotate(amount=Sum("amount"), requests=Count("service_request_id", distinct=True))
    )


def followed_reviews(*, user):
    """The reviews of the operator's complex, newest month first."""
    return (
        SettlementReview.objects.in_scope(user, "settlement.follow")
        .select_related("settlement")
        .order_by("-month", "id")
    )
