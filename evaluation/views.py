from collections import defaultdict
from decimal import Decimal

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from complexes.filters import page_filters
from complexes.models import Category, Complex
from portal import inputs, policy
from portal.exceptions import DomainError, NotPermitted
from portal.filtering import validated
from portal.forms import offer_years
from portal.models import Job
from portal.page_cache import KEPT_CSRF_TOKEN, kept_until_data_changes
from portal.pagination import LateRowsPaginator, list_page, query_without
from portal.pdf import pdf_response
from portal.uploads import private_download

from . import (
    adjustment_workflow,
    excel,
    recompute,
    report_lock,
    report_workflow,
    selectors,
    services,
)
from .complex_report import complex_report
from .filters import AdjustmentFilter, EvaluationFilter, ReportFilter
from .forms import (
    AdjustmentDecisionForm,
    AdjustmentForm,
    DecisionForm,
    GradingRulesForm,
    PeriodForm,
    PreReviewForm,
    RecheckForm,
    ReopenForm,
    ReportUploadForm,
    ReportValuesForm,
    ReturnForm,
    SchemeForm,
    SchemePickForm,
)
from .models import (
    Adjustment,
    AnnualReport,
    Indicator,
    JobKind,
    ManagementDecision,
    ReportAction,
    ReportingPeriod,
)

PAGE_SIZE = 25
# The rankings in pages of this many results (1,680 complexes at scale 10 took 0.2–0.3 s to
# render on one page): each page groups its rows by category, in the ranking's order.
RANKING_PAGE_SIZE = 100
# The results page's work lists (removals to decide, rectifications to re-check) in pages of
# this many, each with its own page number: at scale 10 the province's 300 items with their
# forms were most of the page's time and 400 kB of it.
WORK_LIST_PAGE_SIZE = 10


def _add_errors(form, error) -> None:
    if isinstance(error, ValidationError) and hasattr(error, "error_dict"):
        for key, messages_ in error.message_dict.items():
            field = key if key in form.fields else f"value_{key}"
            form.add_error(field if field in form.fields else None, messages_)
        return
    if isinstance(error, ValidationError):
        form.add_error(None, error)
        return
    field = error.field if error.field in form.fields else None
    form.add_error(field, str(error.message))


def _plain(value: Decimal | None, *, whole: bool) -> str | None:
    """A value as the operator types it: counts without decimals, amounts with two."""
    if value is None:
        return None
    return str(int(value)) if whole else f"{value:.2f}"


# Reports --------------------------------------------------------------------------------------


@login_required
def reports(request):
    """Operators: their reports and what is due. Officials: the reports in scope to review.
    Rendered once for each audience, language and URL until the reports change or the day does
    (reports fall overdue)."""
    policy.page_requires(request.user, "report.list")
    parts = kept_until_data_changes(
        request, "evaluation/reports", lambda: _reports_parts(request), also=timezone.localdate()
    )
    return render(
        request, "evaluation/reports.html", {**parts, "crumbs": [(_("Annual reports"), None)]}
    )


def _reports_parts(request) -> dict[str, str]:
    filterset = page_filters(ReportFilter, request.GET, user=request.user)
    rows = selectors.report_table(user=request.user, filters=validated(filterset.form))
    page = LateRowsPaginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "filter": filterset,
        "page": page,
        "query": query_without(request),
        "periods": ReportingPeriod.objects.order_by("-year")[:3],
    }
    return {"content": render_to_string("evaluation/_reports.html", context, request)}


def _report_in_scope(request, pk) -> AnnualReport:
    return get_object_or_404(
        AnnualReport.objects.in_scope(request.user).select_related("complex", "complex__region"),
        pk=pk,
    )


def _report_crumbs(report, here=None):
    crumbs = [(_("Annual reports"), reverse("evaluation:reports"))]
    if here:
        crumbs += [(str(report), reverse("evaluation:report", args=[report.pk])), (here, None)]
    else:
        crumbs.append((str(report), None))
    return crumbs


