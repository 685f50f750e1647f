"""The completeness board (evaluation/progress.py): a reporting year's counts per city, then per
county, then each complex's report; reminding the late ones and approving several pre-reviewed
reports in one confirmed action."""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from complexes.models import Region, RegionLevel
from portal import inputs, policy
from portal.exceptions import DomainError

from . import progress, report_lock, services
from .forms import ProgressForm
from .models import AnnualReport, ReportingPeriod
from .reminders import late_reminders_send


def _board_region(user, code: str) -> Region:
    """The region the board shows: the one asked for if the user holds it in scope (404
    otherwise), else the user's own (the province for provincial officials)."""
    regions = Region.objects.in_scope(user, "report.progress")
    if code:
        return get_object_or_404(regions, code=code)
    if user.region_id and policy.scope_of(user, "report.progress") == policy.SUBTREE:
        return user.region
    return get_object_or_404(Region, level=RegionLevel.PROVINCE)


def _board_url(*, year: int, region: str = "", exact: bool = False) -> str:
    query = {"year": year, **({"region": region} if region else {})}
    if exact:
        query["exact"] = "on"
    return f"{reverse('evaluation:progress')}?{urlencode(query)}"


def _crumbs(region: Region, *, year: int, exact: bool) -> list[tuple[str, str | None]]:
    chain = []
    current = region
    while current is not None and current.level != RegionLevel.PROVINCE:
        chain.insert(0, current)
        current = current.parent
    crumbs = [(_("Reporting progress"), _board_url(year=year) if chain else None)]
    for position, step in enumerate(chain):
        last = position == len(chain) - 1 and not exact
        crumbs.append((step.name, None if last else _board_url(year=year, region=step.code)))
    if exact:
        crumbs.append((_("Complexes at the city's level"), None))
    return crumbs


@login_required
@require_GET
def board(request):
    """Expected, draft, submitted, pre-reviewed, returned, approved and overdue reports of a
    year per city (the province), per county (a city), or each complex (a county)."""
    policy.page_requires(request.user, "report.progress")
    periods = {period.year: period for period in ReportingPeriod.objects.order_by("-year")}
    if not periods:
        return render(
            request,
            "evaluation/progress.html",
            {"period": None, "crumbs": [(_("Reporting progress"), None)]},
        )
    form = ProgressForm(request.GET, years=list(periods))
    data = form.cleaned_data if form.is_valid() else {}
    period = periods[data.get("year") or next(iter(periods))]
    region = _board_region(request.user, data.get("region", ""))
    exact = bool(data.get("exact")) and region.level == RegionLevel.CITY
    rows = progress.progress_by_region(user=request.user, period=period)
    total = next((row for row in rows if row.code == region.code), None)
    show_complexes = exact or region.level == RegionLevel.COUNTY
    complexes = (
        progress.board_complexes(
            user=request.user, period=period, region_code=region.code, exact=exact
        )
        if show_complexes
        else []
    )
    context = {
        "form": ProgressForm(initial={"year": period.year}, years=list(periods)),
        "period": period,
        "lock_date": report_lock.lock_date(period),
        "region": region,
        "exact": exact,
        "total": total,
        "rows": [] if show_complexes else progress.board_rows(rows, region_code=region.code),
        "complexes": complexes,
        "pre_reviewed": [row for row in complexes if _waits_for_province(row)],
        "offer_approval": policy.can(request.user, "report.approve")
        and any(_waits_for_province(row) for row in complexes),
        "counts": progress.COUNTS,
        "crumbs": _crumbs(region, year=period.year, exact=exact),
    }
    return render(request, "evaluation/progress.html", context)


def _waits_for_province(row) -> bool:
    return row.report_status == "submitted" and bool(row.recommendation)


def _back(request) -> str:
    """The board the action was taken from (its year and region, checked)."""
    form = ProgressForm(
        request.POST, years=list(ReportingPeriod.objects.values_list("year", flat=True))
    )
    if not form.is_valid():
        return reverse("evaluation:progress")
    region = form.cleaned_data["region"]
    if (
        region
        and not Region.objects.in_scope(request.user, "report.progress")
        .filter(code=region)
        .exists()
    ):
        region = ""
    return _board_url(
        year=form.cleaned_data["year"], region=region, exact=form.cleaned_data["exact"]
    )


@login_required
@require_POST
def remind_late(request):
    """Remind the operators of every overdue report in the official's scope, once a day."""
    policy.page_requires(request.user, "report.remind")
    year = request.POST.get("year", "")
    period = (
        ReportingPeriod.objects.filter(year=int(year)).first()
        if inputs.ASCII_INTEGER.fullmatch(year)
        else None
    )
    if period is None:
        messages.error(request, _("Choose a year opened for reporting."))
        return redirect("evaluation:progress")
    reminded = late_reminders_send(period=period, actor=request.user)
    if reminded:
        messages.success(
            request,
            _("The operators of %(count)s complexes with an overdue report have been reminded.")
            % {"count": reminded},
        )
    else:
        messages.info(
            request, _("Nobody to remind: every late complex has been reminded today already.")
        )
    return redirect(_back(request))


@login_required
@require_POST
def approve_many(request):
    """Approve the chosen pre-reviewed reports: first a page to confirm them, then all at once
    (the province)."""
    policy.page_requires(request.user, "report.approve")
    ids = sorted(
        {int(pk) for pk in request.POST.getlist("report") if inputs.ASCII_INTEGER.fullmatch(pk)}
    )
    back = _back(request)
    if not ids:
        messages.error(request, _("Choose the reports to approve."))
        return redirect(back)
    if not request.POST.get("confirm"):
        reports = (
            AnnualReport.objects.in_scope(request.user)
            .filter(pk__in=ids)
            .select_related("complex__region")
            .order_by("complex__code")
        )
        context = {
            "reports": reports,
            "hidden": {name: request.POST.get(name, "") for name in ("year", "region", "exact")},
            "back": back,
            "crumbs": [(_("Reporting progress"), back), (_("Approve reports"), None)],
        }
        return render(request, "evaluation/progress_approve.html", context)
    in_scope = list(
        AnnualReport.objects.in_scope(request.user).filter(pk__in=ids).values_list("pk", flat=True)
    )
    if len(in_scope) != len(ids):
        raise Http404
    try:
        approved = services.reports_approve_many(report_ids=ids, actor=request.user)
    except DomainError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(
            request, _("%(count)s reports have been approved.") % {"count": len(approved)}
        )
    return redirect(back)
