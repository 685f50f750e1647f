from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Sum
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_ratelimit.decorators import ratelimit

from complexes.filters import page_filters
from complexes.models import Complex
from complexes.selectors import city_map_labels
from portal import inputs, policy
from portal.exceptions import DomainError, NotPermitted
from portal.filtering import validated
from portal.page_cache import cached_fragment
from portal.pagination import CappedPaginator, query_without

from . import selectors, services
from .attachments import private_download
from .filters import EnterpriseFilter, OfferingFilter, ServiceRequestFilter, VerificationFilter
from .forms import (
    ACTION_FORMS,
    EmptyForm,
    EnterpriseProfileForm,
    LicenceUploadForm,
    OfferingForm,
    OptionalReasonForm,
    ReasonForm,
    RegistrationForm,
    ServiceRequestForm,
    VoucherImportForm,
    VoucherIssueForm,
)
from .models import (
    Deliverable,
    EnterpriseClaim,
    Offering,
    RequestStatus,
    ServiceRequest,
    Voucher,
)
from .request_actions import ACTION_SERVICES
from .voucher_sheet import template_workbook

PAGE_SIZE = 20
SETTLED_SHOWN = 50


def _page(request, queryset):
    return CappedPaginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


def _add_errors(form, error) -> None:
    """Put a service's refusal next to the field it names, or above the form."""
    if isinstance(error, ValidationError):
        if hasattr(error, "error_dict"):
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            form.add_error(None, error)
        return
    form.add_error(error.field if error.field in form.fields else None, str(error.message))


def catalogue(request):
    """The public catalogue; its content comes from the page cache (``portal.page_cache``)
    until an offering, complex or region changes."""
    # htmx asks for the results alone when a filter changes.
    template = "services/_catalogue_results.html" if request.htmx else "services/_catalogue.html"

    def content() -> str:
        filterset = OfferingFilter(request.GET or None, user=request.user)
        filters = validated(filterset.form)
        rows = selectors.offering_catalogue(filters=filters)
        context = {
            "filter": filterset,
            "page": _page(request, rows),
            "map": {
                "mapUrl": static("maps/zhejiang.json"),
                "complexUrl": reverse("complexes:detail", args=["CODE"]),
                "countLabel": _("Services found"),
                "countUnit": pgettext("unit", "services"),
                "regionLabels": city_map_labels(),
                "points": selectors.offering_map_points(filters=filters),
            },
            "query": query_without(request),
        }
        return render_to_string(template, context, request)

    content = cached_fragment(request, template, content)
    if request.htmx:
        return HttpResponse(content)
    context = {"content": content, "crumbs": [(_("Service catalogue"), None)]}
    return render(request, "services/catalogue.html", context)


@require_http_methods(["GET", "POST"])
def offering_detail(request, pk):
    offering = get_object_or_404(selectors.offering_catalogue(), pk=pk)
    user = request.user
    form = None
    if policy.can(user, "service_request.create"):
        # On quotation (面议), the voucher is chosen when the quote is accepted.
        vouchers = (
            selectors.usable_vouchers(enterprise_id=user.enterprise_id)
            if offering.voucher_eligible and offering.price is not None
            else None
        )
        form = ServiceRequestForm(request.POST or None, request.FILES or None, vouchers=vouchers)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                created = services.service_request_create(
                    offering=offering,
                    actor=user,
                    description=data["description"],
                    attachment=data.get("attachment"),
                    voucher=data.get("voucher"),
                    voucher_amount=data.get("voucher_amount"),
                )
            except (DomainError, ValidationError) as error:
                _add_errors(form, error)
            else:
                messages.success(request, _("Your request has been sent to the complex."))
                return redirect("services:request_detail", pk=created.pk)
    elif request.method == "POST":
        raise PermissionDenied
    context = {
        "offering": offering,
        "form": form,
        "crumbs": [(_("Service catalogue"), reverse("services:catalogue")), (offering.title, None)],
    }
    return render(request, "services/offering_detail.html", context)


def registration_rate(group, request) -> str | None:
    """Registrations per address (DJANGO_REGISTRATION_RATE_LIMIT). Signed-in people are sent
    away without registering, so their posts are not counted."""
    return None if request.user.is_authenticated else settings.REGISTRATION_RATE_LIMIT


