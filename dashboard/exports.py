"""The dashboard's tables as Excel downloads: the regions under the one shown, with the chosen
measure, and the early warnings."""

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _

from complexes.exports import complex_columns
from complexes.models import Region
from complexes.selectors import home_region_code, regions_in_scope
from portal import policy
from portal.exports import Column, TableExport

from . import selectors
from .measures import MAP_MEASURES
from .warnings import early_warnings


def requested_year(request) -> int:
    try:
        return int(request.GET.get("year", ""))
    except ValueError:
        return selectors.current_year()


def requested_region(request) -> Region:
    """The region asked for (the official's own by default); outside their scope: 404."""
    user = request.user
    policy.page_requires(user, "dashboard.view")
    code = request.GET.get("region") or home_region_code(user)
    return get_object_or_404(regions_in_scope(user).select_related("parent__parent"), code=code)


def requested_measure(request) -> str:
    measure = request.GET.get("measure")
    return measure if measure in dict(MAP_MEASURES) else "complexes"


def region_rows(request) -> list[tuple[Region, str, object]]:
    region = requested_region(request)
    measure = requested_measure(request)
    values = selectors.map_values(year=requested_year(request), region=region, measure=measure)
    label = dict(MAP_MEASURES)[measure]
    return [(child, label, values.get(child.code, 0)) for child in region.children.order_by("code")]


def _label(request) -> str:
    return f"{requested_region(request).name}-{requested_year(request)}"


REGIONS = TableExport(
    title=_("Regions"),
    columns=[
        Column(_("Code"), lambda row: row[0].code, width=9),
        Column(_("Region"), lambda row: row[0].name, width=16),
        Column(_("Measure"), lambda row: str(row[1]), width=30),
        Column(_("Value"), lambda row: row[2], width=16),
    ],
    rows=region_rows,
    label=_label,
)

WARNINGS = TableExport(
    title=_("Early warning"),
    columns=[
        *complex_columns(lambda warning: warning["complex"]),
        Column(_("Why it is at risk"), lambda warning: "; ".join(warning["reasons"]), width=80),
    ],
    rows=lambda request: early_warnings(
        year=requested_year(request), region=requested_region(request)
    ),
    label=_label,
)