@login_required
@require_http_methods(["GET", "POST"])
def report_detail(request, pk):
    """The report: the operator's form (reported values, derived values beside them, warnings),
    the review actions for officials, the trail and the versions."""
    report = _report_in_scope(request, pk)
    user = request.user
    reported = list(Indicator.objects.reported().select_related("counterpart"))
    derived_indicators = list(Indicator.objects.derived())
    current = selectors.report_values(report=report)
    actions = report_workflow.allowed_actions(report=report, user=user)
    can_edit = report_workflow.EDIT in actions
    initial = {"version": report.version}
    for code, row in current.items():
        initial[f"value_{code}"] = _plain(row.value, whole=row.indicator.whole_number)
        initial[f"comment_{code}"] = row.comment
    form = ReportValuesForm(
        request.POST if request.method == "POST" else None, initial=initial, indicators=reported
    )
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied
        if form.is_valid():
            saved = None
            try:
                saved = services.report_update(
                    report=report,
                    version=form.cleaned_data["version"],
                    actor=user,
                    values=form.values(),
                    comments=form.comments(),
                )
                if "submit" in request.POST:
                    services.report_submit(report=saved, actor=user, version=saved.version)
            except (DomainError, ValidationError) as error:
                _add_errors(form, error)
                if saved is not None:
                    # The values were saved, only the submission was refused: the form goes on
                    # from the saved version.
                    report = saved
                    form.data = form.data.copy()
                    form.data["version"] = saved.version
            else:
                messages.success(
                    request,
                    _("The report has been submitted.")
                    if "submit" in request.POST
                    else _("The report has been saved."),
                )
                return redirect("evaluation:report", pk=report.pk)
        # Still here: the form or the submission was refused. Say so where the eye lands first;
        # the fields below carry the details.
        messages.error(
            request,
            _("The report has not been submitted: correct the values marked below.")
            if "submit" in request.POST
            else _("The report has not been saved: correct the values marked below."),
        )
    last_year = selectors.previous_year_values(complex_id=report.complex_id, year=report.year)
    derived = selectors.derived_values_of(complex_id=report.complex_id, year=report.year)
    warnings = selectors.report_warnings(report=report)
    context = {
        "report": report,
        "form": form,
        "can_edit": can_edit,
        "rows": [
            (
                indicator,
                value_field,
                comment_field,
                _plain(last_year.get(indicator.code), whole=indicator.whole_number),
            )
            for indicator, value_field, comment_field in form.rows()
        ],
        "derived_rows": [
            (
                indicator,
                derived.get(indicator.code),
                reverse(
                    "evaluation:records",
                    args=[report.complex.code, report.year, indicator.code],
                ),
            )
            for indicator in derived_indicators
        ],
        "warnings": warnings,
        # By indicator, in the table's order: the page names indicators, never their codes.
        "warning_rows": [
            (indicator, warnings[indicator.code])
            for indicator in reported
            if indicator.code in warnings
        ],
        "events": report.events.select_related("actor"),
        "version_count": report.versions.count(),
        "upload_form": ReportUploadForm(),
        "return_form": ReturnForm(),
        "pre_review_form": PreReviewForm(),
        # The review forms offered are the workflow table's actions for this user, no other.
        "can_submit": ReportAction.SUBMIT in actions,
        "can_pre_review": ReportAction.PRE_REVIEW in actions,
        "can_decide": ReportAction.APPROVE in actions,
        "can_return": ReportAction.RETURN in actions,
        "can_reopen": ReportAction.REOPEN in actions,
        "reopen_form": ReopenForm(),
        "lock": _lock_state(report),
        "crumbs": _report_crumbs(report),
    }
    return render(request, "evaluation/report_detail.html", context)


def _lock_state(report: AnnualReport) -> dict:
    """What the report page says of the deadline lock."""
    period = report_lock.period_of(report)
    if period is None:
        return {}
    return {
        "locked": report_lock.report_is_locked(report, period=period),
        "overdue": report_lock.report_is_overdue(report, period=period),
        "lock_date": report.reopened_until or report_lock.lock_date(period),
    }


@login_required
@require_POST
def report_action(request, pk, action):
    """Submit, pre-review, return, approve or reopen a report from its page."""
    report = _report_in_scope(request, pk)
    try:
        if action == "submit":
            services.report_submit(report=report, actor=request.user)
            messages.success(request, _("The report has been submitted."))
        elif action == "approve":
            services.report_approve(report=report, actor=request.user)
            messages.success(request, _("The report has been approved."))
        elif action == "return":
            form = ReturnForm(request.POST)
            reason = form.data.get("reason", "")
            services.report_return(report=report, actor=request.user, reason=reason)
            messages.success(request, _("The report has been returned to the operator."))
        elif action == "pre-review":
            form = PreReviewForm(request.POST)
            if not form.is_valid():
                raise DomainError(_("Choose a recommendation."), field="recommendation")
            services.report_pre_review(report=report, actor=request.user, **form.cleaned_data)
            messages.success(request, _("Your pre-review has been recorded."))
        elif action == "reopen":
            form = ReopenForm(request.POST)
            if not form.is_valid():
                raise DomainError(_("Give the reason for reopening the report and a new date."))
            services.report_reopen(report=report, actor=request.user, **form.cleaned_data)
            messages.success(request, _("The report is reopened; its operators have been told."))
        else:
            raise PermissionDenied
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    except NotPermitted as error:
        raise PermissionDenied from error
    except DomainError as error:
        messages.error(request, str(error.message))
    return redirect("evaluation:report", pk=report.pk)


