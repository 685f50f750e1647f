"""The dashboard's tables as Excel downloads: the regions under the one shown, with the chosen
measure, and the early warnings."""

from django.utils.translation import gettext_lazy as _

from complexes.exports import complex_columns
from portal.exports import Column, TableExport

from . import selectors
from .forms import dashboard_filter_form


def _label(user, filters) -> str:
    region = selectors.dashboard_region(user=user, filters=filters)
    return f"{region.name}-{selectors.dashboard_year(filters)}"


REGIONS = TableExport(
    title=_("Regions"),
    columns=[
        Column(_("Code"), lambda row: row[0].code, width=9),
        Column(_("Region"), lambda row: row[0].name, width=16),
        Column(_("Measure"), lambda row: str(row[1]), width=30),
        Column(_("Value"), lambda row: row[2], width=16),
    ],
    filter_form=dashboard_filter_form,
    rows=selectors.region_measures,
    label=_label,
)

WARNINGS = TableExport(
    title=_("Early warning"),
    columns=[
        *complex_columns(lambda warning: warning["complex"]),
        Column(_("Why it is at risk"), lambda warning: "; ".join(warning["reasons"]), width=80),
    ],
    filter_form=dashboard_filter_form,
    rows=selectors.region_warnings,
    label=_label,
)
