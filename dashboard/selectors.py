"""What the dashboard shows, read from the registry (small) and the precomputed figures."""

from decimal import Decimal

from django.db.models import Count, IntegerField, OuterRef, Q, Subquery
from django.db.models.functions import Cast, Coalesce
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import get_language

from complexes.models import (
    Category,
    Complex,
    InstitutionType,
    Level,
    Region,
    SharedInstrument,
    Status,
    TalentTeam,
)
from complexes.selectors import home_region_code, regions_in_scope
from evaluation.models import Grade, ReportStatus, ReportValue
from evaluation.selectors import YearOption, default_year, top_ranked, year_options
from portal import policy
from portal.api.public_cache import generation_and_entry, store_entry
from portal.filtering import Filters
from portal.models import correlated_count
from portal.templatetags.json_data import ScriptJSON, script_json
from services.figures import MOUNTAIN_26_SERVICES
from services.models import Offering, RequestStatus, ServiceRequest

from . import charts
from .figures import figures_for, figures_over_years, region_figures
from .measures import HEADLINES, MAP_MEASURES, ratio
from .warnings import early_warnings

TREND_YEARS = 5
RANKING_LENGTH = 10
# Part of the map points' cache key: entries of an earlier form are not read as this one.
MAP_POINTS_FORMAT = 2


def current_year() -> int:
    return timezone.localdate().year


def dashboard_year(filters: Filters) -> int:
    """The year asked for, else the latest with evaluation results (the calendar year has
    none yet, so the dashboard would open empty)."""
    return filters.get("year") or default_year()


def dashboard_years(*, year: int) -> list[YearOption]:
    """The year picker: the five years up to the later of the calendar year and the one shown,
    each marked when its results are published."""
    last = max(current_year(), year)
    return year_options(range(last, last - TREND_YEARS, -1))


def dashboard_measure(filters: Filters) -> str:
    return filters.get("measure") or "complexes"


def dashboard_region(*, user, filters: Filters) -> Region:
    """The region asked for (the official's own by default); outside their scope: 404.
    Officials only."""
    policy.page_requires(user, "dashboard.view")
    code = filters.get("region") or home_region_code(user)
    return get_object_or_404(regions_in_scope(user).select_related("parent__parent"), code=code)


def region_measures(*, user, filters: Filters) -> list[tuple[Region, str, object]]:
    """The regions under the one asked for, each with the chosen measure's label and value."""
    region = dashboard_region(user=user, filters=filters)
    measure = dashboard_measure(filters)
    children = list(region.children.order_by("code"))
    values = map_values(year=dashboard_year(filters), regions=children, measure=measure)
    label = dict(MAP_MEASURES)[measure]
    return [(child, label, values.get(child.code, 0)) for child in children]


def region_warnings(*, user, filters: Filters) -> list[dict]:
    """The early warnings of the complexes in the region asked for."""
    region = dashboard_region(user=user, filters=filters)
    return early_warnings(year=dashboard_year(filters), region=region)


def complexes_summary(*, region: Region) -> dict:
    """Every complex in the region's subtree, whatever its status, from the registry itself."""
    rows = (
        Complex.objects.in_region(region.code)
        .values_list("level", "category", "status", "region__mountain_26")
        .annotate(n=Count("id"))
        .order_by()
    )
    by_level = dict.fromkeys(Level.values, 0)
    by_category = dict.fromkeys(Category.values, 0)
    by_status = dict.fromkeys(Status.values, 0)
    mountain_26 = 0
    for level, category, status, in_mountain_county, count in rows:
        by_level[level] += count
        by_category[category] += count
        by_status[status] += count
        mountain_26 += count if in_mountain_county else 0
    return {
        "total": sum(by_level.values()),
        "by_level": by_level,
        "by_category": by_category,
        "by_status": by_status,
        "mountain_26": mountain_26,
    }


def grouped(figures: dict[str, Decimal], prefix: str) -> dict[str, Decimal]:
    """``{"members.type.testing": 3}`` with prefix ``members.type.`` → ``{"testing": 3}``."""
    return {
        key.removeprefix(prefix): value for key, value in figures.items() if key.startswith(prefix)
    }


def dashboard_summary(
    *, year: int, region: Region, figures: dict[str, Decimal] | None = None
) -> dict:
    if figures is None:
        figures = figures_for(year=year, region_code=region.code)
    return {
        "year": year,
        "region": region.code,
        "complexes": complexes_summary(region=region),
        "members": {
            "total": figures.get("members", Decimal(0)),
            "by_type": {
                key: grouped(figures, "members.type.").get(key, Decimal(0))
                for key in InstitutionType.values
            },
        },
        "indicators": grouped(figures, "indicator."),
        "scores": {
            "by_grade": {
                grade: figures.get(f"scores.grade.{grade}", Decimal(0)) for grade in Grade.values
            },
            "average": {
                category: ratio(f"scores.sum.{category}", f"scores.count.{category}")(figures)
                for category in Category.values
            },
        },
        "mountain_26": {
            "services_delivered": int(figures.get(MOUNTAIN_26_SERVICES, 0)),
        },
        "funding": funding_summary(figures),
    }


