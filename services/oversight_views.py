"""Pages of the voucher settlement review and of the fraud signals (issue 16, items 7 and 8)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from complexes.models import Complex
from portal import inputs, policy
from portal.exceptions import DomainError
from portal.pagination import CappedPaginator

from . import fraud, selectors, settlement_review
from .models import FraudFlag, SettlementReview

PAGE_SIZE = 20
SETTLED_SHOWN = 50
DUE_SHOWN = 100


def _page(request, rows):
    return CappedPaginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))


def _id(request, name: str) -> int:
    number = inputs.whole_number(request.POST, name, minimum=1, maximum=inputs.LARGEST_ID)
    if number is None:
        raise inputs.InvalidParameter(name, _("Choose what to act on."))
    return number


@login_required
@require_http_methods(["GET", "POST"])
def settlement_reviews(request):
    """Officials: finished months to prepare, and the reviews to check or pay."""
    user = request.user
    reviews = settlement_review.reviews(user=user)
    if request.method == "POST":
        try:
            if (
                request.POST.get("action") == settlement_review.PREPARE
                and "complex" in request.POST
            ):
                complex_ = get_object_or_404(
                    Complex.objects.in_scope(user), pk=_id(request, "complex")
                )
                month = inputs.iso_date(request.POST, "month")
                if month is None:
                    raise inputs.InvalidParameter("month", _("Choose a month to settle."))
                settlement_review.review_prepare(complex_=complex_, month=month, actor=user)
            else:
                settlement_review.review_move(
                    review_id=_id(request, "review"),
                    action=request.POST.get("action", ""),
                    actor=user,
                    reason=request.POST.get("reason", ""),
                )
        except SettlementReview.DoesNotExist:
            raise Http404 from None
        except DomainError as error:
            messages.error(request, str(error.message))
        else:
            messages.success(request, _("The settlement has moved on."))
        return redirect("services:settlement_reviews")
    page = _page(request, reviews)
    due = list(selectors.settlement_due(user=user)[:DUE_SHOWN])
    # The due months already prepared: their review moves on below, not prepared again here.
    prepared = set(
        SettlementReview.objects.filter(
            complex_id__in={row["complex_id"] for row in due},
            month__in={row["month"].date() for row in due},
        ).values_list("complex_id", "month")
    )
    for row in due:
        row["prepared"] = (row["complex_id"], row["month"].date()) in prepared
    for review in page:
        review.moves = [
            (name, settlement_review.TRANSITIONS[name].label)
            for name in settlement_review.allowed_actions(user, review)
        ]
    context = {
        "due": due,
        "reviews": page,
        "can_prepare": policy.can(user, "settlement.prepare"),
        "crumbs": [(_("Settlement review"), None)],
    }
    return render(request, "services/settlement_reviews.html", context)


@login_required
@require_GET
def settlement_account(request):
    """Operators: voucher money consumed and not yet paid, the months under review, and the
    months paid."""
    user = request.user
    context = {
        "unsettled": settlement_review.unsettled_by_month(user=user),
        "reviews": list(settlement_review.followed_reviews(user=user)[:SETTLED_SHOWN]),
        "settled": list(selectors.settlements(user=user)[:SETTLED_SHOWN]),
        "crumbs": [(_("My voucher settlement"), None)],
    }
    return render(request, "services/settlement_account.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def fraud_flags(request):
    """Officials: the flagged requests in their region, and clearing a flag with a note."""
    user = request.user
    cleared = request.GET.get("cleared") == "1"
    flags = fraud.flagged_requests(user=user, cleared=cleared)
    if request.method == "POST":
        try:
            fraud.flag_clear(
                flag_id=_id(request, "flag"), actor=user, note=request.POST.get("note", "")
            )
        except FraudFlag.DoesNotExist:
            raise Http404 from None
        except DomainError as error:
            messages.error(request, str(error.message))
        else:
            messages.success(request, _("The signal is cleared."))
        return redirect("services:fraud_flags")
    context = {
        "page": _page(request, flags),
        "cleared": cleared,
        "can_clear": policy.can(user, "fraud_flag.clear"),
        "crumbs": [(_("Fraud signals"), None)],
    }
    return render(request, "services/fraud_flags.html", context)
