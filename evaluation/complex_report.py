"""What the PDF evaluation report of one complex shows: its profile, the year's score, rank
and grade, points per dimension and per indicator with each formula, its bonuses and
penalties, and what other apps add (funding adds the
year's allocation with its matching compliance, registered in ``complex_report_parts``)."""

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from complexes.models import Complex
from portal.registry import Registry

from .models import Dimension, Evaluation
from .selectors import ExplainedScore, score_explanation, score_history

# Each part is ``(*, complex_, year, user) -> dict``: what ``user`` may see of it.
complex_report_parts: Registry[Callable[..., dict]] = Registry("complex report part")


@dataclass
class ComplexReport:
    complex: Complex
    evaluation: Evaluation | None
    dimensions: list[tuple[str, Decimal, Decimal]] = field(default_factory=list)
    # Each indicator's line with its formula, the rescaling note, the bonuses and penalties.
    explained: ExplainedScore | None = None
    # Template context contributed by other apps, e.g. ``allocation``.
    parts: dict = field(default_factory=dict)
    years: list[Evaluation] = field(default_factory=list)


def complex_report(*, complex_: Complex, year: int | None, user) -> ComplexReport:
    """The report for ``year``, or for the complex's latest evaluated year when it is None.
    Funding is what ``user`` may see of it (published rows; drafts for officials)."""
    history = score_history(complex_id=complex_.pk)
    evaluation = next(
        (row for row in history if year is None or row.year == year),
        None,
    )
    report = ComplexReport(complex=complex_, evaluation=evaluation, years=history)
    if evaluation is None:
        return report
    report.explained = score_explanation(evaluation=evaluation)
    weights: dict[str, Decimal] = defaultdict(Decimal)
    points: dict[str, Decimal] = defaultdict(Decimal)
    for row in report.explained.explanation.lines:
        dimension = row.indicator.dimension if row.indicator else ""
        weights[dimension] += Decimal(str(row.line["weight"]))
        points[dimension] += Decimal(str(row.line["points"]))
    report.dimensions = [
        (label, weights[value], points[value])
        for value, label in Dimension.choices
        if value in weights
    ]
    for part in complex_report_parts:
        report.parts.update(part(complex_=complex_, year=evaluation.year, user=user))
    return report
