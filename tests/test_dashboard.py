import json
import re
from collections import defaultdict
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models import Count
from django.test.utils import CaptureQueriesContext

from accounts.models import User
from complexes.models import Complex, Institution, Region
from dashboard.figures import figures_for, figures_refresh, per_complex_sql
from dashboard.models import RegionFigure
from dashboard.selectors import current_year

from . import factories
from .evaluation.factories import draft_run

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded():
    call_command("seed_demo", only=["accounts", "complexes", "dashboard"], stdout=StringIO())


def test_summary_counts_equal_independent_counts(seeded, api_as):
    province = User.objects.get(username="province")
    body = api_as(province).get("/api/v1/dashboard/summary/", {"region": "330700"}).json()
    jinhua = Complex.objects.filter(region__code__startswith="3307")
    assert body["region"] == "330700" and body["year"] == current_year()
    assert body["complexes"]["total"] == jinhua.count()
    assert body["complexes"]["by_level"] == {
        level: jinhua.filter(level=level).count() for level in ("provincial", "city", "county")
    }
    assert sum(body["complexes"]["by_status"].values()) == jinhua.count()
    # The members at the end of the year: the demo's members that left before are not counted.
    members = Institution.objects.as_of(current_year()).filter(
        complex__region__code__startswith="3307"
    )
    assert Institution.objects.exclude(left_year=None).exists()
    assert Decimal(body["members"]["total"]) == members.count()
    by_type = dict(members.values_list("type").annotate(n=Count("id")))
    assert {
        key: Decimal(value) for key, value in body["members"]["by_type"].items() if Decimal(value)
    } == {key: Decimal(value) for key, value in by_type.items()}
    whole = api_as(province).get("/api/v1/dashboard/summary/").json()
    assert whole["region"] == "330000" and whole["complexes"]["total"] == Complex.objects.count()


def test_city_figures_add_up_to_the_province(seeded):
    year = current_year()
    province = figures_for(year=year, region_code="330000")
    cities = RegionFigure.objects.filter(year=year, region__level="city", measure="members")
    assert sum(cities.values_list("value", flat=True)) == province["members"]
    counties = RegionFigure.objects.filter(year=year, region__parent_id="330700", measure="members")
    assert (
        sum(counties.values_list("value", flat=True))
        == figures_for(year=year, region_code="330700")["members"]
    )


def test_refresh_is_idempotent(seeded):
    year = current_year()
    before = list(
        RegionFigure.objects.filter(year=year)
        .order_by("region_id", "measure")
        .values_list("region_id", "measure", "value")
    )
    figures_refresh(year=year)
    after = list(
        RegionFigure.objects.filter(year=year)
        .order_by("region_id", "measure")
        .values_list("region_id", "measure", "value")
    )
    assert before == after


def test_each_region_sums_its_subtree_and_keeps_no_other_figure(seeded):
    """The SQL roll-up against the sources' own rows summed in Python over the region tree's
    parent links (rather than the codes the SQL reads)."""
    year = current_year()
    RegionFigure.objects.create(year=year, region_id="330100", measure="vanished", value=1)
    sql, params = per_complex_sql(year=year)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    region_of = dict(Complex.objects.values_list("id", "region_id"))
    parent_of = dict(Region.objects.values_list("code", "parent_id"))
    expected: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    for complex_id, measure, value in rows:
        region = region_of[complex_id]
        while region is not None:
            expected[region, measure] += value
            region = parent_of[region]
    assert figures_refresh(year=year) == len(expected)
    written = RegionFigure.objects.filter(year=year).values_list("region_id", "measure", "value")
    assert {(region, measure): value for region, measure, value in written} == expected
    assert {measure for _, measure in expected} >= {"complexes", "members", "instruments.value"}


