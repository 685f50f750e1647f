"""The directory of complexes as an Excel download, and the region columns other tables share."""

from collections.abc import Callable
from operator import itemgetter
from typing import Any

from django.utils.translation import gettext_lazy as _

from portal.csv_exports import sql_choice_label
from portal.exports import Column, TableExport

from . import selectors
from .filters import ComplexFilter
from .models import (
    Category,
    ConstructionMode,
    Level,
    OperatingMechanism,
    Region,
    RegionLevel,
    Status,
)

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
        Column(
            _("Prefecture-level city"),
            city,
            width=12,
            same_as=same_as,
            sql=sql[0],
            description=_("The prefecture-level city the complex is in."),
        ),
        Column(
            _("County-level division"),
            county,
            width=14,
            same_as=same_as,
            sql=sql[1],
            description=_("The county, county-level city or district; empty for a city's own."),
        ),
    ]


def _complex_quad(
    code: Accessor, name: Accessor, regions: list[Column], sql=(None, None)
) -> list[Column]:
    return [
        Column(
            _("Code"),
            code,
            width=14,
            sql=sql[0],
            description=_("The complex's code in the province's register."),
        ),
        Column(_("Complex"), name, width=36, sql=sql[1], description=_("The complex's full name.")),
        *regions,
    ]


def region_columns(
    region_of: Callable[[object], Region], database_path: str | None = None
) -> list[Column]:
    """City and county columns for a row whose region (county or city, parent selected) is
    ``region_of(row)``; ``database_path`` leads from the rows to that region in the database,
    for a CSV."""

    def county_name(row) -> str:
        region = region_of(row)
        return region.name if region.level == RegionLevel.COUNTY else ""

    def region_code(row) -> str:
        return region_of(row).pk

    sql = (None, None)
    if database_path is not None:
        sql = tuple(
            lambda name=name: selectors.region_names(database_path)[name]
            for name in ("city_name", "county_name")
        )
    return _region_pair(lambda row: city_of(region_of(row)).name, county_name, region_code, sql=sql)


def complex_columns(
    complex_of: Callable[[object], object], database_path: str | None = None
) -> list[Column]:
    """Code, name, city and county of the complex a row is about; ``database_path`` leads from
    the rows to the complex in the database ("" when the rows are complexes), for a CSV."""
    prefix = f"{database_path}__" if database_path else ""
    return _complex_quad(
        lambda row: complex_of(row).code,
        lambda row: complex_of(row).name,
        region_columns(
            lambda row: complex_of(row).region,
            None if database_path is None else f"{prefix}region",
        ),
        sql=(None, None) if database_path is None else (f"{prefix}code", f"{prefix}name"),
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
        *complex_columns(lambda complex_: complex_, database_path=""),
        Column(
            _("Level"),
            lambda complex_: complex_.get_level_display(),
            width=10,
            sql=sql_choice_label("level", Level),
            description=_("Provincial or city-level complex."),
        ),
        Column(
            _("Category"),
            lambda complex_: complex_.get_category_display(),
            width=16,
            sql=sql_choice_label("category", Category),
            description=_("The evaluation category the complex is ranked in."),
        ),
        Column(
            _("Industry"),
            lambda complex_: complex_.industry,
            width=24,
            sql="industry",
            description=_("The industry the complex serves."),
        ),
        Column(
            _("Construction mode"),
            lambda complex_: complex_.get_construction_mode_display(),
            sql=sql_choice_label("construction_mode", ConstructionMode),
            description=_("Who built the complex around what."),
        ),
        Column(
            _("Operating mechanism"),
            lambda complex_: complex_.get_operating_mechanism_display(),
            sql=sql_choice_label("operating_mechanism", OperatingMechanism),
            description=_("How the complex is run."),
        ),
        Column(
            _("Host unit"),
            lambda complex_: complex_.host_unit,
            width=30,
            sql="host_unit",
            description=_("The organisation that hosts the complex."),
        ),
        Column(
            _("Founded"),
            lambda complex_: complex_.founded_year,
            width=8,
            sql="founded_year",
            description=_("The year the complex was founded."),
        ),
        Column(
            _("Status"),
            lambda complex_: complex_.get_status_display(),
            width=10,
            sql=sql_choice_label("status", Status),
            description=_("Its status in the province's dynamic management."),
        ),
        Column(
            _("Member institutions"),
            lambda complex_: complex_.member_count,
            width=10,
            sql="member_count",
            description=_("How many institutions are members of the complex today."),
        ),
    ],
    filter_form=lambda user, data: ComplexFilter(data).form,
    rows=lambda user, filters: selectors.complex_directory(filters=filters),
)
