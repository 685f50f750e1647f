"""The scoring engine: scores, ranks, grades and breakdowns of one category's complexes.

Pure computation in Decimal, no ORM: services feed it rows and save its answer. The rules
(docs/EVALUATION.md):

- Each weighted indicator's values are normalised to [0, 1] across the category: ``ratio to
  best`` divides by the category's best value (for a lower-is-better indicator, the best value
  is divided by the complex's), ``min–max`` places the value between the category's worst and
  best. When every value is the same, min–max gives 1 (0 when they are all zero and higher is
  better).
- A present value earns ``floor × weight`` points plus ``(1 − floor) × weight × normalised``;
  a value missing for a complex earns 0 points for that indicator.
- An indicator no complex of the category has a value for (a source not plugged in yet) is left
  out, and the remaining weights are scaled up to sum to 100.
- The indicators' points make the data score. With an expert score (``expert_score``: the
  mean of the submitted reviews' totals, the highest and the lowest dropped when there are 5 or
  more), the score is ``data × w + expert × (1 − w)``, w the scheme's ``data_weight``; without
  one, the data score alone.
- Bonus and penalty points are added, the score is clamped to [0, 100] and rounded half-up to
  2 places; complexes with equal scores share a rank (1, 2, 2, 4).
- The excellent quota (``excellent_quota_percent``, none when ``None``): at most
  ⌊n × q / 100⌋ of the category's n complexes are graded excellent, but at least one when q is
  above 0; a complex above the excellent threshold beyond the quota is graded good. Complexes
  tied at the quota's boundary are graded alike: when the whole tie does not fit in the quota,
  all of it goes to good.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal, localcontext

ZERO = Decimal(0)
ONE = Decimal(1)
HUNDRED = Decimal(100)
CENT = Decimal("0.01")
FOUR_PLACES = Decimal("0.0001")

RATIO_TO_BEST = "ratio_to_best"
MIN_MAX = "min_max"

EXCELLENT, GOOD, PASS, FAIL = "excellent", "good", "pass", "fail"


@dataclass(frozen=True)
class WeightedIndicator:
    code: str
    weight: Decimal
    higher_is_better: bool = True


@dataclass(frozen=True)
class Scheme:
    indicators: tuple[WeightedIndicator, ...]
    normalization: str = RATIO_TO_BEST
    floor: Decimal = Decimal("0.5")
    excellent_from: Decimal = Decimal(85)
    good_from: Decimal = Decimal(75)
    pass_from: Decimal = Decimal(60)
    data_weight: Decimal = Decimal("0.4")
    excellent_quota_percent: Decimal | None = None

    def __post_init__(self):
        if sum((item.weight for item in self.indicators), ZERO) != HUNDRED:
            raise ValueError("The weights of a scheme must sum to 100.")
        if any(item.weight <= 0 for item in self.indicators):
            raise ValueError("Every weight must be positive.")
        if self.normalization not in (RATIO_TO_BEST, MIN_MAX):
            raise ValueError(f"Unknown normalisation {self.normalization!r}.")
        if not ZERO <= self.floor <= ONE:
            raise ValueError("The base share must lie between 0 and 1.")
        if not ZERO <= self.pass_from <= self.good_from <= self.excellent_from <= HUNDRED:
            raise ValueError("Grade thresholds must rise from pass to excellent within 0–100.")
        if not ZERO <= self.data_weight <= ONE:
            raise ValueError("The weight of the data score must lie between 0 and 1.")
        quota = self.excellent_quota_percent
        if quota is not None and not ZERO <= quota <= HUNDRED:
            raise ValueError("The excellent quota must lie between 0 and 100 per cent.")

    def excellent_places(self, count: int) -> int | None:
        """How many of a category's ``count`` complexes may be graded excellent (None: any)."""
        if self.excellent_quota_percent is None:
            return None
        if self.excellent_quota_percent == 0:
            return 0
        places = (count * self.excellent_quota_percent / HUNDRED).to_integral_value(ROUND_FLOOR)
        return max(1, int(places))

    def grade(self, score: Decimal) -> str:
        if score >= self.excellent_from:
            return EXCELLENT
        if score >= self.good_from:
            return GOOD
        if score >= self.pass_from:
            return PASS
        return FAIL


@dataclass(frozen=True)
class ComplexInput:
    complex_id: int
    values: Mapping[str, Decimal]
    adjustment: Decimal = ZERO
    # The expert score (0–100) or None when no expert review was submitted.
    expert_score: Decimal | None = None


@dataclass(frozen=True)
class BreakdownLine:
    indicator: str
    value: Decimal | None
    normalized: Decimal
    weight: Decimal
    points: Decimal


@dataclass(frozen=True)
class ComplexScore:
    complex_id: int
    score: Decimal
    rank: int
    grade: str
    adjustment: Decimal
    breakdown: tuple[BreakdownLine, ...] = field(default_factory=tuple)
    data_score: Decimal | None = None
    expert_score: Decimal | None = None


