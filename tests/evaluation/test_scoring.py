"""The scoring engine's invariants, checked with hypothesis, and its rules on exact examples."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from evaluation.scoring import (
    MIN_MAX,
    RATIO_TO_BEST,
    ComplexInput,
    Scheme,
    WeightedIndicator,
    median,
    score_category,
)

CODES = ["a", "b", "c", "d"]

values = st.decimals(min_value=0, max_value=10**9, places=2, allow_nan=False)


@st.composite
def schemes(draw):
    count = draw(st.integers(min_value=1, max_value=len(CODES)))
    cuts = sorted(
        draw(st.lists(st.integers(1, 99), min_size=count - 1, max_size=count - 1, unique=True))
    )
    bounds = [0, *cuts, 100]
    indicators = tuple(
        WeightedIndicator(
            code=CODES[i],
            weight=Decimal(bounds[i + 1] - bounds[i]),
            higher_is_better=draw(st.booleans()),
        )
        for i in range(count)
    )
    return Scheme(
        indicators=indicators,
        normalization=draw(st.sampled_from([RATIO_TO_BEST, MIN_MAX])),
        floor=draw(st.decimals(min_value=0, max_value=1, places=2)),
    )


@st.composite
def categories(draw):
    scheme = draw(schemes())
    count = draw(st.integers(min_value=1, max_value=8))
    complexes = [
        ComplexInput(
            complex_id=complex_id,
            values={
                item.code: draw(st.one_of(st.none(), values) if complex_id % 3 == 0 else values)
                for item in scheme.indicators
            },
            adjustment=draw(st.sampled_from([Decimal(0), Decimal(0), Decimal(3), Decimal(-10)])),
        )
        for complex_id in range(1, count + 1)
    ]
    return scheme, complexes


@given(categories())
def test_scores_stay_within_0_and_100_with_two_places(category):
    scheme, complexes = category
    for result in score_category(scheme, complexes):
        assert Decimal(0) <= result.score <= Decimal(100)
        assert result.score == result.score.quantize(Decimal("0.01"))


@given(categories(), st.randoms())
def test_identical_inputs_give_identical_outputs_in_any_order(category, random):
    scheme, complexes = category
    shuffled = list(complexes)
    random.shuffle(shuffled)
    assert score_category(scheme, shuffled) == score_category(scheme, complexes)


@given(categories(), st.data())
def test_improving_a_higher_is_better_value_never_lowers_that_score(category, data):
    scheme, complexes = category
    candidates = [
        (item, indicator.code)
        for item in complexes
        for indicator in scheme.indicators
        if indicator.higher_is_better and item.values[indicator.code] is not None
    ]
    if not candidates:
        return
    item, code = data.draw(st.sampled_from(candidates))
    increase = data.draw(st.decimals(min_value=0, max_value=10**8, places=2))
    improved = ComplexInput(
        complex_id=item.complex_id,
        values={**item.values, code: item.values[code] + increase},
        adjustment=item.adjustment,
    )
    others = [other for other in complexes if other.complex_id != item.complex_id]
    before = _score_of(score_category(scheme, complexes), item.complex_id)
    after = _score_of(score_category(scheme, [*others, improved]), item.complex_id)
    assert after >= before


@given(categories())
def test_ties_share_a_rank_and_ranks_follow_scores(category):
    scheme, complexes = category
    results = score_category(scheme, complexes)
    for position, result in enumerate(results, 1):
        higher = [other for other in results if other.score > result.score]
        assert result.rank == len(higher) + 1
        assert result.rank <= position


def _score_of(results, complex_id):
    return next(result.score for result in results if result.complex_id == complex_id)


def test_ratio_to_best_with_a_base_share_on_exact_values():
    scheme = Scheme(
        indicators=(WeightedIndicator("a", Decimal(60)), WeightedIndicator("b", Decimal(40))),
        floor=Decimal("0.5"),
    )
    results = score_category(
        scheme,
        [
            ComplexInput(1, {"a": Decimal(100), "b": Decimal(10)}),
            ComplexInput(2, {"a": Decimal(50), "b": Decimal(20)}),
            ComplexInput(3, {"a": Decimal(50), "b": Decimal(20)}),
            ComplexInput(4, {"a": Decimal(0), "b": None}, adjustment=Decimal(-5)),
        ],
    )
    # 1: 60 + 40 × (0.5 + 0.5 × 0.5) = 90; 2 and 3: 60 × 0.75 + 40 = 85; 4: 30 − 5 = 25.
    assert [(r.complex_id, r.score, r.rank, r.grade) for r in results] == [
        (1, Decimal("90.00"), 1, "excellent"),
        (2, Decimal("85.00"), 2, "excellent"),
        (3, Decimal("85.00"), 2, "excellent"),
        (4, Decimal("25.00"), 4, "fail"),
    ]
    line = results[3].breakdown[1]
    assert (line.indicator, line.value, line.normalized, line.points) == ("b", None, 0, 0)


def test_indicator_without_any_value_is_left_out_and_weights_rescaled():
    scheme = Scheme(
        indicators=(WeightedIndicator("a", Decimal(80)), WeightedIndicator("b", Decimal(20))),
        normalization=MIN_MAX,
        floor=Decimal(0),
    )
    results = score_category(
        scheme, [ComplexInput(1, {"a": Decimal(10)}), ComplexInput(2, {"a": Decimal(5)})]
    )
    assert [(r.complex_id, r.score, r.grade) for r in results] == [
        (1, Decimal("100.00"), "excellent"),
        (2, Decimal("0.00"), "fail"),
    ]
    assert [line.weight for line in results[0].breakdown] == [Decimal(100), Decimal(0)]


def test_grade_thresholds_are_inclusive():
    scheme = Scheme(indicators=(WeightedIndicator("a", Decimal(100)),))
    assert [scheme.grade(Decimal(s)) for s in ("85", "84.99", "75", "60", "59.99")] == [
        "excellent",
        "good",
        "good",
        "pass",
        "fail",
    ]


def test_a_scheme_refuses_weights_not_summing_to_100():
    with pytest.raises(ValueError):
        Scheme(indicators=(WeightedIndicator("a", Decimal(99)),))


def test_median():
    assert median([]) is None
    assert median([Decimal(3), Decimal(1), Decimal(2)]) == 2
    assert median([Decimal(4), Decimal(1), Decimal(2), Decimal(3)]) == Decimal("2.5")
