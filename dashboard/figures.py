"""Precomputed regional figures: every source gives per-complex values, rolled up here to the
county, the city and the province.

A source is a function ``(*, year) -> list of querysets`` that an app registers in
``portal.figures.figure_sources`` from its ``AppConfig.ready()``, each built with
``figure_rows``: per row of a queryset, a complex and one or more (measure, value) figures. The refresh runs them all inside one SQL
statement, so no figure travels through Python. Measures add up (counts, money, sums); an
average is kept as a sum and a count and divided when read.
"""

from collections import defaultdict
from decimal import Decimal

from django.db import connection, transaction

from complexes.models import Complex
from portal.figures import FIGURE_MEASURE, FIGURE_VALUE, figure_sources

from .models import RegionFigure

PROVINCE_CODE = "330000"


def per_complex_sql(*, year: int) -> tuple[str, list]:
    """Every source's rows as one ``SELECT complex_id, measure, value`` and its parameters."""
    selects, params = [], []
    for source in figure_sources:
        for queryset in source(year=year):
            sql, source_params = queryset.query.sql_with_params()
            figures = sum(name.startswith(FIGURE_MEASURE) for name in queryset.query.annotations)
            # Cast each figure: UNION ALL would otherwise pick one type for counts and amounts.
            unpivot = ", ".join(
                f"(source.{FIGURE_MEASURE}{number}::text, source.{FIGURE_VALUE}{number}::numeric)"
                for number in range(figures)
            )
            selects.append(
                "SELECT source.figure_complex AS complex_id, figure.measure, figure.value"
                f" FROM ({sql}) AS source"
                f" CROSS JOIN LATERAL (VALUES {unpivot}) AS figure (measure, value)"
            )
            params += source_params
    return "\nUNION ALL\n".join(selects), params


@transaction.atomic
def figures_refresh(*, year: int) -> int:
    """Recompute the year's figures of every region; returns how many the year has.

    One statement: the sources' rows are summed over each complex's region chain (its county,
    its city, the province: GB/T 2260 codes), the year's figures no longer found are deleted and
    the others upserted, writing only the values that changed (a rerun mostly finds the same)."""
    per_complex, params = per_complex_sql(year=year)
    with connection.cursor() as cursor:
        # The planner's cost of the twenty-odd sources passes the JIT threshold, and compiling
        # them took longer (≈ 0.2 s at scale 10) than the whole statement runs without it.
        cursor.execute("SET LOCAL jit = off")
        cursor.execute(
            f"""
            WITH per_complex AS ({per_complex}),
            -- Summed per complex's own region first: the chain then repeats a few thousand
            -- regional sums rather than every complex's figures.
            by_region AS (
                SELECT complex.region_id, per_complex.measure, sum(per_complex.value) AS value
                FROM per_complex
                JOIN {Complex._meta.db_table} AS complex ON complex.id = per_complex.complex_id
                WHERE per_complex.value IS NOT NULL
                GROUP BY complex.region_id, per_complex.measure
            ),
            rolled_up AS (
                SELECT chain.region_id, by_region.measure, sum(by_region.value) AS value
                FROM by_region
                CROSS JOIN LATERAL unnest(ARRAY[
                    by_region.region_id,
                    CASE WHEN right(by_region.region_id, 2) <> '00'
                        THEN left(by_region.region_id, 4) || '00' END,
                    CASE WHEN by_region.region_id <> %s THEN %s END
                ]) AS chain (region_id)
                WHERE chain.region_id IS NOT NULL
                GROUP BY chain.region_id, by_region.measure
            ),
            vanished AS (
                DELETE FROM {RegionFigure._meta.db_table} AS figure
                WHERE figure.year = %s AND NOT EXISTS (
                    SELECT 1 FROM rolled_up
                    WHERE rolled_up.region_id = figure.region_id
                      AND rolled_up.measure = figure.measure
                )
            ),
            written AS (
                INSERT INTO {RegionFigure._meta.db_table} AS figure
                    (year, region_id, measure, value, refreshed_at)
                SELECT %s, region_id, measure, value, now() FROM rolled_up
                ON CONFLICT (year, region_id, measure) DO UPDATE
                SET value = EXCLUDED.value, refreshed_at = EXCLUDED.refreshed_at
                WHERE figure.value IS DISTINCT FROM EXCLUDED.value
            )
            SELECT count(*) FROM rolled_up
            """,
            [*params, PROVINCE_CODE, PROVINCE_CODE, year, year],
        )
        (figures,) = cursor.fetchone()
    return figures


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


def region_figures(*, year: int, region_codes: list[str], measure: str) -> dict[str, Decimal]:
    """The measure for each of ``region_codes`` (for the map and the table of regions)."""
    return dict(
        RegionFigure.objects.filter(
            year=year, region_id__in=region_codes, measure=measure
        ).values_list("region_id", "value")
    )


def figures_after_evaluation(*, year: int, job=None) -> None:
    """The nightly recomputation's last step: the dashboard reads what it has just computed."""
    figures_refresh(year=year)
