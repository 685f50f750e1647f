"""The evaluation's tables as Excel downloads: results (rankings) and annual reports."""

from django.utils.translation import gettext_lazy as _

from complexes.exports import complex_columns
from complexes.filters import page_filter_form, page_filters
from complexes.models import Category, Level
from portal.csv_exports import sql_choice_label, sql_local_time
from portal.exports import DATE_TIME, TWO_DECIMALS, Column, TableExport, local

from . import selectors
from .filters import EvaluationFilter, ReportFilter
from .models import Grade


def _results_filter_form(user, data):
    return page_filters(EvaluationFilter, selectors.with_default_year(data), user=user).form


def _year_label(user, filters) -> str:
    return str(filters.get("year") or "-")


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
    filter_form=_results_filter_form,
    rows=selectors.results,
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
    filter_form=page_filter_form(ReportFilter),
    rows=selectors.report_table,
)

# Open data (portal.open_data): every column says how the database computes it for the CSV and
# what it means for the field dictionary.
PUBLISHED_RESULTS = TableExport(
    title=_("Published evaluation results"),
    columns=[
        Column(
            _("Year"),
            lambda evaluation: evaluation.year,
            width=7,
            sql="year",
            description=_("The year the complexes were evaluated for."),
        ),
        Column(
            _("Category"),
            lambda evaluation: evaluation.get_category_display(),
            width=16,
            sql=sql_choice_label("category", Category),
            description=_("The category the complex is ranked in."),
        ),
        Column(
            _("Rank"),
            lambda evaluation: evaluation.rank,
            width=7,
            sql="rank",
            description=_("The complex's place in its category that year, 1 the best."),
        ),
        *complex_columns(lambda evaluation: evaluation.complex, database_path="complex"),
        Column(
            _("Level"),
            lambda evaluation: evaluation.complex.get_level_display(),
            width=8,
            sql=sql_choice_label("complex__level", Level),
            description=_("Provincial or city-level complex."),
        ),
        Column(
            _("Score"),
            lambda evaluation: evaluation.score,
            TWO_DECIMALS,
            width=9,
            sql="score",
            description=_("The published score out of 100, bonus and penalty points included."),
        ),
        Column(
            _("Grade"),
            lambda evaluation: evaluation.get_grade_display(),
            width=8,
            sql=sql_choice_label("grade", Grade),
            description=_("Excellent, good, pass or fail, from the score."),
        ),
        Column(
            _("Published at"),
            lambda evaluation: local(evaluation.run.decided_at),
            DATE_TIME,
            width=17,
            sql=sql_local_time("run__decided_at"),
            description=_("When the province published these results."),
        ),
    ],
    rows=lambda user, filters: selectors.published_results(),
)
