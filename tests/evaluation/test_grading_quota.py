"""The excellent quota of the scoring engine: at most ⌊n × q / 100⌋ of a category's complexes
(at least one) are excellent, the next ones good; a tie at the boundary that does not fit goes
to good whole."""

from decimal import Decimal

import pytest

from evaluation.scoring import (
    EXCELLENT,
    GOOD,
    PASS,
    ComplexInput,
    Scheme,
    WeightedIndicator,
    score_category,
)


def scheme(quota):
    return Scheme(
        indicators=(WeightedIndicator(code="x", weight=Decimal(100)),),
        floor=Decimal(0),
        excellent_from=Decimal(50),
        good_from=Decimal(40),
        pass_from=Decimal(30),
        excellent_quota_percent=None if quota is None else Decimal(quota),
    )


def grades(quota, values):
    """Grades by complex id of complexes whose single indicator takes ``values`` (ratio to the
    best, floor 0: the score is 100 × value / best)."""
    rows = [
        ComplexInput(complex_id, {"x": Decimal(value)})
        for complex_id, value in enumerate(values, 1)
    ]
    return [
        row.grade for row in sorted(score_category(scheme(quota), rows), key=lambda r: r.complex_id)
    ]


def test_exactly_n_times_q_complexes_are_excellent():
    # 20 complexes, 15 %: exactly 3 places; all 20 are above the threshold.
    result = grades(15, range(100, 80, -1))
    assert result[:3] == [EXCELLENT] * 3
    assert result[3:] == [GOOD] * 17


def test_one_over_the_quota_rounds_down():
    # 21 complexes × 15 % = 3.15: still 3 places, the fourth is good.
    result = grades(15, range(100, 79, -1))
    assert result.count(EXCELLENT) == 3 and result[3] == GOOD
    # 26 × 15 % = 3.9: 3 places; 27 × 15 % = 4.05: 4.
    assert grades(15, range(100, 74, -1)).count(EXCELLENT) == 3
    assert grades(15, range(100, 73, -1)).count(EXCELLENT) == 4


def test_a_small_category_keeps_one_excellent_place():
    assert grades(15, [100, 99, 98]) == [EXCELLENT, GOOD, GOOD]


def test_a_tie_that_would_exceed_the_quota_goes_to_good_whole():
    # 20 complexes, 3 places; the 3rd and 4th tie: both are good, only two are excellent.
    values = [100, 99, 98, 98, *range(97, 81, -1)]
    result = grades(15, values)
    assert result[:4] == [EXCELLENT, EXCELLENT, GOOD, GOOD]
    # A tie that ends exactly on the last place fits.
    values = [100, 98, 98, *range(97, 80, -1)]
    assert grades(15, values)[:4] == [EXCELLENT, EXCELLENT, EXCELLENT, GOOD]


def test_the_quota_never_lifts_a_grade_and_no_quota_keeps_the_thresholds():
    # Only one complex is above the threshold: the quota's 3 places do not make others excellent.
    result = grades(15, [100, *([35] * 19)])
    assert result == [EXCELLENT] + [PASS] * 19
    assert grades(None, range(100, 80, -1)).count(EXCELLENT) == 20
    assert grades(0, range(100, 80, -1)).count(EXCELLENT) == 0


def test_the_quota_lies_between_0_and_100():
    with pytest.raises(ValueError):
        scheme(101)