def score_category(scheme: Scheme, complexes: Iterable[ComplexInput]) -> list[ComplexScore]:
    """Score, rank and grade one category's complexes; the answer is ordered by rank, then id,
    whatever the order of the input."""
    inputs = sorted(complexes, key=lambda item: item.complex_id)
    if len({item.complex_id for item in inputs}) != len(inputs):
        raise ValueError("A complex appears twice.")
    with localcontext() as context:
        context.prec = 34
        # Each indicator's worst and best value in the category, computed once.
        ranges = {}
        for indicator in scheme.indicators:
            present = [item.values[indicator.code] for item in inputs if _has(item, indicator)]
            if present:
                ranges[indicator.code] = (min(present), max(present))
        active_weight = sum(
            (indicator.weight for indicator in scheme.indicators if indicator.code in ranges), ZERO
        )
        scale = HUNDRED / active_weight if active_weight else ZERO
        effective_weights = {
            indicator.code: indicator.weight * scale if indicator.code in ranges else ZERO
            for indicator in scheme.indicators
        }
        unranked, data_scores = [], {}
        for item in inputs:
            lines = []
            total = ZERO
            for indicator in scheme.indicators:
                value = item.values.get(indicator.code) if _has(item, indicator) else None
                effective_weight = effective_weights[indicator.code]
                if value is None:
                    normalized, points = ZERO, ZERO
                else:
                    normalized = _normalize(scheme, indicator, value, *ranges[indicator.code])
                    points = effective_weight * (scheme.floor + (ONE - scheme.floor) * normalized)
                total += points
                lines.append(
                    BreakdownLine(
                        indicator=indicator.code,
                        value=value,
                        normalized=normalized.quantize(FOUR_PLACES, ROUND_HALF_UP),
                        weight=effective_weight.quantize(FOUR_PLACES, ROUND_HALF_UP),
                        points=points.quantize(FOUR_PLACES, ROUND_HALF_UP),
                    )
                )
            data_scores[item.complex_id] = _clamped(total)
            combined = combined_score(total, item.expert_score, data_weight=scheme.data_weight)
            score = _clamped(combined + item.adjustment)
            unranked.append((item, score, tuple(lines)))
    experts = {item.complex_id: item.expert_score for item in inputs}
    return [
        replace(
            result,
            data_score=data_scores[result.complex_id],
            expert_score=experts[result.complex_id],
        )
        for result in _ranked(scheme, unranked)
    ]


def combined_score(data: Decimal, expert: Decimal | None, *, data_weight: Decimal) -> Decimal:
    """The data score × w + the expert score × (1 − w); the data score alone without experts."""
    if expert is None:
        return data
    return data * data_weight + expert * (ONE - data_weight)


# From this many submitted reviews on, the highest and the lowest total are dropped.
TRIM_FROM = 5


def expert_score(totals: Iterable[Decimal]) -> Decimal | None:
    """The mean of the submitted reviews' totals, dropping the highest and the lowest when there
    are ``TRIM_FROM`` or more, rounded half-up to 2 places; None without a review."""
    ordered = sorted(totals)
    if not ordered:
        return None
    if len(ordered) >= TRIM_FROM:
        ordered = ordered[1:-1]
    with localcontext() as context:
        context.prec = 34
        return (sum(ordered, ZERO) / len(ordered)).quantize(CENT, ROUND_HALF_UP)


def _clamped(points: Decimal) -> Decimal:
    return min(HUNDRED, max(ZERO, points)).quantize(CENT, ROUND_HALF_UP)


def _has(item: ComplexInput, indicator: WeightedIndicator) -> bool:
    return item.values.get(indicator.code) is not None


def _normalize(
    scheme: Scheme, indicator: WeightedIndicator, value: Decimal, low: Decimal, high: Decimal
) -> Decimal:
    if scheme.normalization == RATIO_TO_BEST:
        if indicator.higher_is_better:
            return value / high if high > 0 else ZERO
        return low / value if value > 0 else ONE
    if high == low:
        return ONE if (value > 0 or not indicator.higher_is_better) else ZERO
    if indicator.higher_is_better:
        return (value - low) / (high - low)
    return (high - value) / (high - low)


def _ranked(scheme: Scheme, unranked) -> list[ComplexScore]:
    ordered = sorted(unranked, key=lambda row: (-row[1], row[0].complex_id))
    places = scheme.excellent_places(len(ordered))
    # The last position each score's tie reaches: a tie is excellent only when all of it fits.
    tie_ends = {score: position for position, (_item, score, _lines) in enumerate(ordered, 1)}
    results, rank, previous = [], 0, None
    for position, (item, score, lines) in enumerate(ordered, 1):
        if score != previous:
            rank, previous = position, score
        grade = scheme.grade(score)
        if grade == EXCELLENT and places is not None and tie_ends[score] > places:
            grade = GOOD
        results.append(
            ComplexScore(
                complex_id=item.complex_id,
                score=score,
                rank=rank,
                grade=grade,
                adjustment=item.adjustment,
                breakdown=lines,
            )
        )
    return results


def median(values: list[Decimal]) -> Decimal | None:
    """The median of a list of Decimals (the mean of the middle two for an even count)."""
    if not values:
        return None
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) / 2
