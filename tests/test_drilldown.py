"""The dashboard's charts and the complex page at the end of its drill-down."""

from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.db.models import DecimalField, Value
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from complexes.models import InstitutionType, Region
from dashboard.elements import ELEMENTS, element_coverage
from dashboard.figures import figures_for
from evaluation import recompute
from evaluation.figures import SCORE_BAND_WIDTH, SCORE_BANDS, score_band
from evaluation.models import Evaluation
from services.models import RequestStatus, ServiceRequest
from services.selectors import delivered_per_quarter

from . import factories
from .evaluation import factories as evaluation
from .services.factories import OfferingFactory, ServiceRequestFactory

YEAR = 2025
SOURCES = sorted({source for element in ELEMENTS for source in element.sources})


@given(st.dictionaries(st.sampled_from(SOURCES), st.integers(0, 10_000)), st.sampled_from(SOURCES))
def test_coverage_stays_between_0_and_100_and_never_falls_when_a_count_grows(counts, grown):
    before = element_coverage(counts)
    after = element_coverage(counts | {grown: counts.get(grown, 0) + 1})
    assert all(0 <= row["coverage"] <= 100 for row in before + after)
    assert all(a["coverage"] >= b["coverage"] for a, b in zip(after, before, strict=True))


def test_an_element_is_covered_in_proportion_up_to_its_full_level():
    rows = {row["key"]: row for row in element_coverage({"members.design": 1, "offerings": 40})}
    assert (rows["design"]["count"], rows["design"]["coverage"]) == (1, 50)
    assert (rows["cloud"]["count"], rows["cloud"]["coverage"]) == (40, 100)
    assert rows["academia"]["coverage"] == 0


@pytest.mark.django_db
def test_every_score_falls_in_the_one_band_that_holds_it():
    # The band is computed in SQL: every edge of every band, in one query.
    scores = sorted(
        {Decimal("100.00")}
        | {
            Decimal(lower) + offset
            for lower in SCORE_BANDS
            for offset in (Decimal("0.00"), Decimal("0.01"), Decimal("9.99"), Decimal("10.00"))
        }
    )
    bands = (
        Region.objects.filter(code="330000")
        .values(
            **{
                f"band_{index}": score_band(
                    Value(score, output_field=DecimalField(max_digits=5, decimal_places=2))
                )
                for index, score in enumerate(scores)
            }
        )
        .get()
    )
    for index, score in enumerate(scores):
        band = bands[f"band_{index}"]
        assert band in SCORE_BANDS
        assert band <= score < band + SCORE_BAND_WIDTH or score == 100 == band + SCORE_BAND_WIDTH


@pytest.fixture
def results():
    """Two Jinhua complexes and one in Hangzhou with published results for YEAR."""
    evaluation.open_period(YEAR)
    complexes = {
        code: factories.ComplexFactory(name=name, region=factories.region(code))
        for code, name in [
            ("330784", "永康五金产业创新服务综合体"),
            ("330782", "义乌小商品产业创新服务综合体"),
            ("330110", "余杭家纺产业创新服务综合体"),
        ]
    }
    for factor, complex_ in zip((1.2, 0.8, 1.0), complexes.values(), strict=True):
        evaluation.approved(complex_, YEAR, factor)
    recompute.evaluation_recompute(year=YEAR)
    return complexes


