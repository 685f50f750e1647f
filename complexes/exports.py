"""The directory of complexes as an Excel download, and the region columns other tables share."""

from collections.abc import Callable

from django.utils.translation import gettext_lazy as _

from portal.exports import Column, TableExport

from . import selectors
from .filters import ComplexFilter
from .models import Region, RegionLevel


def city_of(region: Region) -> Region:
    """The prefecture city of a county (its parent), or the region itself."""
    if region.level == RegionLevel.COUNTY and region.parent is not None:
        return region.parent
    return region


def region_columns(region_of: Callable[[object], Region]) -> list[Column]:
    """City and county columns for a row whose region (county or city, parent selected) is
    ``region_of(row)``."""

    def county_name(row) -> str:
        region = region_of(row)
        return region.name if region.level == RegionLevel.COUNTY else ""

    def region_code(row) -> str:
        return region_of(row).pk

    return [
        Column(
            _("Prefecture-level city"),
            lambda row: city_of(region_of(row)).name,
            width=12,
            same_as=region_code,
        ),
        Column(_("County-level division"), county_name, width=14, same_as=region_code),
    ]


def complex_columns(complex_of: Callable[[object], object]) -> list[Column]:
    """Code, name, city and county of the complex a row is about."""
    return [
        Column(_("Code"), lambda row: complex_of(row).code, width=14),
        Column(_("Complex"), lambda row: complex_of(row).name, width=36),
        *region_columns(lambda row: complex_of(row).region),
    ]


def directory_filter(request) -> ComplexFilter:
    return ComplexFilter(request.GET or None, queryset=selectors.complex_directory())


COMPLEXES = TableExport(
    title=_("Complexes"),
    columns=[
        *complex_columns(lambda complex_: complex_),
        Column(_("Level"), lambda complex_: complex_.get_level_display(), width=10),
        Column(_("Category"), lambda complex_: complex_.get_category_display(), width=16),
        Column(_("Industry"), lambda complex_: complex_.industry, width=24),
        Column(_("Construction mode"), lambda complex_: complex_.get_construction_mode_display()),
        Column(
            _("Operating mechanism"), lambda complex_: complex_.get_operating_mechanism_display()
        ),
        Column(_("Host unit"), lambda complex_: complex_.host_unit, width=30),
        Column(_("Founded"), lambda complex_: complex_.founded_year, width=8),
        Column(_("Status"), lambda complex_: complex_.get_status_display(), width=10),
        Column(_("Member institutions"), lambda complex_: complex_.member_count, width=10),
    ],
    rows=lambda request: directory_filter(request).qs,
)
