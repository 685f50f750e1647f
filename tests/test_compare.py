"""Complexes compared side by side (issue 18, item 6): two to five of the official's scope, their
profile, results and scores by dimension, indicators over the years and funding, as a page and
as an Excel workbook that holds the same figures."""

import io
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from evaluation.models import DerivedValue, Evaluation, Grade, Indicator
from funding.models import Allocation, AllocationDecision, AllocationKind, AllocationStatus
from tests import factories
from tests.evaluation import factories as evaluation_factories
from tests.funding import factories as funding_factories

pytestmark = pytest.mark.django_db

PAGE, EXPORT = "/dashboard/compare/", "/dashboard/compare.xlsx"
YEARS = (2023, 2024, 2025)


@pytest.fixture
def pair():
    yongkang = factories.ComplexFactory(region=factories.region("330784"), name="永康五金综合体")
    longquan = factories.ComplexFactory(region=factories.region("331181"), name="龙泉青瓷综合体")
    return yongkang, longquan


def results(complex_, year, score, points):
    """A published result whose breakdown earns ``points`` on R&D spend (industry) and on the
    rating (services)."""
    evaluation = funding_factories.evaluated(complex_, year, score, Grade.GOOD, rank=2)
    evaluation.breakdown = [
        {"indicator": "cluster_rd_spend", "value": "1", "normalized": "1", "weight": "10",
         "points": points[0]},
        {"indicator": "average_rating", "value": "4", "normalized": "1", "weight": "8",
         "points": points[1]},
    ]  # fmt: skip
    evaluation.save()
    return evaluation


def published_funding(complex_, year, amount):
    decision = AllocationDecision.objects.filter(year=year).first()
    if decision is None:
        decision = AllocationDecision.objects.create(
            year=year,
            rule_set=funding_factories.rule_set(year),
            pool=Decimal("100000000.00"),
            total=Decimal("15000000.00"),
            unallocated=Decimal("85000000.00"),
            number=f"浙科发〔{year}〕1号",
            sequence=1,
        )
    return Allocation.objects.create(
        complex=complex_,
        year=year,
        rule_set=decision.rule_set,
        decision=decision,
        status=AllocationStatus.PUBLISHED,
        kind=AllocationKind.EX_POST,
        provincial_amount=Decimal(amount),
        required_local_match=Decimal(amount),
        required_host_investment=Decimal(amount) * 2,
        reported_local_match=Decimal(amount),
        compliant=True,
    )


def with_history(complex_, factor):
    for offset, year in enumerate(YEARS):
        evaluation_factories.approved(complex_, year, factor + offset)
        DerivedValue.objects.create(
            complex=complex_,
            year=year,
            indicator=Indicator.objects.get(code="services_delivered"),
            value=Decimal(10 * factor + offset),
        )
    results(complex_, 2025, "81.50", ("9.00", "7.25"))
    published_funding(complex_, 2025, 5_000_000 * factor)


def test_the_page_shows_two_complexes_side_by_side(client_as, pair):
    yongkang, longquan = pair
    with_history(yongkang, 1)
    with_history(longquan, 2)
    page = client_as(factories.provincial_official()).get(
        PAGE, {"complex": [longquan.code, yongkang.code]}
    )
    assert page.status_code == 200
    content = page.content.decode()
    # Columns in the menu's order (by region): Yongkang (Jinhua) before Longquan (Lishui).
    assert content.index(yongkang.name) < content.index(longquan.name)
    profile = section(content, "profile")
    assert re.search(
        r"山区26县</th>\s*<td class=\"text-end\">否</td><td class=\"text-end\">是</td>", profile
    )
    assert "金华市 · 永康市" in profile
    scores = section(content, "scores")
    assert scores.count("81.50") == 2
    dimensions = section(content, "dimensions")
    assert re.search(
        r"产业支撑</th>\s*<td>2025</td>\s*<td class=\"text-end\">9.00</td>", dimensions
    )
    indicators = section(content, "indicators")
    # Three years of the derived count: 10, 11, 12 for Yongkang; 20, 21, 22 for Longquan.
    assert re.findall(r"平台完成服务次数 \(次\)</th>\s*<td>(\d+)</td>\s*<td class=\"text-end\">(\d+)</td><td class=\"text-end\">(\d+)</td>", indicators) == [
        ("2023", "10", "20"), ("2024", "11", "21"), ("2025", "12", "22"),
    ]  # fmt: skip
    funding = section(content, "funding")
    assert re.search(
        r"省级资金（元）</th>\s*<td>2025</td>\s*<td class=\"text-end\">5,?000,?000.00</td><td class=\"text-end\">10,?000,?000.00</td>",
        funding,
    )