@login_required
def report_versions(request, pk):
    """Compare a submitted version with the one before it."""
    report = _report_in_scope(request, pk)
    versions = list(report.versions.select_related("submitted_by"))
    number = inputs.whole_number(
        request.GET,
        "number",
        minimum=1,
        maximum=inputs.LARGEST_ID,
        default=versions[-1].number if versions else 0,
    )
    chosen = next((v for v in versions if v.number == number), None)
    previous = next((v for v in versions if v.number == number - 1), None)
    rows = []
    if chosen is not None:
        for indicator in Indicator.objects.reported():
            before = previous.values.get(indicator.code) if previous else None
            after = chosen.values.get(indicator.code)
            rows.append((indicator, before, after, before != after and previous is not None))
    context = {
        "report": report,
        "versions": versions,
        "chosen": chosen,
        "previous": previous,
        "rows": rows,
        "crumbs": _report_crumbs(report, here=_("Versions")),
    }
    return render(request, "evaluation/report_versions.html", context)


@login_required
def report_template(request, pk):
    report = _report_in_scope(request, pk)
    content = excel.report_template(report=report)
    response = HttpResponse(
        content,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = (
        f'attachment; filename="report-{report.complex.code}-{report.year}.xlsx"'
    )
    return response


@login_required
@require_POST
def report_upload(request, pk):
    report = _report_in_scope(request, pk)
    policy.page_requires(request.user, "report.fill", report)
    form = ReportUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose an Excel file to upload."))
        return redirect("evaluation:report", pk=report.pk)
    try:
        excel.report_import(report=report, upload=form.cleaned_data["file"], actor=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    except DomainError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("The workbook has been imported."))
    return redirect("evaluation:report", pk=report.pk)


# Reporting periods ----------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def periods(request):
    policy.page_requires(request.user, "period.open")
    form = PeriodForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.reporting_period_open(actor=request.user, **form.cleaned_data)
        messages.success(request, _("Reporting is open; every complex has a draft report."))
        return redirect("evaluation:periods")
    context = {
        "form": form,
        "periods": [
            (period, report_lock.lock_date(period))
            for period in ReportingPeriod.objects.order_by("-year")
        ],
        "crumbs": [(_("Reporting periods"), None)],
    }
    return render(request, "evaluation/periods.html", context)


# Schemes ----------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def scheme(request):
    """See and configure the scheme in force for a year and category."""
    policy.page_requires(request.user, "scheme.view")
    pick = SchemePickForm(
        request.GET or {"year": timezone.localdate().year - 1, "category": Category.TRADITIONAL}
    )
    pick.is_valid()
    year = pick.cleaned_data.get("year") or timezone.localdate().year - 1
    category = pick.cleaned_data.get("category") or Category.TRADITIONAL
    current = selectors.scheme_for(year=year, category=category)
    indicators = list(Indicator.objects.all())
    initial = {}
    if current is not None:
        initial = {
            "normalization": current.normalization,
            "floor": current.floor,
            "notes": current.notes,
            "data_weight": current.data_weight,
            "experts_per_complex": current.experts_per_complex,
            **{f"weight_{w.indicator.code}": w.weight for w in current.weights.all()},
        }
        for number, item in enumerate(current.rubric_items.all(), 1):
            initial[f"rubric_name_{number}"] = item.name
            initial[f"rubric_max_{number}"] = item.maximum
    form = SchemeForm(request.POST or None, initial=initial, indicators=indicators)
    if request.method == "POST":
        policy.page_requires(request.user, "scheme.change")
        if form.is_valid():
            try:
                saved = services.scheme_save(
                    year=year,
                    category=category,
                    actor=request.user,
                    weights=form.weights(),
                    normalization=form.cleaned_data["normalization"],
                    floor=form.cleaned_data["floor"],
                    notes=form.cleaned_data["notes"],
                    rubric=form.rubric(),
                    **form.halves(),
                )
            except (DomainError, ValidationError) as error:
                _add_errors(form, error)
                if "weights" in getattr(error, "message_dict", {}):
                    form.add_error(None, error.message_dict["weights"])
            else:
                messages.success(request, _("Saved as %(scheme)s.") % {"scheme": saved})
                return redirect(f"{reverse('evaluation:scheme')}?year={year}&category={category}")
    context = {
        "pick": pick,
        "form": form,
        "scheme": current,
        "year": year,
        "category": category,
        "crumbs": [(_("Evaluation schemes"), None)],
    }
    return render(request, "evaluation/scheme.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def grading_rules(request):
    """A category's grading rules for a year: thresholds, the excellent quota, the days to
    rectify and the fails in a row that propose removal; the province changes them, versioned
    as the scheme is."""
    policy.page_requires(request.user, "scheme.view")
    pick = SchemePickForm(
        request.GET or {"year": timezone.localdate().year - 1, "category": Category.TRADITIONAL}
    )
    pick.is_valid()
    year = pick.cleaned_data.get("year") or timezone.localdate().year - 1
    category = pick.cleaned_data.get("category") or Category.TRADITIONAL
    current = selectors.scheme_for(year=year, category=category)
    initial = {name: getattr(current, name) for name in services.GRADING_RULES} if current else {}
    form = GradingRulesForm(
        request.POST or None, initial=initial, default_days=settings.EVALUATION_RECTIFICATION_DAYS
    )
    if request.method == "POST":
        policy.page_requires(request.user, "scheme.change")
        if form.is_valid():
            try:
                saved = services.grading_rules_save(
                    year=year, category=category, actor=request.user, **form.cleaned_data
                )
            except (DomainError, ValidationError) as error:
                _add_errors(form, error)
            else:
                messages.success(request, _("Saved as %(scheme)s.") % {"scheme": saved})
                return redirect(
                    f"{reverse('evaluation:grading_rules')}?year={year}&category={category}"
                )
    context = {
        "pick": pick,
        "form": form,
        "scheme": current,
        "year": year,
        "category": category,
        "crumbs": [
            (_("Evaluation schemes"), reverse("evaluation:scheme")),
            (_("Grading rules"), None),
        ],
    }
    return render(request, "evaluation/grading_rules.html", context)


# Results --------------------------------------------------------------------------------------


@login_required
@require_GET
def indicator_catalogue(request):
    """Every indicator's definition, unit, dimension and source, and its weight in the schemes
    in force for a year (the last one unless asked), for anyone signed in, as the API's list."""
    year = inputs.year(request.GET, default=timezone.localdate().year - 1)
    context = {
        **selectors.indicator_catalogue(year=year),
        "crumbs": [(_("Indicator catalogue"), None)],
    }
    return render(request, "evaluation/indicator_catalogue.html", context)


@login_required
def rankings(request):
    """Ranking tables per category for officials, with filters, the publication, the recompute
    button and the work lists (removals proposed, rectifications to re-check). All but the
    publication and the latest job is rendered once for each audience, language and URL until
    the results or the work lists change, or the day does (re-checks fall overdue)."""
    policy.page_requires(request.user, "results.view")
    filterset = page_filters(
        EvaluationFilter, selectors.with_default_year(request.GET), user=request.user
    )
    filters = validated(filterset.form)
    year = int(filters["year"]) if "year" in filters else None
    context = {
        **kept_until_data_changes(
            request,
            "evaluation/rankings",
            lambda: _ranking_parts(request, filterset, filters, year),
            also=timezone.localdate(),
        ),
        "year": year,
        "publication": selectors.publication(year=year) if year else None,
        "latest_job": selectors.latest_recompute_job(),
        "crumbs": [(_("Evaluation results"), None)],
    }
    return render(request, "evaluation/rankings.html", context)


def _ranking_parts(request, filterset, filters, year: int | None) -> dict[str, str]:
    page = Paginator(selectors.results(user=request.user, filters=filters), RANKING_PAGE_SIZE)
    page = page.get_page(request.GET.get("page"))
    tables = defaultdict(list)
    for evaluation in page.object_list:
        tables[evaluation.category].append(evaluation)
    offer_years(
        filterset.form.fields["year"],
        selectors.year_options([*selectors.result_years(), *([year] if year else [])]),
    )
    context = {
        "filter": filterset,
        "tables": [(Category(category).label, rows) for category, rows in sorted(tables.items())],
        "page": page,
        "query": query_without(request),
        "year": year,
        "proposals": list_page(
            request,
            selectors.pending_removal_proposals(user=request.user),
            per_page=WORK_LIST_PAGE_SIZE,
            param="proposals_page",
        ),
        "proposals_query": query_without(request, "proposals_page"),
        "rechecks": list_page(
            request,
            selectors.rectifications_awaiting_recheck(user=request.user),
            per_page=WORK_LIST_PAGE_SIZE,
            param="rechecks_page",
        ),
        "rechecks_query": query_without(request, "rechecks_page"),
        "recheck_form": RecheckForm(initial={"checked_on": timezone.localdate()}),
        "csrf_token": KEPT_CSRF_TOKEN,
    }
    return {
        part: render_to_string(f"evaluation/_rankings_{part}.html", context, request)
        for part in ("heading", "filters", "results")
    }


@login_required
def complex_score(request, code):
    """A complex's score, rank, grade and breakdown against the category's median and best,
    each indicator's formula, its bonuses and penalties, and its history over the years."""
    complex_ = get_object_or_404(Complex.objects.in_scope(request.user), code=code)
    history = selectors.score_history(complex_id=complex_.pk)
    year = inputs.year(request.GET)
    current = next((e for e in history if e.year == year), history[0] if history else None)
    explained = selectors.score_explanation(evaluation=current) if current else None
    proposes = current is not None and policy.can(request.user, "adjustment.propose", complex_)
    published = set(selectors.published_years())
    context = {
        "complex": complex_,
        "current": current,
        "history": history,
        "explained": explained,
        "adjustments": [
            (
                adjustment,
                item,
                adjustment_workflow.allowed_actions(
                    adjustment=adjustment, user=request.user, published_years=published
                ),
            )
            for adjustment, item in (explained.adjustments if explained else [])
        ],
        "decision_form": AdjustmentDecisionForm(),
        "publication": selectors.publication(year=current.year) if current else None,
        "decisions": ManagementDecision.objects.filter(complex=complex_).order_by("-year"),
        "adjustment_form": AdjustmentForm(items=list(current.scheme.adjustment_items.all()))
        if proposes
        else None,
        "crumbs": [(_("Evaluation results"), reverse("evaluation:rankings")), (complex_.name, None)]
        if policy.can(request.user, "results.view")
        else [(_("My score"), None)],
    }
    return render(request, "evaluation/complex_score.html", context)


@login_required
@require_GET
def complex_report_pdf(request, code):
    """The complex's evaluation report as a PDF, for officials in scope and its operator."""
    user = request.user
    policy.page_requires(user, "score.view")
    complex_ = get_object_or_404(
        Complex.objects.in_scope(user, "score.view").select_related("region__parent"), code=code
    )
    year = inputs.year(request.GET)
    report = complex_report(complex_=complex_, year=year, user=user)
    label = report.evaluation.year if report.evaluation else timezone.localdate().year
    return pdf_response(
        request,
        template="evaluation/complex_report_pdf.html",
        context={"report": report},
        filename=_("%(name)s evaluation report %(year)s.pdf")
        % {"name": complex_.name, "year": label},
    )


# Bonus and penalty items ----------------------------------------------------------------------


@login_required
def adjustments(request):
    """The year's bonus and penalty items with who proposed and decided them and when, and the
    actions each official may take."""
    filterset = page_filters(
        AdjustmentFilter, selectors.with_default_year(request.GET), user=request.user
    )
    filters = validated(filterset.form)
    rows = selectors.adjustment_table(user=request.user, filters=filters)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    year = int(filters["year"]) if "year" in filters else None
    published = set(selectors.published_years())
    offer_years(
        filterset.form.fields["year"],
        selectors.year_options(
            [*selectors.result_years(), *([year] if year else [])], published=published
        ),
    )
    items = selectors.adjustment_items(year=year) if year else {}
    context = {
        "filter": filterset,
        "page": page,
        "query": query_without(request),
        "year": year,
        "rows": [
            (
                adjustment,
                items.get((adjustment.complex.category, adjustment.item_code)),
                adjustment_workflow.allowed_actions(
                    adjustment=adjustment, user=request.user, published_years=published
                ),
            )
            for adjustment in page
        ],
        "decision_form": AdjustmentDecisionForm(),
        "crumbs": [(_("Bonuses and penalties"), None)],
    }
    return render(request, "evaluation/adjustments.html", context)


@login_required
@require_POST
def adjustment_propose(request, code, year):
    """A city or county official proposes a bonus or penalty item, with evidence."""
    complex_ = get_object_or_404(Complex.objects.in_scope(request.user), code=code)
    policy.page_requires(request.user, "adjustment.propose", complex_)
    try:
        services.adjustment_propose(
            complex_=complex_,
            year=year,
            item_code=request.POST.get("item_code", ""),
            reason=request.POST.get("reason", ""),
            evidence=request.FILES.get("evidence"),
            actor=request.user,
        )
    except DomainError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("Your proposal has been sent to the province."))
    return redirect(f"{reverse('evaluation:score', args=[code])}?year={year}")


def _adjustment_in_scope(request, pk) -> Adjustment:
    return get_object_or_404(
        Adjustment.objects.in_scope(request.user, "adjustment.list").select_related("complex"),
        pk=pk,
    )


@login_required
@require_POST
def adjustment_action(request, pk, action):
    """Approve, reject (with a note) or withdraw a bonus or penalty item; back to the page the
    form was on."""
    adjustment = _adjustment_in_scope(request, pk)
    try:
        if action == adjustment_workflow.WITHDRAW:
            services.adjustment_withdraw(adjustment=adjustment, actor=request.user)
            messages.success(request, _("The item has been withdrawn."))
        else:
            form = AdjustmentDecisionForm(request.POST)
            form.is_valid()
            services.adjustment_decide(
                adjustment=adjustment,
                approve=action == adjustment_workflow.APPROVE,
                note=form.cleaned_data.get("note", ""),
                actor=request.user,
            )
            messages.success(request, _("The item has been decided."))
    except NotPermitted as error:
        raise PermissionDenied from error
    except DomainError as error:
        messages.error(request, str(error.message))
    if request.POST.get("back") == "score":
        return redirect(
            f"{reverse('evaluation:score', args=[adjustment.complex.code])}?year={adjustment.year}"
        )
    return redirect(f"{reverse('evaluation:adjustments')}?year={adjustment.year}")


@login_required
@require_GET
def adjustment_evidence(request, pk):
    """The evidence file of an item, for the officials in whose scope the complex is."""
    adjustment = _adjustment_in_scope(request, pk)
    return private_download(adjustment.evidence, adjustment.evidence_name)


@login_required
@require_POST
def decision(request, pk, verdict):
    policy.page_requires(request.user, "removal.decide")
    proposal = get_object_or_404(ManagementDecision.objects.in_scope(request.user), pk=pk)
    form = DecisionForm(request.POST)
    form.is_valid()
    try:
        services.removal_decide(
            decision=proposal,
            confirm=verdict == "confirm",
            actor=request.user,
            comment=form.cleaned_data.get("comment", ""),
        )
    except DomainError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("The proposal has been decided."))
    return redirect("evaluation:rankings")