def figure_versions(year: int) -> dict[tuple[str, str], str]:
    """Where each figure's row version lies: an UPDATE writes a new version elsewhere."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT region_id, measure, ctid::text FROM dashboard_regionfigure WHERE year = %s",
            [year],
        )
        return {(region, measure): version for region, measure, version in cursor.fetchall()}


def test_a_refresh_rewrites_only_the_figures_that_changed(seeded):
    year = current_year()
    before = figure_versions(year)
    figures_refresh(year=year)
    assert figure_versions(year) == before
    complex_ = Complex.objects.filter(status_changes__isnull=False).order_by("pk").first()
    factories.InstitutionFactory(complex=complex_, type="testing", joined_year=year)
    figures_refresh(year=year)
    after = figure_versions(year)
    chain, region = [], complex_.region
    while region is not None:
        chain.append(region.code)
        region = region.parent
    assert {key for key in after if before.get(key) != after[key]} == {
        (code, measure) for code in chain for measure in ("members", "members.type.testing")
    }


def test_past_years_count_the_complexes_that_existed_then():
    complex_ = factories.ComplexFactory(founded_year=2019)
    from complexes.figures import end_of_year
    from complexes.models import ComplexStatusChange

    ComplexStatusChange.objects.create(
        complex=complex_,
        to_status="constructing",
        reason="创建",
        changed_at=end_of_year(2019).replace(year=2019, month=3),
    )
    ComplexStatusChange.objects.create(
        complex=complex_,
        from_status="constructing",
        to_status="operating",
        reason="验收",
        changed_at=end_of_year(2020).replace(year=2020, month=12),
    )
    figures_refresh(year=2018)
    figures_refresh(year=2019)
    figures_refresh(year=2021)
    assert figures_for(year=2018, region_code="330000") == {}
    assert figures_for(year=2019, region_code="330784")["complexes.status.constructing"] == 1
    assert figures_for(year=2021, region_code="330700")["complexes.status.operating"] == 1


@pytest.mark.parametrize(
    ("who", "region", "status"),
    [
        (None, "330700", 401),
        ("operator", "330700", 403),
        ("jinhua", "330100", 404),
        ("jinhua", "330110", 404),
        ("jinhua", "330784", 200),
        ("yongkang", "330700", 404),
        ("province", "330100", 200),
        ("province", "999999", 404),
    ],
)
def test_summary_scope(api_as, yongkang_complex, who, region, status):
    users = {
        None: lambda: None,
        "operator": lambda: factories.operator_of(yongkang_complex),
        "jinhua": lambda: factories.regional_official("330700"),
        "yongkang": lambda: factories.regional_official("330784"),
        "province": factories.provincial_official,
    }
    response = api_as(users[who]()).get("/api/v1/dashboard/summary/", {"region": region})
    assert response.status_code == status


def test_a_city_official_lands_on_their_city(client_as, yongkang_complex, hangzhou_complex):
    client = client_as(factories.regional_official("330700"))
    page = client.get("/dashboard/")
    assert page.status_code == 200
    assert page.context["region"].code == "330700"
    html = page.content.decode()
    assert yongkang_complex.name in html or "永康市" in html
    assert hangzhou_complex.name not in html
    assert client.get("/dashboard/", {"region": "330100"}).status_code == 404
    county = client.get("/dashboard/", {"region": "330784"})
    assert yongkang_complex.name in county.content.decode()


def test_enterprises_and_operators_do_not_see_the_dashboard(client_as, yongkang_complex):
    assert client_as(factories.operator_of(yongkang_complex)).get("/dashboard/").status_code == 403


def query_count(client, url, params=None):
    """The queries of a request after a first one has warmed the per-process caches, the page
    rendered again (the cache cleared)."""
    from django.core.cache import cache

    client.get(url, params or {})
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url, params or {}).status_code == 200
    return len(queries)


@pytest.mark.parametrize("scale", [1, 3])
def test_query_counts_do_not_depend_on_the_scale(client_as, api_as, scale):
    call_command(
        "seed_demo", scale=scale, only=["accounts", "complexes", "dashboard"], stdout=StringIO()
    )
    province = User.objects.get(username="province")
    page = client_as(province)
    counts = (
        query_count(page, "/dashboard/"),
        query_count(page, "/dashboard/", {"region": "330700"}),
        query_count(page, "/dashboard/", {"region": "330784"}),
        query_count(api_as(province), "/api/v1/dashboard/summary/", {"region": "330700"}),
    )
    # The same whatever the amount of data. A page reads: the session, the user, the region
    # shown (with its parents, for the breadcrumbs), the default year (the latest with
    # results), the map's subregions (a county has none: its page lists its complexes
    # instead, in one statement), their figures in one statement, the complexes on the map, the map's layer of the 26 mountain counties, the published years (the year picker marks
    # them), the region's figures over the trend's years, the complexes counted by level,
    # category and status, the top of the ranking (its picks, then their rows: none here, where
    # nothing is evaluated), the region menu's regions, the early
    # warning (every reason in one statement; where complexes are at risk, two more: their
    # codes, which order them, and the complexes of the page shown) and the unread
    # notifications; and the version of what the dashboard shows (``dashboard.data_version``).
    assert counts == (16, 16, 16, 4)


def test_indicators_scores_and_funding_equal_independent_sums(api_as):
    """Over the whole demo province: the summary's figures are the records' own totals."""
    from django.db.models import Sum

    from evaluation.models import DerivedValue, Evaluation, ReportValue
    from funding.models import Allocation

    call_command("seed_demo", stdout=StringIO())
    year = current_year() - 1
    province = User.objects.get(username="province")
    body = (
        api_as(province)
        .get("/api/v1/dashboard/summary/", {"region": "330700", "year": year})
        .json()
    )
    in_jinhua = {"complex__region__code__startswith": "3307"}
    reported = ReportValue.objects.filter(
        report__year=year,
        report__status="approved",
        report__complex__region__code__startswith="3307",
    )
    for code in (
        "problems_solved",
        "tech_transactions",
        "cluster_rd_spend",
        "high_tech_enterprises",
    ):
        expected = reported.filter(indicator__code=code).aggregate(total=Sum("value"))["total"]
        assert Decimal(body["indicators"][code]) == expected, code
    delivered = DerivedValue.objects.filter(
        year=year, indicator__code="services_delivered", **in_jinhua
    )
    assert (
        Decimal(body["indicators"]["services_delivered"])
        == delivered.aggregate(total=Sum("value"))["total"]
    )
    grades = Evaluation.objects.filter(year=year, **in_jinhua)
    assert {grade: Decimal(n) for grade, n in body["scores"]["by_grade"].items() if Decimal(n)} == {
        grade: Decimal(n) for grade, n in grades.values_list("grade").annotate(n=Count("id"))
    }
    # Published money and drafts apart: a draft is never counted as allocated.
    allocations = Allocation.objects.filter(year=year, **in_jinhua)
    published = allocations.filter(status="published")
    drafts = allocations.filter(status="draft")
    assert drafts.exists()  # the demo leaves its latest year unpublished
    zero = Decimal("0.00")
    for key, rows in (("allocated", published), ("published", published), ("draft", drafts)):
        total = rows.aggregate(total=Sum("provincial_amount"))["total"] or zero
        assert Decimal(body["funding"][key]) == total, key
    assert Decimal(body["funding"]["draft_allocations"]) == drafts.count()
    assert Decimal(body["funding"]["compliant"]) == published.filter(compliant=True).count()


def test_early_warning_names_each_reason(client_as, yongkang_complex, hangzhou_complex):
    from evaluation.models import DerivedValue, Evaluation, EvaluationScheme, Indicator
    from funding.models import Allocation

    year = current_year() - 1
    scheme = EvaluationScheme.objects.filter(category="traditional").first()
    Evaluation.objects.create(
        run=draft_run(year - 1),
        complex=yongkang_complex, year=year - 1, category="traditional", scheme=scheme,
        score=Decimal("41.00"), rank=2, grade="fail",
    )  # fmt: skip
    rating = Indicator.objects.get(code="average_rating")
    DerivedValue.objects.create(
        complex=yongkang_complex, year=year, indicator=rating, value=Decimal("3.10")
    )
    DerivedValue.objects.create(
        complex=hangzhou_complex, year=year, indicator=rating, value=Decimal("4.60")
    )
    assert not Allocation.objects.exists()
    page = client_as(factories.provincial_official()).get("/dashboard/", {"year": year})
    warnings = {row["complex"].pk: row["reasons"] for row in page.context["warnings"]}
    assert set(warnings) == {yongkang_complex.pk}
    assert any(str(year - 1) in reason for reason in warnings[yongkang_complex.pk])
    assert any("3.10" in reason for reason in warnings[yongkang_complex.pk])
    hangzhou = client_as(factories.regional_official("330100")).get("/dashboard/", {"year": year})
    assert list(hangzhou.context["warnings"]) == []


def test_early_warning_lists_every_reason_in_one_order(yongkang_complex, hangzhou_complex):
    from datetime import timedelta

    from django.utils import timezone

    from dashboard.warnings import early_warnings
    from evaluation.models import DerivedValue, Evaluation, EvaluationScheme, Indicator

    from .evaluation import factories as evaluation

    year = current_year() - 1
    evaluation.open_period(year, deadline=timezone.localdate() - timedelta(days=1))
    evaluation.report(yongkang_complex, year)  # a draft after the deadline
    evaluation.report(hangzhou_complex, year, status="approved")
    Evaluation.objects.create(
        run=draft_run(year - 1),
        complex=yongkang_complex, year=year - 1, category="traditional",
        scheme=EvaluationScheme.objects.filter(category="traditional").first(),
        score=Decimal("41.00"), rank=2, grade="fail",
    )  # fmt: skip
    indicators = dict(Indicator.objects.values_list("code", "pk"))
    for complex_, values in [
        (yongkang_complex, {(year - 1, "services_delivered"): 100, (year, "services_delivered"): 69,
                            (year - 1, "average_rating"): "3.40"}),
        (hangzhou_complex, {(year - 1, "services_delivered"): 100, (year, "services_delivered"): 70,
                            (year, "average_rating"): "3.50", (year - 1, "average_rating"): "2"}),
    ]:  # fmt: skip
        DerivedValue.objects.bulk_create(
            DerivedValue(complex=complex_, year=value_year, indicator_id=indicators[code],
                         value=Decimal(value))
            for (value_year, code), value in values.items()
        )  # fmt: skip
    province = Region.objects.get(code="330000")
    [warning] = early_warnings(year=year, region=province)
    assert warning["complex"] == yongkang_complex
    deadline = timezone.localdate() - timedelta(days=1)
    assert warning["reasons"] == [
        f"{year - 1}年度评价不合格",
        f"{year}年度报告逾期未交（截止日期{deadline}）",
        "满意度偏低：3.40 / 5",
        "服务次数由100次降至69次",
    ]


def test_the_maps_points_are_fresh_after_a_complex_changes(client_as, yongkang_complex):
    """The points come from the cache under the public lists' generation: a complex's save
    shows on the next page, in the reader's language."""
    yongkang_complex.longitude, yongkang_complex.latitude = Decimal("120.05"), Decimal("28.90")
    yongkang_complex.save()
    client = client_as(factories.provincial_official())

    def points():
        page = client.get("/dashboard/").content.decode()
        config = re.search(r'<script id="map-config" type="application/json">(.*?)</script>', page)
        return {point["code"]: point for point in json.loads(config.group(1))["points"]}

    assert points()[yongkang_complex.code]["status"] == "operating"
    yongkang_complex.status, yongkang_complex.name = "rectifying", "永康五金综合体（新）"
    yongkang_complex.save()
    point = points()[yongkang_complex.code]
    assert (point["status"], point["name"]) == ("rectifying", "永康五金综合体（新）")
    assert point["value"] == [120.05, 28.9]