def section(content: str, key: str) -> str:
    return re.search(rf'<table[^>]*id="compare-{key}">(.*?)</table>', content, re.S).group(1)


@pytest.mark.parametrize("count", [1, 6])
def test_too_few_or_too_many_complexes_are_refused_naming_the_field(client_as, count):
    codes = [factories.ComplexFactory().code for _ in range(count)]
    response = client_as(factories.provincial_official()).get(PAGE, {"complex": codes})
    assert response.status_code == 400
    assert f"请选择2至5个综合体；您选择了{count}个。" in response.content.decode()
    assert (
        client_as(factories.provincial_official()).get(EXPORT, {"complex": codes}).status_code
        == 400
    )


def test_the_picker_alone_until_complexes_are_chosen(client_as, pair):
    content = client_as(factories.provincial_official()).get(PAGE).content.decode()
    assert '<optgroup label="金华市">' in content and '<optgroup label="丽水市">' in content
    assert 'id="compare-profile"' not in content


def test_an_official_compares_only_complexes_in_scope(client_as, pair):
    yongkang, longquan = pair
    other = factories.ComplexFactory(region=factories.region("330782"))  # Yiwu, Jinhua
    jinhua = client_as(factories.regional_official("330700"))
    assert jinhua.get(PAGE, {"complex": [yongkang.code, other.code]}).status_code == 200
    refused = jinhua.get(PAGE, {"complex": [yongkang.code, longquan.code]})
    assert refused.status_code == 400
    assert longquan.name not in refused.content.decode()
    assert jinhua.get(EXPORT, {"complex": [yongkang.code, longquan.code]}).status_code == 400


@pytest.mark.parametrize("role", ["operator", "enterprise"])
def test_operators_and_enterprises_may_not_compare(client_as, pair, role):
    users = {
        "operator": lambda: factories.operator_of(pair[0]),
        "enterprise": lambda: factories.enterprise_user_of(factories.EnterpriseFactory()),
    }
    codes = {"complex": [complex_.code for complex_ in pair]}
    assert client_as(users[role]()).get(PAGE, codes).status_code == 403
    assert client_as(users[role]()).get(EXPORT, codes).status_code == 403


def test_the_workbook_holds_the_pages_figures(client_as, pair):
    yongkang, longquan = pair
    with_history(yongkang, 1)
    with_history(longquan, 2)
    response = client_as(factories.provincial_official()).get(
        EXPORT, {"complex": [yongkang.code, longquan.code]}
    )
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == (
        "部分",
        "项目",
        "年度",
        f"永康五金综合体 ({yongkang.code})",
        f"龙泉青瓷综合体 ({longquan.code})",
    )
    by_label = {(row[0], row[1], row[2]): row[3:] for row in rows[1:]}
    assert by_label["概况", "山区26县", None] == ("否", "是")
    assert by_label["评价结果", "得分", 2025] == (81.5, 81.5)
    assert by_label["分维度得分", "服务成效", 2025] == (7.25, 7.25)
    assert by_label["历年指标", "平台完成服务次数 (次)", 2024] == (11, 21)
    assert by_label["资金分配", "省级资金（元）", 2025] == (5_000_000, 10_000_000)


def test_the_page_reads_the_same_queries_whatever_the_history(client_as, pair):
    yongkang, longquan = pair
    client = client_as(factories.provincial_official())
    chosen = {"complex": [yongkang.code, longquan.code]}
    client.get(PAGE, chosen)
    with CaptureQueriesContext(connection) as bare:
        client.get(PAGE, chosen)
    with_history(yongkang, 1)
    with_history(longquan, 2)
    third = factories.ComplexFactory()
    with CaptureQueriesContext(connection) as rich:
        client.get(PAGE, {"complex": [*chosen["complex"], third.code]})
    assert len(bare) == len(rich) == 11
    assert Evaluation.objects.count() == 2


def test_the_directory_offers_officials_to_tick_complexes(client, client_as, pair):
    ticks = 'name="complex" value="'
    assert ticks in client_as(factories.provincial_official()).get("/complexes/").content.decode()
    client.logout()
    assert ticks not in client.get("/complexes/").content.decode()
    operator = factories.operator_of(pair[0])
    assert ticks not in client_as(operator).get("/complexes/").content.decode()


def test_the_dashboard_links_the_comparison(client_as):
    content = client_as(factories.provincial_official()).get("/dashboard/").content.decode()
    assert f'href="{PAGE}"' in content