@login_required
@require_POST
def recheck(request, pk):
    """The province records the re-check of a complex in rectification."""
    policy.page_requires(request.user, "rectification.recheck")
    decision = get_object_or_404(ManagementDecision.objects.in_scope(request.user), pk=pk)
    form = RecheckForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
        return redirect("evaluation:rankings")
    try:
        services.rectification_recheck(decision=decision, actor=request.user, **form.cleaned_data)
    except DomainError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("The re-check has been recorded."))
    return redirect("evaluation:rankings")


# Jobs -----------------------------------------------------------------------------------------


@login_required
@require_POST
def recompute_now(request):
    policy.page_requires(request.user, "recompute.run")
    year = inputs.year(request.POST)
    if year is None:
        messages.error(request, _("Choose a year."))
        return redirect("evaluation:rankings")
    job = recompute.job_start(kind=JobKind.RECOMPUTE, actor=request.user, parameters={"year": year})
    return redirect("evaluation:job", pk=job.pk)


@login_required
def job_detail(request, pk):
    """The job's progress; htmx polls the fragment until the job has finished."""
    policy.page_requires(request.user, "recompute.run")
    job = get_object_or_404(Job, pk=pk, kind=JobKind.RECOMPUTE)
    if request.htmx:
        return render(
            request,
            "evaluation/_job_progress.html",
            {"job": job, "described": recompute.job_description(job)},
        )
    context = {
        "job": job,
        "described": recompute.job_description(job),
        "crumbs": [(_("Evaluation results"), reverse("evaluation:rankings")), (str(job), None)],
    }
    return render(request, "evaluation/job.html", context)
