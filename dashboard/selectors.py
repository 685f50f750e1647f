"""What the dashboard shows, read from the registry (small) and the precomputed figures."""

from decimal import Decimal

from django.db.models import Count
from django.utils import timezone

from complexes.models import Category, Complex, InstitutionType, Level, Region, Status
from evaluation.models import Evaluation, Grade

from .figures import child_figures, figures_for
from .measures import HEADLINES, ratio


def current_year() -> int:
    return timezone.localdate().year


def complexes_summary(*, region: Region) -> dict:
    """Every complex in the region's subtree, whatever its status, from the registry itself."""
    rows = (
        Complex.objects.in_region(region.code)
        .values_list("level", "category", "status")
        .annotate(n=Count("id"))
        .order_by()
    )
    by_level = dict.fromkeys(Level.values, 0)
    by_category = dict.fromkeys(Category.values, 0)
    by_status = dict.fromkeys(Status.values, 0)
    for level, category, status, count in rows:
        by_level[level] += count
        by_category[category] += count
        by_status[status] += count
    return {
        "total": sum(by_level.values()),
        "by_level": by_level,
        "by_category": by_category,
        "by_status": by_status,
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
        "funding": {
            "allocated": figures.get("funding.allocated", Decimal(0)),
            "allocations": figures.get("funding.allocations", Decimal(0)),
            "compliant": figures.get("funding.compliant", Decimal(0)),
        },
    }


def overview_figures(*, year: int, region: Region) -> dict:
    """The overview page's summary and headline figures (with the change on the year before)."""
    now = figures_for(year=year, region_code=region.code)
    before = figures_for(year=year - 1, region_code=region.code)
    return {
        "summary": dashboard_summary(year=year, region=region, figures=now),
        "headline": headline(now=now, before=before),
    }


def headline(*, now: dict[str, Decimal], before: dict[str, Decimal]) -> list[dict]:
    rows = []
    for item in HEADLINES:
        value, previous = item.compute(now), item.compute(before)
        change = None
        if value is not None and previous:
            change = ((value - previous) / previous * 100).quantize(Decimal("0.1"))
        rows.append(
            {
                "key": item.key,
                "label": item.label,
                "value": None if value is None else round(value, item.decimals),
                "decimals": item.decimals,
                "change": change,
            }
        )
    return rows


def map_values(*, year: int, region: Region, measure: str) -> dict[str, Decimal]:
    return child_figures(year=year, region_code=region.code, measure=measure)


def top_of_ranking(*, year: int, region: Region, per_category: int = 5) -> list[tuple[str, list]]:
    """The best-ranked complexes of the region in each category (ranks are province-wide)."""
    evaluations = (
        Evaluation.objects.filter(
            year=year, complex__region__code__startswith=region.subtree_prefix
        )
        .select_related("complex", "complex__region")
        .order_by("category", "rank", "complex_id")
    )
    return [
        (label, list(evaluations.filter(category=value)[:per_category]))
        for value, label in Category.choices
    ]