def test_the_early_warnings_come_a_page_at_a_time_most_reasons_first(client_as):
    """The province's warnings were a thousand rows at scale 10: twenty a page, the total in the
    heading, the complex with the most reasons first, and every one reachable."""
    from evaluation.models import DerivedValue, Evaluation, EvaluationScheme, Indicator

    year = current_year()
    scheme = EvaluationScheme.objects.filter(category="traditional").first()
    run = draft_run(year - 1)
    at_risk = [
        factories.ComplexFactory(code=f"W{number:03d}", region=factories.region("330784"))
        for number in range(25)
    ]
    for rank, complex_ in enumerate(at_risk, start=1):
        Evaluation.objects.create(
            run=run, complex=complex_, year=year - 1, category="traditional", scheme=scheme,
            score=Decimal("41.00"), rank=rank, grade="fail",
        )  # fmt: skip
    # The last one also has a low rating: two reasons put it first.
    DerivedValue.objects.create(
        complex=at_risk[-1],
        year=year,
        indicator=Indicator.objects.get(code="average_rating"),
        value=Decimal("3.10"),
    )
    expected = [at_risk[-1].code] + [complex_.code for complex_ in at_risk[:-1]]
    client = client_as(factories.provincial_official())
    first = client.get("/dashboard/", {"year": year})
    assert first.context["warnings"].paginator.count == 25
    assert [row["complex"].code for row in first.context["warnings"]] == expected[:20]
    assert f"year={year}&amp;warnings_page=2" in first.content.decode()
    second = client.get("/dashboard/", {"year": year, "warnings_page": 2})
    assert [row["complex"].code for row in second.context["warnings"]] == expected[20:]
