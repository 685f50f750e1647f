"""Precomputed regional figures: every source gives per-complex values, rolled up here to the
county, the city and the province.

A source is a function ``(*, year) -> iterable of (complex_id, measure, value)`` named in
``settings.DASHBOARD_FIGURE_SOURCES``; it computes its values set-based in SQL. Measures add up
(counts, money, sums); an average is kept as a sum and a count and divided when read.
"""

from collections import defaultdict
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.utils.module_loading import import_string

from complexes.models import Complex

from .models import RegionFigure

PROVINCE_CODE = "330000"


def region_chain(region_code: str) -> list[str]:
    """The region and its ancestors up to the province (GB/T 2260 codes)."""
    chain = [region_code]
    if not region_code.endswith("00"):
        chain.append(region_code[:4] + "00")
    if region_code != PROVINCE_CODE:
        chain.append(PROVINCE_CODE)
    return chain


def per_complex_values(*, year: int) -> list[tuple[int, str, Decimal]]:
    rows = []
    for path in settings.DASHBOARD_FIGURE_SOURCES:
        rows.extend(import_string(path)(year=year))
    return rows


@transaction.atomic
def figures_refresh(*, year: int) -> int:
    """Recompute the year's figures of every region; returns how many rows were written."""
    region_of = dict(Complex.objects.values_list("id", "region_id"))
    totals: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    for complex_id, measure, value in per_complex_values(year=year):
        for region_code in region_chain(region_of[complex_id]):
            totals[region_code, measure] += Decimal(value)
    RegionFigure.objects.filter(year=year).delete()
    RegionFigure.objects.bulk_create(
        [
            RegionFigure(year=year, region_id=region_code, measure=measure, value=value)
            for (region_code, measure), value in sorted(totals.items())
        ],
        batch_size=5000,
    )
    return len(totals)


def figures_for(*, year: int, region_code: str) -> dict[str, Decimal]:
    return dict(
        RegionFigure.objects.filter(year=year, region_id=region_code).values_list(
            "measure", "value"
        )
    )


def figures_over_years(*, years: list[int], region_code: str) -> dict[int, dict[str, Decimal]]:
    """The region's figures of each of ``years`` (a year without figures is left out)."""
    by_year: dict[int, dict[str, Decimal]] = defaultdict(dict)
    for year, measure, value in RegionFigure.objects.filter(
        year__in=years, region_id=region_code
    ).values_list("year", "measure", "value"):
        by_year[year][measure] = value
    return dict(by_year)


def child_figures(*, year: int, region_code: str, measure: str) -> dict[str, Decimal]:
    """The measure for each region directly under ``region_code`` (for the map)."""
    return dict(
        RegionFigure.objects.filter(
            year=year, region__parent_id=region_code, measure=measure
        ).values_list("region_id", "value")
    )


def figures_after_evaluation(*, year: int, job=None) -> None:
    """The nightly recomputation's last step: the dashboard reads what it has just computed."""
    figures_refresh(year=year)
