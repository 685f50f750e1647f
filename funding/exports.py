"""The funding allocation table, with its matching compliance, as an Excel download."""

from django.utils.translation import gettext_lazy as _

from complexes.exports import complex_columns
from complexes.filters import page_filter_form
from complexes.models import Category
from evaluation.models import Grade
from portal.csv_exports import sql_choice_label, sql_local_time
from portal.exports import DATE_TIME, MONEY, TWO_DECIMALS, Column, TableExport, local, yes_no

from . import selectors
from .filters import AllocationFilter
from .models import AllocationKind, AllocationStatus

MONEY_HEADERS = {
    "provincial_amount": _("Provincial amount (CNY)"),
    "required_local_match": _("Required city/county match (CNY)"),
    "reported_local_match": _("Reported city/county match (CNY)"),
    "required_host_investment": _("Required host investment (CNY)"),
    "reported_host_investment": _("Reported host investment (CNY)"),
}


def _money(name: str, description="") -> Column:
    return Column(
        MONEY_HEADERS[name],
        lambda allocation: getattr(allocation, name),
        MONEY,
        width=18,
        sql=name,
        description=description,
    )


ALLOCATIONS = TableExport(
    title=_("Funding allocation"),
    columns=[
        *complex_columns(lambda allocation: allocation.complex),
        Column(_("Category"), lambda allocation: allocation.complex.get_category_display()),
        Column(_("Status"), lambda allocation: allocation.get_status_display(), width=10),
        Column(_("Grade"), lambda allocation: allocation.get_grade_display(), width=8),
        Column(_("Score"), lambda allocation: allocation.score, TWO_DECIMALS, width=8),
        *(_money(name) for name in MONEY_HEADERS),
        Column(_("Compliant"), lambda allocation: yes_no(allocation.compliant), width=10),
    ],
    filter_form=page_filter_form(AllocationFilter),
    rows=selectors.allocation_table,
    label=lambda user, filters: _file_label(filters),
)


def _file_label(filters) -> str:
    """The year, marked 草稿 (draft) or 已替代 (superseded) unless the rows are those published:
    a draft downloaded and passed on must still say it is one."""
    year = selectors.allocation_year(filters)
    status = filters.get("status") or (
        AllocationStatus.PUBLISHED if selectors.decision_in_force(year=year) else None
    )
    if status == AllocationStatus.PUBLISHED:
        return str(year)
    return f"{year}-{AllocationStatus(status or AllocationStatus.DRAFT).label}"


# Open data (portal.open_data): every column says how the database computes it for the CSV and
# what it means for the field dictionary. The matching the complexes reported is left out: the
# published decision is the province's, the reports are not.
PUBLISHED_ALLOCATIONS = TableExport(
    title=_("Published funding allocations"),
    columns=[
        Column(
            _("Year"),
            lambda allocation: allocation.year,
            width=7,
            sql="year",
            description=_("The year whose evaluation results the money was shared out by."),
        ),
        *complex_columns(lambda allocation: allocation.complex, database_path="complex"),
        Column(
            _("Category"),
            lambda allocation: allocation.complex.get_category_display(),
            sql=sql_choice_label("complex__category", Category),
            description=_("The category the complex is ranked in."),
        ),
        Column(
            _("Kind of support"),
            lambda allocation: allocation.get_kind_display(),
            width=14,
            sql=sql_choice_label("kind", AllocationKind),
            description=_(
                "Ex-ante support for a complex in construction, support by results, or none."
            ),
        ),
        Column(
            _("Grade"),
            lambda allocation: allocation.get_grade_display(),
            width=8,
            sql=sql_choice_label("grade", Grade),
            description=_("The evaluation grade the share was computed from; empty for ex-ante."),
        ),
        Column(
            _("Score"),
            lambda allocation: allocation.score,
            TWO_DECIMALS,
            width=8,
            sql="score",
            description=_("The evaluation score the share was computed from; empty for ex-ante."),
        ),
        _money("provincial_amount", _("The provincial money allocated to the complex.")),
        _money(
            "required_local_match",
            _("What the city or county must put in beside the provincial money."),
        ),
        _money(
            "required_host_investment",
            _("What the host unit must invest beside the provincial and local money."),
        ),
        Column(
            _("Published at"),
            lambda allocation: local(allocation.decision.decided_at),
            DATE_TIME,
            width=17,
            sql=sql_local_time("decision__decided_at"),
            description=_("When the province published the allocation."),
        ),
    ],
    rows=lambda user, filters: selectors.published_allocations(),
)
