"""The directory of complexes as an Excel download, and the region columns other tables share."""

from collections.abc import Callable
from operator import itemgetter
from typing import Any

from django.utils.translation import gettext_lazy as _

from portal.exports import Column, TableExport

from . import selectors
from .filters import ComplexFilter
from .models import Region, RegionLevel

Accessor = Callable[[Any], Any]


def city_of(region: Region) -> Region:
    """The prefecture city of a county (its parent), or the region itself."""
    if region.level == RegionLevel.COUNTY and region.parent is not None:
        return region.parent
    return region


def _region_pair(
    city: Accessor, county: Accessor, same_as: Accessor | None = None, sql=(None, None)
):
    return [
        Column(_("Prefecture-level city"), city, width=12, same_as=same_as, sql=sql[0]),
        Column(_("County-level division"), county, width=14, same_as=same_as, sql=sql[1]),
    ]


def _complex_quad(
    code: Accessor, name: Accessor, regions: list[Column], sql=(None, None)
) -> list[Column]:
    return [
        Column(_("Code"), code, width=14, sql=sql[0]),
        Column(_("Complex"), name, width=36, sql=sql[1]),
        *regions,
    ]


def region_columns(region_of: Callable[[object], Region]) -> list[Column]:
    """City and county columns for a row whose region (county or city, parent selected) is
    ``region_of(row)``."""

    def county_name(row) -> str:
        region = region_of(row)
        return region.name if region.level == RegionLevel.COUNTY else ""

    def region_code(row) -> str:
        return region_of(row).pk

    return _region_pair(lambda row: city_of(region_of(row)).name, county_name, region_code)


def complex_columns(complex_of: Callable[[object], object]) -> list[Column]:
    """Code, name, city and county of the complex a row is about."""
    return _complex_quad(
        lambda row: complex_of(row).code,
        lambda row: complex_of(row).name,
        region_columns(lambda row: complex_of(row).region),
    )


def complex_value_columns(prefix: str) -> list[Column]:
    """The complex columns for rows read with ``values()``: ``{prefix}__code``,
    ``{prefix}__name`` and the ``selectors.region_names`` of its region; the database computes
    them alike for a CSV."""
    code, name = f"{prefix}__code", f"{prefix}__name"
    return _complex_quad(
        itemgetter(code),
        itemgetter(name),
        _region_pair(
            itemgetter("city_name"), itemgetter("county_name"), sql=("city_name", "county_name")
        ),
        sql=(code, name),
    )


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
    filter_form=lambda user, data: ComplexFilter(data).form,
    rows=lambda user, filters: selectors.complex_directory(filters=filters),
)
