"""The funding allocation table, with its matching compliance, as an Excel download."""

from django.utils.translation import gettext_lazy as _

from complexes.exports import complex_columns
from complexes.filters import page_filter_form
from portal.exports import MONEY, TWO_DECIMALS, Column, TableExport, yes_no

from . import selectors
from .filters import AllocationFilter
from .models import AllocationStatus

MONEY_HEADERS = {
    "provincial_amount": _("Provincial amount (CNY)"),
    "required_local_match": _("Required city/county match (CNY)"),
    "reported_local_match": _("Reported city/county match (CNY)"),
    "required_host_investment": _("Required host investment (CNY)"),
    "reported_host_investment": _("Reported host investment (CNY)"),
}


def _money(name: str) -> Column:
    return Column(
        MONEY_HEADERS[name], lambda allocation: getattr(allocation, name), MONEY, width=18
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
