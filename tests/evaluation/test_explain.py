"""Issue 15, item 4: every score explains itself — each indicator's formula with the numbers
substituted, the weights rescaled when an indicator had no values, the rank as "30 / 33", and
the bonuses and penalties with reason and approver, on the score page and in the PDF."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from complexes.models import Category
from evaluation import explain, selectors
from evaluation.models import Adjustment, AdjustmentStatus, Evaluation, EvaluationRun, Grade
from evaluation.scoring import MIN_MAX, RATIO_TO_BEST
from tests import factories
from tests.funding import factories as funding_factories

pytestmark = pytest.mark.django_db

YEAR = 2025
KNOWN = "53.00 ÷ category best 346.00 = 0.1532; 5 × (0.5 + 0.5 × 0.1532) = 2.88"


def line(code, value, normalized, weight, points):
    return {
        "indicator": code,
        "value": value,
        "normalized": normalized,
        "weight": weight,
        "points": points,
    }


@pytest.fixture
def scored(yongkang_complex):
    """Yongkang's 53 talent teams against the category's best, 346 (default scheme: ratio to the
    best, base share 0.5); no complex had a value for services_delivered."""
    best = factories.ComplexFactory(region=factories.region("330782"))
    ours = funding_factories.evaluated(yongkang_complex, YEAR, "2.88", Grade.FAIL, rank=2)
    theirs = funding_factories.evaluated(best, YEAR, "5.00", Grade.FAIL, rank=1)
    ours.breakdown = [
        line("talent_teams", "53.00", "0.1532", "5.0000", "2.8830"),
        line("services_delivered", None, "0", "0", "0"),
    ]
    theirs.breakdown = [
        line("talent_teams", "346.00", "1.0000", "5.0000", "5.0000"),
        line("services_delivered", None, "0", "0", "0"),
    ]
    Evaluation.objects.bulk_update([ours, theirs], ["breakdown"])
    return ours


def test_the_score_page_shows_the_formula_with_the_numbers(client_as, scored, yongkang_complex):
    province = factories.provincial_official(language="en")
    client = client_as(province)
    page = client.get(
        reverse("evaluation:score", args=[yongkang_complex.code]), HTTP_ACCEPT_LANGUAGE="en"
    )
    body = page.content.decode()
    with translation.override("en"):
        assert KNOWN in body
        assert "No complex of the category has a value: left out, 0 points." in body
        assert "2 / 2" in body
        rescaled = page.context["explained"].explanation.rescaled
        assert "100 ÷ 94" in rescaled  # services_delivered's 6 of the 100 left out


def test_the_formula_reads_in_chinese(scored):
    with translation.override("zh-hans"):
        explained = selectors.score_explanation(evaluation=scored).explanation
    assert explained.lines[0].formula == (
        "53.00 ÷ 类别最优值 346.00 = 0.1532; 5 × (0.5 + 0.5 × 0.1532) = 2.88"
    )


@pytest.mark.parametrize(
    ("normalization", "higher_is_better", "value", "expected"),
    [
        (RATIO_TO_BEST, True, "53", "53.00 ÷ category best 346.00 = 0.1532"),
        (RATIO_TO_BEST, False, "53", "category best 10.00 ÷ 53.00 = 0.1532"),
        (RATIO_TO_BEST, False, "0", "0 is the best possible value, so the normalised value is 1"),
        (
            MIN_MAX,
            True,
            "53",
            "(53.00 − category worst 10.00) ÷ (category best 346.00 − category worst 10.00) "
            "= 0.1532",
        ),
        (
            MIN_MAX,
            False,
            "53",
            "(category worst 346.00 − 53.00) ÷ (category worst 346.00 − category best 10.00) "
            "= 0.1532",
        ),
    ],
    ids=["ratio", "ratio-lower", "ratio-lower-zero", "min-max", "min-max-lower"],
)
def test_each_normalisation_has_its_formula(normalization, higher_is_better, value, expected):
    with translation.override("en"):
        text = explain.normalization_formula(
            normalization=normalization,
            higher_is_better=higher_is_better,
            value=Decimal(value),
            lowest=Decimal(10),
            highest=Decimal(346),
            normalized="0.1532",
        )
    assert text == expected


def test_the_rank_reads_30_of_33_on_every_page(client_as, api_as, yongkang_complex):
    """Thirty-three traditional complexes ranked in 2025; Yongkang is 30th. Filters do not
    change the number ranked."""
    others = factories.ComplexFactory.create_batch(32, region=factories.region("330106"))
    for position, complex_ in enumerate(others[:29], 1):
        funding_factories.evaluated(complex_, YEAR, str(90 - position), Grade.GOOD, rank=position)
    funding_factories.evaluated(yongkang_complex, YEAR, "60.00", Grade.PASS, rank=30)
    for position, complex_ in enumerate(others[29:], 31):
        funding_factories.evaluated(complex_, YEAR, str(90 - position), Grade.FAIL, rank=position)
    funding_factories.evaluated(
        factories.ComplexFactory(category=Category.EMERGING, region=factories.region("330106")),
        YEAR,
        "70.00",
        Grade.PASS,
    )
    province = factories.provincial_official()
    client = client_as(province)
    score = client.get(reverse("evaluation:score", args=[yongkang_complex.code]))
    assert '<div class="display-6" data-rank>30 / 33</div>' in score.content.decode()
    rankings = client.get(reverse("evaluation:rankings"), {"year": YEAR, "region": "330700"})
    assert "30 / 33" in rankings.content.decode()
    body = api_as(province).get("/api/v1/evaluations/", {"year": YEAR, "region": "330784"}).json()
    assert [(row["rank"], row["ranked_of"]) for row in body["results"]] == [(30, 33)]
    pdf = client.get(reverse("evaluation:score_pdf", args=[yongkang_complex.code]))
    assert pdf.status_code == 200


def test_the_page_lists_the_counted_adjustments_with_reason_and_approver(
    client_as, scored, yongkang_complex
):
    city = factories.regional_official("330700", username="li-keke")
    province = factories.provincial_official(username="wang-chuzhang")
    Adjustment.objects.create(
        complex=yongkang_complex,
        year=YEAR,
        item_code="national_award",
        reason="获国家级科技奖",
        status=AdjustmentStatus.APPROVED,
        proposed_by=city,
        decided_by=province,
        decided_at=timezone.now(),
        decision_note="属实",
    )
    # The year's results are computed again after the decision: the item now counts.
    EvaluationRun.objects.filter(year=YEAR).update(computed_at=timezone.now())
    page = client_as(province).get(reverse("evaluation:score", args=[yongkang_complex.code]))
    body = page.content.decode()
    assert "获国家级科技奖" in body and "属实" in body
    assert "li-keke" in body and "wang-chuzhang" in body
    explained = page.context["explained"]
    assert [a.item_code for a in explained.counted] == ["national_award"]
    with translation.override("en"):
        recomputed = Evaluation.objects.get(pk=scored.pk)  # with its run as it is now
        assert selectors.score_explanation(evaluation=recomputed).explanation.total == (
            "Indicator points 2.88, bonuses and penalties +3.00: 2.88"
        )


def test_score_page_queries_do_not_grow_with_the_category(
    client_as, scored, yongkang_complex, django_assert_num_queries
):
    client = client_as(factories.provincial_official())
    url = reverse("evaluation:score", args=[yongkang_complex.code])
    client.get(url)
    # session, user, inbox count, complex, result (with its run), scheme weights with their
    # indicators, adjustment items, adjustments, category results, indicators, published
    # years, the year's publication and its schemes, decisions.
    with django_assert_num_queries(14):
        client.get(url)
    for _ in range(5):
        funding_factories.evaluated(
            factories.ComplexFactory(region=factories.region("330782")), YEAR, "1.00", Grade.FAIL
        )
    with django_assert_num_queries(14):
        client.get(url)


def test_the_pdf_shows_the_formula_the_rank_and_the_adjustments(scored, yongkang_complex):
    """The PDF is rendered from this HTML (portal.pdf)."""
    from django.template.loader import render_to_string

    from evaluation.complex_report import complex_report

    Adjustment.objects.create(
        complex=yongkang_complex,
        year=YEAR,
        item_code="reform_pilot",
        reason="承担省级改革试点",
        status=AdjustmentStatus.PROPOSED,
    )
    province = factories.provincial_official()
    with translation.override("en"):
        report = complex_report(complex_=yongkang_complex, year=YEAR, user=province)
        html = render_to_string("evaluation/complex_report_pdf.html", {"report": report})
    assert KNOWN in html
    assert "2 / 2" in html
    assert "100 ÷ 94" in html
    assert "承担省级改革试点" in html
