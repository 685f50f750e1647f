"""The funding allocation table, with its matching compliance, as an Excel download."""

from datetime import date

from django.utils.translation import gettext_lazy as _

from complexes.exports import complex_columns
from complexes.filters import offer_regions_in_scope
from portal import policy
from portal.exports import MONEY, TWO_DECIMALS, Column, TableExport, yes_no

from . import selectors
from .filters import AllocationFilter


def requested_year(request) -> int:
    """The year asked for, else the latest with allocations or rules, else this year."""
    try:
        return int(request.GET.get("year") or request.POST.get("year"))
    except (TypeError, ValueError):
        years = selectors.allocation_years()
        return years[0] if years else date.today().year


def allocations_filter(request, year: int) -> AllocationFilter:
    policy.page_requires(request.user, "funding.view")
    params = request.GET.copy()
    params["year"] = str(year)
    rows = selectors.allocations_in_force(user=request.user, year=year)
    return offer_regions_in_scope(AllocationFilter(params, queryset=rows), request.user)


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
    rows=lambda request: allocations_filter(request, requested_year(request)).qs,
    label=lambda request: str(requested_year(request)),
)