@ratelimit(
    group="registration",
    key="ip",
    rate=registration_rate,
    method="POST",
    block=True,
)
@require_http_methods(["GET", "POST"])
def register(request):
    if request.user.is_authenticated:
        return redirect("services:requests")
    form = RegistrationForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            registration = services.enterprise_register(
                username=data["username"],
                password=data["password"],
                email=data["email"],
                credit_code_value=data["credit_code"],
                name=data["name"],
                region=data["region"],
                size=data["size"],
                high_tech=data["high_tech"],
                tech_sme=data["tech_sme"],
                contact_name=data["contact_name"],
                contact_phone=data["contact_phone"],
                business_licence=data["business_licence"],
            )
        except (DomainError, ValidationError) as error:
            _add_errors(form, error)
        else:
            if registration.claim is not None:
                return render(request, "services/claim_received.html", {"crumbs": []})
            login(request, registration.user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(
                request,
                _(
                    "Welcome! Your enterprise is registered. An official of your region will "
                    "check its business licence; until then you can request services, but "
                    "receive no innovation vouchers."
                ),
            )
            return redirect("services:catalogue")
    context = {"form": form, "crumbs": [(_("Register an enterprise"), None)]}
    return render(request, "services/register.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def my_enterprise(request):
    """The enterprise user's own registration: where its verification stands, and the licence
    to upload (again) while it is not verified."""
    policy.page_requires(request.user, "enterprise.upload_licence")
    enterprise = selectors.enterprises(user=request.user).get(pk=request.user.enterprise_id)
    form = (
        None
        if enterprise.verified
        else LicenceUploadForm(request.POST or None, request.FILES or None)
    )
    if request.method == "POST" and form is not None and form.is_valid():
        try:
            services.enterprise_licence_upload(
                actor=request.user, licence=form.cleaned_data["business_licence"]
            )
        except (DomainError, ValidationError) as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("The business licence has been sent for verification."))
            return redirect("services:my_enterprise")
    context = {
        "enterprise": enterprise,
        "form": form,
        "pending_surveys": selectors.pending_impact_surveys(enterprise_id=enterprise.pk),
        "crumbs": [(_("My enterprise"), None)],
    }
    return render(request, "services/my_enterprise.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def my_enterprise_edit(request):
    """The enterprise user edits their enterprise's profile (not its credit code)."""
    policy.page_requires(request.user, "enterprise.edit_profile")
    enterprise = selectors.enterprises(user=request.user).get(pk=request.user.enterprise_id)
    form = EnterpriseProfileForm(request.POST or None, instance=enterprise)
    if request.method == "POST" and form.is_valid():
        try:
            services.enterprise_profile_update(
                actor=request.user, enterprise=enterprise, **form.cleaned_data
            )
        except (DomainError, ValidationError) as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Your enterprise's profile has been saved."))
            return redirect("services:my_enterprise")
    crumbs = [
        (_("My enterprise"), reverse("services:my_enterprise")),
        (_("Edit profile"), None),
    ]
    context = {"form": form, "crumbs": crumbs}
    return render(request, "services/my_enterprise_edit.html", context)


def _official_only(request):
    policy.page_requires(request.user, "enterprise.verify")


@login_required
def verification_list(request):
    _official_only(request)
    filterset = page_filters(VerificationFilter, request.GET, user=request.user)
    rows = selectors.verification_queue(user=request.user, filters=validated(filterset.form))
    context = {
        "filter": filterset,
        "page": _page(request, rows),
        "query": query_without(request),
        "claims": selectors.pending_claims(user=request.user),
        "crumbs": [(_("Enterprise verification"), None)],
    }
    return render(request, "services/verification_list.html", context)


VERIFICATION_ACTIONS = {
    "verify": (services.enterprise_verify, EmptyForm),
    "reject": (services.enterprise_reject_verification, ReasonForm),
}


@login_required
@require_http_methods(["GET", "POST"])
def verification_detail(request, pk):
    _official_only(request)
    enterprise = get_object_or_404(
        selectors.enterprises(user=request.user).select_related("verified_by"), pk=pk
    )
    forms = {"reject": ReasonForm(prefix="reject")}
    if request.method == "POST" and _decided(
        request, VERIFICATION_ACTIONS, forms, enterprise=enterprise
    ):
        return redirect("services:verification_detail", pk=pk)
    context = {
        "enterprise": enterprise,
        "forms": forms,
        "claims": enterprise.claims.pending().select_related("claimant"),
        "crumbs": [
            (_("Enterprise verification"), reverse("services:verification")),
            (enterprise.name, None),
        ],
    }
    return render(request, "services/verification_detail.html", context)


def _decided(request, actions: dict, forms: dict, **target) -> bool:
    """Take the official's decision posted as ``action`` (one of ``actions``: its service and
    form) on ``target``. The posted form replaces its blank one in ``forms``, so that a refusal
    shows next to its field; the wrong role answers 403."""
    action = request.POST.get("action")
    if action not in actions:
        raise Http404
    service, form_class = actions[action]
    form = forms[action] = form_class(request.POST, prefix=action)
    if not form.is_valid():
        return False
    try:
        service(actor=request.user, **target, **form.cleaned_data)
    except NotPermitted as error:
        raise PermissionDenied(str(error.message)) from error
    except DomainError as error:
        _add_errors(form, error)
        messages.error(request, str(error.message))
        return False
    messages.success(request, _("Your decision has been recorded."))
    return True


CLAIM_ACTIONS = {
    "award": (services.enterprise_claim_award, OptionalReasonForm),
    "reject": (services.enterprise_claim_reject, ReasonForm),
}


@login_required
@require_http_methods(["GET", "POST"])
def claim_detail(request, pk):
    """A claim on a registered code, with both business licences side by side."""
    _official_only(request)
    claim = get_object_or_404(
        EnterpriseClaim.objects.in_scope(request.user).select_related(
            "enterprise", "enterprise__region", "enterprise__verified_by", "claimant", "decided_by"
        ),
        pk=pk,
    )
    forms = {"award": OptionalReasonForm(prefix="award"), "reject": ReasonForm(prefix="reject")}
    if request.method == "POST" and _decided(request, CLAIM_ACTIONS, forms, claim=claim):
        return redirect("services:claim_detail", pk=pk)
    context = {
        "claim": claim,
        "enterprise": claim.enterprise,
        "current_users": claim.enterprise.users.filter(is_active=True).order_by("username"),
        "forms": forms,
        "crumbs": [
            (_("Enterprise verification"), reverse("services:verification")),
            (_("Claim No. %(id)s") % {"id": claim.pk}, None),
        ],
    }
    return render(request, "services/claim_detail.html", context)


@login_required
@require_GET
def claim_licence(request, pk):
    _official_only(request)
    claim = get_object_or_404(EnterpriseClaim.objects.in_scope(request.user), pk=pk)
    return private_download(
        claim.business_licence, claim.business_licence_name, inline=request.GET.get("inline") == "1"
    )


@login_required
def request_list(request):
    """One list for every role: an enterprise's own requests, an operator's queue (with overdue
    markers), officials' requests of complexes in their region."""
    filterset = page_filters(ServiceRequestFilter, request.GET, user=request.user)
    if policy.scope_of(request.user, "view") == policy.OWN_COMPLEX:
        del filterset.form.fields["complex"]
    rows = selectors.service_requests(user=request.user, filters=validated(filterset.form))
    context = {
        "filter": filterset,
        "page": _page(request, rows),
        "query": query_without(request),
        "crumbs": [(_("Service requests"), None)],
    }
    return render(request, "services/request_list.html", context)


@login_required
@require_GET
def deliverable_download(request, pk, deliverable_id):
    """A file handed over with a delivery: whoever may see the request downloads it."""
    deliverable = get_object_or_404(
        Deliverable.objects.in_scope(request.user), pk=deliverable_id, request_id=pk
    )
    return private_download(deliverable.file, deliverable.name)


@login_required
def request_detail(request, pk):
    try:
        service_request = selectors.service_request_detail(user=request.user, pk=pk)
    except ServiceRequest.DoesNotExist as error:
        raise Http404 from error
    return render(
        request, "services/request_detail.html", _detail_context(request, service_request)
    )


def _action_form(action: str, user, data=None, files=None):
    """The form of one move; accepting a quote offers the enterprise's usable vouchers."""
    form_class = ACTION_FORMS[action]
    extra = {}
    if getattr(form_class, "needs_user", False):
        extra["vouchers"] = selectors.usable_vouchers(enterprise_id=user.enterprise_id)
    return form_class(data, files, prefix=action, **extra)


def _impact_survey(user, service_request):
    """The request's impact survey, for those who may read its answers (not the operator)."""
    if service_request.status != RequestStatus.COMPLETED or not policy.can(
        user, "impact_survey.list"
    ):
        return None
    return selectors.impact_surveys(user=user).filter(request=service_request).first()


def _detail_context(request, service_request, failed_action=None, failed_form=None):
    actions = services.allowed_actions(service_request=service_request, user=request.user)
    forms = {
        action: failed_form if action == failed_action else _action_form(action, request.user)
        for action in actions
    }
    return {
        "request_": service_request,
        "impact_survey": _impact_survey(request.user, service_request),
        "action_forms": forms,
        "crumbs": [
            (_("Service requests"), reverse("services:requests")),
            (f"#{service_request.pk}", None),
        ],
    }


@login_required
@require_POST
def request_transition(request, pk, action):
    if action not in ACTION_FORMS:
        raise Http404
    service_request = get_object_or_404(ServiceRequest.objects.in_scope(request.user), pk=pk)
    form = _action_form(action, request.user, request.POST, request.FILES)
    if form.is_valid():
        service = ACTION_SERVICES[action]
        try:
            service(service_request=service_request, actor=request.user, **form.cleaned_data)
        except NotPermitted as error:
            raise PermissionDenied(str(error.message)) from error
        except DomainError as error:
            _add_errors(form, error)
            messages.error(request, str(error.message))
        else:
            messages.success(request, _("The request has been updated."))
            return redirect("services:request_detail", pk=pk)
    detail = selectors.service_request_detail(user=request.user, pk=pk)
    context = _detail_context(request, detail, failed_action=action, failed_form=form)
    return render(request, "services/request_detail.html", context, status=400)


def _operator_only(request):
    policy.page_requires(request.user, "offering.manage")


@login_required
def operator_catalogue(request):
    _operator_only(request)
    context = {
        "offerings": selectors.operator_catalogue(user=request.user),
        "crumbs": [(_("My catalogue"), None)],
    }
    return render(request, "services/operator_catalogue.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def offering_edit(request, pk=None):
    _operator_only(request)
    offering = (
        get_object_or_404(Offering.objects.in_scope(request.user), pk=pk) if pk else Offering()
    )
    form = OfferingForm(request.POST or None, instance=offering, complex_id=request.user.complex_id)
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in form.fields}
        try:
            services.offering_save(offering=offering, fields=fields, actor=request.user)
        except (DomainError, ValidationError) as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("The offering has been saved."))
            return redirect("services:manage_catalogue")
    here = _("Edit offering") if pk else _("Add offering")
    context = {
        "form": form,
        "offering": offering,
        "crumbs": [(_("My catalogue"), reverse("services:manage_catalogue")), (here, None)],
    }
    return render(request, "services/offering_form.html", context)


@login_required
@require_GET
def mountain_county_services(request, code):
    """The complex's services of a year to enterprises in 山区26县 (the previous year unless
    one is asked for): the evidence behind the schemes' "serves 山区26县" bonus."""
    user = request.user
    policy.page_requires(user, "score.view")
    complex_ = get_object_or_404(
        Complex.objects.in_scope(user, "score.view").select_related("region__parent"), code=code
    )
    year = inputs.year(request.GET, default=timezone.localdate().year - 1)
    rows = selectors.mountain_county_services(user=user, complex_=complex_, year=year)
    context = {
        "complex": complex_,
        "year": year,
        "page": _page(request, rows),
        "query": query_without(request),
        "totals": selectors.mountain_county_totals(rows),
        "crumbs": [
            (complex_.name, reverse("complexes:detail", args=[complex_.code])),
            (_("Services to the 26 mountain counties"), None),
        ],
    }
    return render(request, "services/mountain_county_services.html", context)


@login_required
def enterprise_list(request):
    filterset = page_filters(EnterpriseFilter, request.GET, user=request.user)
    rows = selectors.enterprise_list(user=request.user, filters=validated(filterset.form))
    context = {
        "filter": filterset,
        "page": _page(request, rows),
        "query": query_without(request),
        "crumbs": [(_("Enterprises"), None)],
    }
    return render(request, "services/enterprise_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def voucher_list(request):
    user = request.user
    queryset = selectors.voucher_list(user=user)
    issue_form = import_form = None
    if policy.can(user, "voucher.issue"):
        if request.GET.get("template"):
            return _template_download()
        posted = request.POST.get("form")
        issue_form = VoucherIssueForm(request.POST if posted == "issue" else None)
        import_form = VoucherImportForm(
            request.POST if posted == "import" else None,
            request.FILES if posted == "import" else None,
        )
        if posted == "issue" and issue_form.is_valid():
            data = issue_form.cleaned_data
            try:
                services.voucher_issue(
                    enterprise=issue_form.enterprise,
                    amount=data["amount"],
                    valid_from=data["valid_from"],
                    expires_on=data["expires_on"],
                    actor=user,
                )
            except DomainError as error:
                if error.field == "enterprise":  # the form names the enterprise by its code
                    error.field = "credit_code"
                _add_errors(issue_form, error)
            else:
                messages.success(request, _("The voucher has been issued."))
                return redirect("services:vouchers")
        if posted == "import" and import_form.is_valid():
            try:
                issued = services.voucher_import(
                    upload=import_form.cleaned_data["file"], actor=user
                )
            except ValidationError as error:
                _add_errors(import_form, error)
            else:
                messages.success(
                    request, _("%(count)d vouchers have been issued.") % {"count": len(issued)}
                )
                return redirect("services:vouchers")
    context = {
        "page": _page(request, queryset),
        "query": query_without(request),
        "totals": queryset.aggregate(
            amount=Sum("amount"), balance=Sum("balance"), held=Sum("held")
        ),
        "issue_form": issue_form,
        "import_form": import_form,
        "crumbs": [(_("Innovation vouchers"), None)],
    }
    return render(request, "services/voucher_list.html", context)


def _template_download() -> HttpResponse:
    response = HttpResponse(
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = 'attachment; filename="vouchers.xlsx"'
    template_workbook().save(response)
    return response


@login_required
def voucher_detail(request, pk):
    voucher = get_object_or_404(
        Voucher.objects.in_scope(request.user).select_related("enterprise"), pk=pk
    )
    context = {
        "voucher": voucher,
        "entries": selectors.voucher_ledger(voucher=voucher),
        "totals": selectors.voucher_ledger_totals(voucher_ids=[voucher.pk]).get(voucher.pk),
        "crumbs": [
            (_("Innovation vouchers"), reverse("services:vouchers")),
            (_("Voucher No. %(id)s") % {"id": voucher.pk}, None),
        ],
    }
    return render(request, "services/voucher_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def settlement_list(request):
    user = request.user
    settled = selectors.settlement_list(user=user)
    if request.method == "POST":
        complex_id = inputs.whole_number(
            request.POST, "complex", minimum=1, maximum=inputs.LARGEST_ID
        )
        complex_ = get_object_or_404(Complex.objects.in_scope(user), pk=complex_id)
        month = inputs.iso_date(request.POST, "month")
        if month is None:
            raise inputs.InvalidParameter("month", _("Choose a month to settle."))
        try:
            settlement = services.voucher_settle(complex_=complex_, month=month, actor=user)
        except DomainError as error:
            messages.error(request, str(error.message))
        else:
            messages.success(
                request,
                _("%(complex)s: %(amount)s CNY settled for %(month)s.")
                % {
                    "complex": complex_.name,
                    "amount": settlement.amount,
                    "month": f"{month:%Y-%m}",
                },
            )
        return redirect("services:settlements")
    context = {
        "due": _page(request, selectors.settlement_due(user=user))
        if policy.can(user, "settlement.view_due")
        else None,
        "settled": settled[:SETTLED_SHOWN],
        "query": query_without(request),
        "can_settle": policy.can(user, "settlement.settle"),
        "crumbs": [(_("Voucher settlement"), None)],
    }
    return render(request, "services/settlements.html", context)
