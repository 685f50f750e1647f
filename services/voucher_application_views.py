"""Pages of voucher applications: the enterprise applies and follows its applications; the
officials' review queue and the decision on each application."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from complexes.filters import page_filters
from portal import policy
from portal.exceptions import DomainError, NotPermitted
from portal.filtering import validated
from portal.pagination import query_without

from . import selectors
from .filters import VoucherApplicationFilter
from .forms import EmptyForm, ReasonForm, VoucherApplicationForm
from .views import _add_errors, _decided, _page
from .voucher_applications import (
    allowed_actions,
    voucher_application_approve,
    voucher_application_create,
    voucher_application_reject,
)

DECISIONS = {
    "approve": (voucher_application_approve, EmptyForm),
    "reject": (voucher_application_reject, ReasonForm),
}


@login_required
def application_list(request):
    """An enterprise's own applications; an official's queue of their region's."""
    filterset = page_filters(VoucherApplicationFilter, request.GET, user=request.user)
    rows = selectors.voucher_application_list(user=request.user, filters=validated(filterset.form))
    context = {
        "filter": filterset,
        "page": _page(request, rows),
        "query": query_without(request),
        "crumbs": [(_("Voucher applications"), None)],
    }
    return render(request, "services/voucher_application_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def application_create(request):
    policy.page_requires(request.user, "voucher_application.create")
    form = VoucherApplicationForm(
        request.POST or None,
        planned_choices=selectors.plannable_services(enterprise=request.user.enterprise),
    )
    if request.method == "POST" and form.is_valid():
        try:
            application = voucher_application_create(actor=request.user, **form.cleaned_data)
        except NotPermitted as error:
            raise PermissionDenied(str(error.message)) from error
        except DomainError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Your application has been sent for review."))
            return redirect("services:voucher_application_detail", pk=application.pk)
    context = {
        "form": form,
        "crumbs": [
            (_("Voucher applications"), reverse("services:voucher_applications")),
            (_("Apply for a voucher"), None),
        ],
    }
    return render(request, "services/voucher_application_form.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def application_detail(request, pk):
    # Like a voucher, an application out of the caller's scope (or role) is not found.
    application = get_object_or_404(selectors.voucher_applications(user=request.user), pk=pk)
    forms = {"approve": EmptyForm(prefix="approve"), "reject": ReasonForm(prefix="reject")}
    if request.method == "POST" and _decided(request, DECISIONS, forms, application=application):
        return redirect("services:voucher_application_detail", pk=pk)
    actions = allowed_actions(application=application, user=request.user)
    context = {
        "application": application,
        "forms": {action: forms[action] for action in actions},
        "crumbs": [
            (_("Voucher applications"), reverse("services:voucher_applications")),
            (_("Application No. %(id)s") % {"id": application.pk}, None),
        ],
    }
    return render(request, "services/voucher_application_detail.html", context)
