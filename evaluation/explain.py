"""Each score explains itself: for every indicator of a result, the formula of its scheme's
normalisation with the numbers substituted, e.g. "53.00 ÷ category best 346.00 = 0.1532;
5 × (0.5 + 0.5 × 0.1532) = 2.88", a note when weights were rescaled, and the sum that makes the
score.

Built from what was stored when the result was computed: the breakdown of each result of the
category that year (the category's best and worst values are the extremes of their values, as
in ``scoring.score_category``) and the result's scheme, frozen once published. The rules are
``evaluation/scoring.py``'s; this module only writes them out.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _

from .models import Evaluation, EvaluationScheme, Indicator
from .scoring import MIN_MAX, ONE, ZERO


@dataclass(frozen=True)
class ExplainedLine:
    indicator: Indicator | None
    line: dict
    benchmark: dict
    formula: str


@dataclass(frozen=True)
class Explanation:
    lines: list[ExplainedLine] = field(default_factory=list)
    # Why the weights differ from the scheme's, or "".
    rescaled: str = ""
    # Indicator points + bonuses and penalties = score; with experts, the two halves.
    total: str = ""
    # The two halves of the score with the formula, or why the data score stands alone.
    halves: str = ""


def _amount(value) -> str:
    return f"{Decimal(value):.2f}"


def _short(value) -> str:
    """A weight or share without trailing zeros: 5.0000 → 5, 5.2632 stays, 0.50 → 0.5."""
    text = format(Decimal(value).normalize(), "f")
    return text


def normalization_formula(
    *,
    normalization: str,
    higher_is_better: bool,
    value: Decimal,
    lowest: Decimal,
    highest: Decimal,
    normalized: str,
) -> str:
    """How ``scoring._normalize`` turned ``value`` into ``normalized`` given the category's
    ``lowest`` and ``highest`` values, with the numbers substituted."""
    numbers = {"value": _amount(value), "normalized": normalized}
    if normalization == MIN_MAX:
        if highest == lowest:
            return (
                _(
                    "every value of the category is %(value)s, so the normalised value is "
                    "%(normalized)s"
                )
                % numbers
            )
        if higher_is_better:
            return _(
                "(%(value)s − category worst %(worst)s) ÷ (category best %(best)s − category "
                "worst %(worst)s) = %(normalized)s"
            ) % {**numbers, "best": _amount(highest), "worst": _amount(lowest)}
        return _(
            "(category worst %(worst)s − %(value)s) ÷ (category worst %(worst)s − category best "
            "%(best)s) = %(normalized)s"
        ) % {**numbers, "best": _amount(lowest), "worst": _amount(highest)}
    if higher_is_better:
        if highest <= ZERO:
            return _("the category best is 0, so the normalised value is 0")
        return _("%(value)s ÷ category best %(best)s = %(normalized)s") % {
            **numbers,
            "best": _amount(highest),
        }
    if value <= ZERO:
        return _("0 is the best possible value, so the normalised value is 1")
    return _("category best %(best)s ÷ %(value)s = %(normalized)s") % {
        **numbers,
        "best": _amount(lowest),
    }


def points_formula(*, weight: str, floor: Decimal, normalized: str, points: str) -> str:
    """weight × (base share + (1 − base share) × normalised) = points."""
    return (
        f"{_short(weight)} × ({_short(floor)} + {_short(ONE - floor)} × {normalized}) "
        f"= {_amount(points)}"
    )


def line_formula(*, line: dict, scheme: EvaluationScheme, indicator, benchmark: dict) -> str:
    if Decimal(line["weight"]) == ZERO:
        return _("No complex of the category has a value: left out, 0 points.")
    if line["value"] is None:
        return _("No value for this year: 0 points.")
    normalized = normalization_formula(
        normalization=scheme.normalization,
        higher_is_better=indicator.higher_is_better if indicator else True,
        value=Decimal(line["value"]),
        lowest=benchmark["lowest"],
        highest=benchmark["highest"],
        normalized=line["normalized"],
    )
    points = points_formula(
        weight=line["weight"],
        floor=scheme.floor,
        normalized=line["normalized"],
        points=line["points"],
    )
    return f"{normalized}; {points}"


def explain(
    *,
    evaluation: Evaluation,
    benchmarks: dict[str, dict],
    indicators: dict[str, Indicator],
    adjustment_points: Decimal = ZERO,
) -> Explanation:
    """Explain ``evaluation`` line by line. ``benchmarks`` are
    ``selectors.category_benchmarks`` of its year and category; ``evaluation.scheme`` has its
    weights prefetched; ``adjustment_points`` is the sum of its approved bonuses and
    penalties."""
    scheme = evaluation.scheme
    lines = [
        ExplainedLine(
            indicator=indicators.get(line["indicator"]),
            line=line,
            benchmark=benchmarks.get(line["indicator"], {}),
            formula=line_formula(
                line=line,
                scheme=scheme,
                indicator=indicators.get(line["indicator"]),
                benchmark=benchmarks.get(line["indicator"], {}),
            ),
        )
        for line in evaluation.breakdown
    ]
    return Explanation(
        lines=lines,
        rescaled=_rescaled_note(scheme=scheme, lines=lines),
        total=_total(evaluation=evaluation, lines=lines, adjustment_points=adjustment_points),
        halves=_halves(evaluation=evaluation, adjustment_points=adjustment_points),
    )


def _halves(*, evaluation: Evaluation, adjustment_points) -> str:
    """Data score × w + expert score × (1 − w) = score, or why the data score stands alone
    (nothing for results computed before expert review)."""
    if evaluation.data_score is None:
        return ""
    if evaluation.expert_score is None:
        return _(
            "No expert review was submitted for this year: the score is the data score "
            "%(data)s alone."
        ) % {"data": _amount(evaluation.data_score)}
    weight = evaluation.scheme.data_weight
    numbers = {
        "data": _amount(evaluation.data_score),
        "weight": _short(weight),
        "expert": _amount(evaluation.expert_score),
        "rest": _short(ONE - weight),
        "adjustment": f"{adjustment_points:+.2f}",
        "score": _amount(evaluation.score),
    }
    if adjustment_points:
        return (
            _(
                "Data score %(data)s × %(weight)s + expert score %(expert)s × %(rest)s, "
                "bonuses and penalties %(adjustment)s = %(score)s"
            )
            % numbers
        )
    return _(
        "Data score %(data)s × %(weight)s + expert score %(expert)s × %(rest)s = %(score)s"
    ) % (numbers)


def _rescaled_note(*, scheme: EvaluationScheme, lines: list[ExplainedLine]) -> str:
    left_out = [item for item in lines if Decimal(item.line["weight"]) == ZERO]
    if not left_out:
        return ""
    left_out_codes = {item.line["indicator"] for item in left_out}
    active = sum(
        (
            weight.weight
            for weight in scheme.weights.all()
            if weight.indicator.code not in left_out_codes
        ),
        ZERO,
    )
    return _(
        "No complex of the category had a value for %(indicators)s that year: left out, and "
        "the other weights multiplied by 100 ÷ %(active)s so that they sum to 100."
    ) % {
        "indicators": "、".join(
            str(item.indicator.name if item.indicator else item.line["indicator"])
            for item in left_out
        ),
        "active": _short(active),
    }


def _total(*, evaluation: Evaluation, lines: list[ExplainedLine], adjustment_points) -> str:
    points = sum((Decimal(item.line["points"]) for item in lines), ZERO)
    if evaluation.expert_score is not None:
        # The indicators' points make the data score; the halves say how the score follows.
        return _("Indicator points %(points)s: data score %(data)s") % {
            "points": _amount(points),
            "data": _amount(evaluation.data_score),
        }
    numbers = {
        "points": _amount(points),
        "adjustment": f"{adjustment_points:+.2f}",
        "score": _amount(evaluation.score),
    }
    if adjustment_points:
        text = _("Indicator points %(points)s, bonuses and penalties %(adjustment)s: %(score)s")
    else:
        text = _("Indicator points %(points)s: %(score)s")
    clamped = points + adjustment_points
    if clamped > 100 or clamped < 0:
        text += " " + _("(kept between 0 and 100)")
    return text % numbers
