"""What the PDF evaluation report of one complex shows: its profile, the year's score, rank
and grade, points per dimension and per indicator, and what other apps add (funding adds the
year's allocation with its matching compliance, registered in ``complex_report_parts``)."""

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from complexes.models import Complex
from portal.registry import Registry

from .models import Dimension, Evaluation, Indicator

# Each part is ``(*, complex_, year, user) -> dict``: what ``user`` may see of it.
complex_report_parts: Registry[Callable[..., dict]] = Registry("complex report part")


@dataclass
class ComplexReport:
    complex: Complex
    evaluation: Evaluation | None
    ranked_in_category: int = 0
    dimensions: list[tuple[str, Decimal, Decimal]] = field(default_factory=list)
    lines: list[tuple[Indicator | None, dict]] = field(default_factory=list)
    # Template context contributed by other apps, e.g. ``allocation``.
    parts: dict = field(default_factory=dict)
    years: list[Evaluation] = field(default_factory=list)


def complex_report(*, complex_: Complex, year: int | None, user) -> ComplexReport:
    """The report for ``year``, or for the complex's latest evaluated year when it is None.
    Funding is what ``user`` may see of it (published rows; drafts for officials)."""
    history = list(Evaluation.objects.shown().filter(complex=complex_).order_by("-year"))
    evaluation = next(
        (row for row in history if year is None or row.year == year),
        None,
    )
    report = ComplexReport(complex=complex_, evaluation=evaluation, years=history)
    if evaluation is None:
        return report
    report.ranked_in_category = (
        Evaluation.objects.shown()
        .filter(year=evaluation.year, category=evaluation.category)
        .count()
    )
    indicators = {indicator.code: indicator for indicator in Indicator.objects.all()}
    weights: dict[str, Decimal] = defaultdict(Decimal)
    points: dict[str, Decimal] = defaultdict(Decimal)
    for line in evaluation.breakdown:
        indicator = indicators.get(line["indicator"])
        report.lines.append((indicator, line))
        dimension = indicator.dimension if indicator else ""
        weights[dimension] += Decimal(str(line["weight"]))
        points[dimension] += Decimal(str(line["points"]))
    report.dimensions = [
        (label, weights[value], points[value])
        for value, label in Dimension.choices
        if value in weights
    ]
    for part in complex_report_parts:
        report.parts.update(part(complex_=complex_, year=evaluation.year, user=user))
    return report