def funding_summary(figures: dict[str, Decimal]) -> dict[str, Decimal]:
    """Published money and drafts apart: ``allocated``, ``allocations`` and ``compliant`` (as
    ever) and ``published`` count published rows only; ``draft`` and ``draft_allocations`` are
    the year's drafts (a first computation or the revision of a published year), never money
    allocated."""
    published = figures.get("funding.allocated", Decimal(0))
    return {
        "allocated": published,
        "allocations": figures.get("funding.allocations", Decimal(0)),
        "compliant": figures.get("funding.compliant", Decimal(0)),
        "published": published,
        "draft": figures.get("funding.draft", Decimal(0)),
        "draft_allocations": figures.get("funding.draft_allocations", Decimal(0)),
    }


def overview_figures(*, year: int, region: Region) -> dict:
    """The overview page's summary, headline figures (with the change on the year before) and
    charts, from the region's precomputed figures of the last few years (one query)."""
    years = list(range(year - TREND_YEARS + 1, year + 1))
    by_year = figures_over_years(years=years, region_code=region.code)
    now, before = by_year.get(year, {}), by_year.get(year - 1, {})
    return {
        "summary": dashboard_summary(year=year, region=region, figures=now),
        "headline": headline(now=now, before=before),
        "progress": charts.action_plan_progress(now),
        "rankings": rankings(year=year, region=region),
        "charts": {
            "distribution": charts.score_distribution(now),
            "trends": charts.trends(by_year, years),
        },
    }


def rankings(*, year: int, region: Region, length: int = RANKING_LENGTH) -> list[tuple[str, list]]:
    """The best complexes of each category in the region: (category label, results)."""
    tables = top_ranked(year=year, region_code=region.code, limit=length)
    return [(label, tables[value]) for value, label in Category.choices if value in tables]


def headline(*, now: dict[str, Decimal], before: dict[str, Decimal]) -> list[dict]:
    rows = []
    for item in HEADLINES:
        value, previous = item.compute(now), item.compute(before)
        if item.draft and not value:
            continue
        change = None
        if value is not None and previous:
            change = ((value - previous) / previous * 100).quantize(Decimal("0.1"))
        rows.append(
            {
                "key": item.key,
                "label": item.label,
                "value": None if value is None else round(value, item.decimals),
                "decimals": item.decimals,
                "change": None if item.draft else change,
                "draft": item.draft,
            }
        )
    return rows


def map_values(*, year: int, regions: list[Region], measure: str) -> dict[str, Decimal]:
    """The measure for each of ``regions``: only ever the regions the viewer may see."""
    return region_figures(
        year=year, region_codes=[region.code for region in regions], measure=measure
    )


def map_points(*, region: Region) -> ScriptJSON:
    """The region's complexes placed on the map: name, [longitude, latitude], code and status,
    as the page's JSON.

    What every reader of the region sees alike (the directory's public fields), so it is kept
    in the cache under the public lists' generation, which a complex's save bumps: 1,680
    points at scale 10 were read and built again for every dashboard. It is kept as written
    JSON: decoding the 1,680 points from the cache and encoding them again took 9 ms a visit."""
    key = f"dashboard-map-points:{MAP_POINTS_FORMAT}:{get_language()}:{region.code}"
    generation, points = generation_and_entry(key)
    if points is None:
        rows = (
            Complex.objects.in_region(region.code)
            .filter(longitude__isnull=False)
            .values_list("code", "name", "longitude", "latitude", "status")
        )
        points = script_json(
            [
                {"name": name, "value": [float(lng), float(lat)], "code": code, "status": status}
                for code, name, lng, lat, status in rows
            ]
        )
        store_entry(key, generation, points)
    return points


def mountain_counties(*, region: Region) -> list[Region]:
    """The 26 mountain counties (山区26县) in the region's subtree, for the map's layer."""
    return list(Region.objects.subtree(region.code).filter(mountain_26=True).order_by("code"))


def county_complexes(*, region: Region):
    return Complex.objects.in_region(region.code).select_related("region")


def complex_element_counts(*, complex_id: int, member_counts: dict[str, int]) -> dict[str, int]:
    """The counts ``dashboard.elements`` maps onto the ten elements, in one query (the member
    counts by type are the page's own)."""
    completed = ServiceRequest.objects.filter(status=RequestStatus.COMPLETED)
    latest_policies = (
        ReportValue.objects.filter(
            report__complex=OuterRef("pk"),
            report__status=ReportStatus.APPROVED,
            indicator__code="policies_implemented",
        )
        .order_by("-report__year")
        .values("value")[:1]
    )
    counted = {
        "instruments_open": correlated_count(
            SharedInstrument.objects.filter(open_for_sharing=True)
        ),
        "talent_teams": correlated_count(TalentTeam.objects.all()),
        "enterprises_served": correlated_count(completed, "enterprise", distinct=True),
        "voucher_services": correlated_count(completed.filter(~Q(voucher_amount=0))),
        "offerings": correlated_count(Offering.objects.active()),
        "policies": Coalesce(Cast(Subquery(latest_policies), IntegerField()), 0),
    }
    # Prefixed: some names are also relations of the complex.
    row = (
        Complex.objects.filter(pk=complex_id)
        .annotate(**{f"count_{name}": count for name, count in counted.items()})
        .values(*(f"count_{name}" for name in counted))
        .get()
    )
    counts = {name.removeprefix("count_"): value for name, value in row.items()}
    return counts | {f"members.{kind}": count for kind, count in member_counts.items()}