@pytest.mark.django_db
def test_the_charts_show_the_regions_results_only(client_as, results):
    page = client_as(factories.regional_official("330700")).get("/dashboard/", {"year": YEAR})
    jinhua = Evaluation.objects.filter(year=YEAR, complex__region__code__startswith="3307")
    distribution = page.context["charts"]["distribution"]
    assert sum(sum(series["values"]) for series in distribution["series"]) == jinhua.count() == 2
    for evaluation_ in jinhua:
        band = min(int(evaluation_.score) // 10, 9)
        category = 0 if evaluation_.category == "traditional" else 1
        assert distribution["series"][category]["values"][band] >= 1
    ranked = [row.complex.name for _label, rows in page.context["rankings"] for row in rows]
    assert sorted(ranked) == sorted(e.complex.name for e in jinhua)
    html = page.content.decode()
    assert "余杭家纺产业创新服务综合体" not in html
    assert 'id="score-distribution-data"' in html and 'id="trends-data"' in html


@pytest.mark.django_db
def test_rankings_keep_the_published_rank_and_order(client_as, results):
    page = client_as(factories.provincial_official()).get("/dashboard/", {"year": YEAR})
    for _label, rows in page.context["rankings"]:
        assert [row.rank for row in rows] == sorted(row.rank for row in rows)
    assert sum(len(rows) for _label, rows in page.context["rankings"]) == 3


@pytest.mark.django_db
def test_trends_and_progress_read_the_precomputed_figures(client_as, results):
    page = client_as(factories.provincial_official()).get("/dashboard/", {"year": YEAR})
    figures = figures_for(year=YEAR, region_code="330000")
    trends = page.context["charts"]["trends"]
    assert trends["years"] == [str(year) for year in range(YEAR - 4, YEAR + 1)]
    scores = {s["key"]: s["values"] for s in trends["series"]}
    expected = figures["scores.sum.traditional"] / figures["scores.count.traditional"]
    assert scores["score_traditional"][-1] == float(round(expected, 2))
    assert scores["score_traditional"][:-1] == [None] * 4
    # Years without figures are gaps in every trend, never zeros; each axis names its unit.
    assert all(values[:-1] == [None] * 4 for values in scores.values())
    units = {s["key"]: s["unit"] for s in trends["series"]}
    assert units == {
        "services": "次", "enterprises": "家", "vouchers": "万元", "funds": "万元",
        "satisfaction": "分", "score_traditional": "分", "score_emerging": "分",
    }  # fmt: skip
    distribution = page.context["charts"]["distribution"]
    assert (distribution["xName"], distribution["yName"]) == ("得分段 (分)", "个")
    progress = {row["key"]: row for row in page.context["progress"]}
    assert progress["complexes"]["value"] == figures.get("complexes.level.provincial", 0)
    amount = figures["indicator.tech_transaction_amount"] / Decimal(100_000_000)
    assert progress["transactions"]["value"] == amount
    assert progress["transactions"]["share"] == (amount / 800 * 100).quantize(Decimal("0.1"))


def complete(request: ServiceRequest, when) -> None:
    ServiceRequest.objects.filter(pk=request.pk).update(
        status=RequestStatus.COMPLETED, completed_at=when, rating=5
    )


@pytest.mark.django_db
def test_services_are_counted_in_the_quarter_they_were_completed(yongkang_complex):
    offering = OfferingFactory(complex=yongkang_complex)
    now = timezone.now()
    for when in (now, now, now - timedelta(days=200)):
        complete(ServiceRequestFactory(offering=offering), when)
    complete(ServiceRequestFactory(offering=offering), now - timedelta(days=4 * 366))
    ServiceRequestFactory(offering=offering)  # submitted, not delivered
    quarters = delivered_per_quarter(complex_id=yongkang_complex.pk, quarters=12)
    assert len(quarters) == 12
    assert quarters[-1][1] == 2
    assert sum(count for _label, count in quarters) == 3


@pytest.mark.django_db
def test_the_radar_counts_the_complexes_own_records(client, yongkang_complex, hangzhou_complex):
    for kind in (InstitutionType.UNIVERSITY, InstitutionType.UNIVERSITY, InstitutionType.DESIGN):
        factories.InstitutionFactory(complex=yongkang_complex, type=kind)
    offering = OfferingFactory(complex=yongkang_complex)
    OfferingFactory(complex=yongkang_complex, active=False)
    OfferingFactory(complex=hangzhou_complex)
    enterprise = factories.EnterpriseFactory()
    for _ in range(2):
        complete(ServiceRequestFactory(offering=offering, enterprise=enterprise), timezone.now())
    evaluation.approved(yongkang_complex, YEAR - 1, policies_implemented=2)
    evaluation.approved(yongkang_complex, YEAR, policies_implemented=4)
    page = client.get(f"/complexes/{yongkang_complex.code}/")
    elements = {row["key"]: row for row in page.context["radar"]["elements"]}
    assert elements["academia"]["count"] == 2
    # The offering factory adds a testing member for each of the complex's two offerings.
    assert elements["research"]["count"] == 2
    assert elements["design"]["coverage"] == 50
    assert elements["users"]["count"] == 1
    assert elements["government"]["count"] == 4
    assert elements["cloud"]["count"] == 1
    assert elements["finance"]["count"] == 0
    assert [offering.title for offering in page.context["catalogue"]] == [offering.title]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("viewer", "internal"),
    [("public", False), ("hangzhou", False), ("jinhua", True), ("operator", True)],
)
def test_internal_blocks_only_for_the_region_and_the_operator(
    client, client_as, results, viewer, internal
):
    yongkang = results["330784"]
    users = {
        "hangzhou": lambda: factories.regional_official("330100"),
        "jinhua": lambda: factories.regional_official("330700"),
        "operator": lambda: factories.operator_of(yongkang),
    }
    browser = client_as(users[viewer]()) if viewer in users else client
    page = browser.get(f"/complexes/{yongkang.code}/")
    html = page.content.decode()
    assert 'id="elements-data"' in html
    for block in ("reports-heading", "score-heading", "services-time-heading"):
        assert (f'id="{block}"' in html) is internal, block
    assert (f"/evaluation/results/{yongkang.code}/" in html) is internal
    if internal:
        score = Evaluation.objects.get(complex=yongkang, year=YEAR)
        dimensions = page.context["internal"]["dimensions"]
        assert sum(row["weight"] for row in dimensions) == 100
        points = sum(row["points"] for row in dimensions)
        assert points.quantize(Decimal("0.01"), ROUND_HALF_UP) == score.score  # no adjustment
