"""The evaluation's tables as Excel downloads: results (rankings) and annual reports."""

from django.utils.translation import gettext_lazy as _

from complexes.exports import complex_columns
from complexes.filters import offer_regions_in_scope
from portal import policy
from portal.exports import DATE_TIME, TWO_DECIMALS, Column, TableExport, local

from . import selectors
from .filters import EvaluationFilter, ReportFilter
from .models import AnnualReport


def results_filter(request) -> EvaluationFilter:
    """Officials' results in scope; the latest published year unless one is asked for."""
    policy.page_requires(request.user, "results.view")
    params = request.GET.copy()
    if not params.get("year"):
        years = selectors.published_years()
        if years:
            params["year"] = str(years[0])
    return offer_regions_in_scope(
        EvaluationFilter(params, queryset=selectors.evaluation_list().in_scope(request.user)),
        request.user,
    )


def reports_filter(request) -> ReportFilter:
    user = request.user
    policy.page_requires(user, "report.list")
    queryset = (
        AnnualReport.objects.in_scope(user)
        .select_related("complex", "complex__region")
        .order_by("-year", "complex__code")
    )
    return offer_regions_in_scope(
        ReportFilter(request.GET or None, queryset=queryset), request.user
    )


def _year_label(request) -> str:
    return results_filter(request).data.get("year") or "-"


RESULTS = TableExport(
    title=_("Evaluation results"),
    columns=[
        Column(_("Year"), lambda evaluation: evaluation.year, width=7),
        Column(_("Category"), lambda evaluation: evaluation.get_category_display(), width=16),
        Column(_("Rank"), lambda evaluation: evaluation.rank, width=7),
        *complex_columns(lambda evaluation: evaluation.complex),
        Column(_("Level"), lambda evaluation: evaluation.complex.get_level_display(), width=8),
        Column(_("Score"), lambda evaluation: evaluation.score, TWO_DECIMALS, width=9),
        Column(_("Grade"), lambda evaluation: evaluation.get_grade_display(), width=8),
        Column(_("Status"), lambda evaluation: evaluation.complex.get_status_display(), width=10),
    ],
    rows=lambda request: (
        results_filter(request).qs.select_related("complex__region__parent").defer("breakdown")
    ),
    label=_year_label,
)

REPORTS = TableExport(
    title=_("Annual reports"),
    columns=[
        Column(_("Year"), lambda report: report.year, width=7),
        *complex_columns(lambda report: report.complex),
        Column(_("Status"), lambda report: report.get_status_display(), width=10),
        Column(_("City pre-review"), lambda report: report.get_recommendation_display(), width=14),
        Column(_("Version"), lambda report: report.version, width=8),
        Column(_("Last change"), lambda report: local(report.updated_at), DATE_TIME, width=17),
    ],
    rows=lambda request: reports_filter(request).qs.select_related("complex__region__parent"),
)
