"""The overview's charts, built from a region's precomputed figures (no ORM here).

Each function returns plain data that the page embeds with ``json_script`` and
``static/js/charts.js`` draws: the page needs no request of its own for them.
"""

from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from complexes.models import Category
from evaluation.figures import SCORE_BAND_WIDTH, SCORE_BANDS

from .measures import ACTION_PLAN_TARGETS, COMPLEXES, POINTS, TRENDS, Figures


def as_number(value: Decimal | None, decimals: int = 0) -> float | None:
    """A figure for the chart library (JSON numbers), rounded as the page shows it."""
    return None if value is None else float(round(value, decimals))


def score_distribution(figures: Figures) -> dict:
    """How many complexes of each category scored in each ten-point band."""
    bands = [
        f"{lower}–{lower + SCORE_BAND_WIDTH}" if lower < SCORE_BANDS[-1] else f"{lower}–100"
        for lower in SCORE_BANDS
    ]
    series = [
        {
            "name": str(label),
            "values": [
                int(figures.get(f"scores.band.{category}.{lower}", 0)) for lower in SCORE_BANDS
            ],
        }
        for category, label in Category.choices
    ]
    return {
        "bands": bands,
        "series": series,
        "xName": f"{_('Score band')} ({POINTS})",
        "yName": str(COMPLEXES),
        "empty": not any(sum(s["values"]) for s in series),
    }


def trends(figures_by_year: dict[int, Figures], years: list[int]) -> dict:
    """The main measures over ``years`` (oldest first); a year without figures gives a gap."""
    series = []
    for item in TRENDS:
        values = [
            as_number(item.compute(figures_by_year.get(year, {})), item.decimals) for year in years
        ]
        series.append(
            {
                "key": item.key,
                "name": str(item.label),
                "unit": str(item.unit),
                "values": values,
                "points": list(zip(years, values, strict=True)),
            }
        )
    return {"years": [str(year) for year in years], "series": series}


def action_plan_progress(figures: Figures) -> list[dict]:
    """Each Action Plan target with the region's figure and its share of the target in %."""
    rows = []
    for target in ACTION_PLAN_TARGETS:
        value = target.compute(figures) or Decimal(0)
        share = (value / target.target * 100).quantize(Decimal("0.1"))
        rows.append(
            {
                "key": target.key,
                "label": target.label,
                "value": value,
                "target": target.target,
                "share": share,
                "bar": min(share, Decimal(100)),
            }
        )
    return rows
