from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from complexes.filters import page_filters
from complexes.models import Complex
from evaluation.selectors import year_options
from portal import inputs, policy
from portal.exceptions import DomainError
from portal.filtering import validated
from portal.pdf import pdf_response

from . import selectors, services
from .filters import AllocationFilter
from .forms import PublishForm, RuleSetForm, SimulationForm
from .models import RuleSet

TABLE_PAGE_SIZE = 50


def _requested_year(request) -> int:
    """The year a form or link asks for (query string or form), else the table's default; a
    year that is not one answers 400."""
    asked = inputs.year(request.GET) or inputs.year(request.POST)
    return asked if asked is not None else selectors.allocation_year({})


@login_required
@require_GET
def table(request):
    """The year's allocations with filters, totals, matching shortfalls and roll-ups."""
    filterset = page_filters(AllocationFilter, request.GET, user=request.user)
    filters = validated(filterset.form)
    year = selectors.allocation_year(filters)
    rows = selectors.allocation_table(user=request.user, filters={**filters, "year": year})
    page = Paginator(rows, TABLE_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    query["year"] = str(year)
    decision = selectors.decision_in_force(year=year)
    context = {
        "year": year,
        # Whose amounts the page shows: a chosen status, else those in force.
        "showing": filters.get("status") or ("published" if decision else "draft"),
        "revision": (
            selectors.draft_revision(user=request.user, year=year)
            if decision and "status" not in filters
            else None
        ),
        "years": year_options([year, *selectors.allocation_years()]),
        "filter": filterset,
        "page": page,
        "query": query.urlencode(),
        "totals": selectors.allocation_totals(rows),
        "by_city": selectors.matching_rollup(rows, by="city"),
        "decision": decision,
        "publish_form": PublishForm(initial={"year": year}),
        "crumbs": [(_("Funding allocation"), None)],
    }
    return render(request, "funding/table.html", context)


@login_required
@require_GET
def simulate(request):
    """What-if: other parameters, every complex's amount beside the current one. Saves nothing."""
    policy.page_requires(request.user, "funding.decide")
    year = _requested_year(request)
    form = SimulationForm(request.GET if "year" in request.GET else None, initial={"year": year})
    simulation = None
    if form.is_bound and form.is_valid():
        try:
            simulation = selectors.allocation_simulation(
                year=form.cleaned_data["year"],
                pool=form.cleaned_data["pool"],
                floor=form.cleaned_data["floor"],
                cap=form.cleaned_data["cap"],
                multipliers=form.multipliers(),
            )
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
    rule_set = simulation.rule_set if simulation else RuleSet.objects.for_year(year).first()
    context = {
        "form": form,
        "simulation": simulation,
        "rule_set": rule_set,
        "crumbs": [(_("Funding allocation"), reverse("funding:table")), (_("What-if"), None)],
    }
    template = "funding/_simulation.html" if request.htmx else "funding/simulate.html"
    return render(request, template, context)


@login_required
@require_POST
def recompute(request):
    policy.page_requires(request.user, "funding.decide")
    year = _requested_year(request)
    try:
        outcome = services.allocations_recompute(year=year, actor=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        message = _("Draft allocations for %(year)s recomputed: %(total)s CNY.")
        if selectors.decision_in_force(year=year) and not selectors.draft_count(year=year):
            message = _(
                "Recomputed for %(year)s: the result is the published allocation "
                "(%(total)s CNY), so no draft revision is kept."
            )
        messages.success(request, message % {"year": year, "total": f"{outcome.total:,.2f}"})
    return redirect(f"{reverse('funding:table')}?year={year}")


@login_required
@require_POST
def publish(request):
    policy.page_requires(request.user, "funding.decide")
    form = PublishForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a year to publish."))
        return redirect("funding:table")
    year = form.cleaned_data["year"]
    try:
        services.allocations_publish(
            year=year, actor=request.user, reason=form.cleaned_data["reason"]
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The allocations for %(year)s are published.") % {"year": year})
    return redirect(f"{reverse('funding:table')}?year={year}")


@login_required
@require_http_methods(["GET", "POST"])
def rules(request):
    """Rule-set versions per year; the province adds a version, never edits one."""
    user = request.user
    policy.page_requires(user, "funding.rules_view")
    year = _requested_year(request)
    base = RuleSet.objects.for_year(year).first()
    initial = {name: getattr(base, name) for name in services.RULE_FIELDS} if base else {}
    form = None
    if policy.can(user, "funding.decide"):
        form = RuleSetForm(request.POST or None, initial={**initial, "year": year})
        if request.method == "POST" and form.is_valid():
            data = {name: form.cleaned_data[name] for name in services.RULE_FIELDS}
            try:
                rule_set = services.rule_set_create(
                    year=form.cleaned_data["year"],
                    actor=user,
                    note=form.cleaned_data["note"],
                    **data,
                )
            except DomainError as error:
                form.add_error(error.field if error.field in form.fields else None, error.message)
            else:
                messages.success(
                    request,
                    _("Rules for %(year)s saved as version %(version)s.")
                    % {"year": rule_set.year, "version": rule_set.version},
                )
                return redirect(f"{reverse('funding:rules')}?year={rule_set.year}")
    elif request.method == "POST":
        raise PermissionDenied
    context = {
        "year": year,
        "form": form,
        "rule_sets": RuleSet.objects.select_related("created_by"),
        "crumbs": [(_("Funding allocation"), reverse("funding:table")), (_("Rules"), None)],
    }
    return render(request, "funding/rules.html", context)


@require_GET
def history(request, code):
    """A complex's funding by year (province, city/county, host unit), for its page."""
    user = request.user
    if not user.is_authenticated:
        return HttpResponse("")
    complex_ = get_object_or_404(Complex.objects.in_scope(user), code=code)
    context = {"complex": complex_, "history": selectors.funding_history(complex_=complex_)}
    return render(request, "funding/_history.html", context)


@login_required
@require_GET
def decision_pdf(request, pk):
    """The numbered decision document (决定) of a publication, in Chinese whatever the reader's
    language: the official text is the Chinese one. Officials of a city or county and operators
    get the extract of their rows."""
    document = selectors.decision_document(user=request.user, pk=pk)
    with translation.override(settings.LANGUAGE_CODE):
        return pdf_response(
            request,
            template="funding/decision_pdf.html",
            context={"document": document, "issuing_body": settings.FUNDING_ISSUING_BODY},
            filename=f"{document.decision.number}.pdf",
        )
