"""山区26县 visible (issue 18, item 5): a badge where complexes and enterprises are listed, the
filter on every list that filters by region, a layer and totals on the dashboard, and the
evidence of the schemes' "serves 山区26县" bonus drawn from the services delivered there."""

import json
import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dashboard.figures import figures_refresh
from evaluation.models import Grade
from services.models import RequestStatus
from tests import factories
from tests.evaluation import factories as evaluation_factories
from tests.funding import factories as funding_factories
from tests.services.factories import OfferingFactory, ServiceRequestFactory

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
LONGQUAN = "331181"  # 龙泉市, Lishui: one of the 26
WUYI = "330723"  # 武义县, Jinhua: one of the 26
YONGKANG = "330784"  # 永康市, Jinhua: not one of them
YEAR = 2025
BADGE = 'class="badge badge-mountain-26"'


@pytest.fixture
def world():
    """A complex in Yongkang serving enterprises in Longquan and Wuyi (mountain counties) and
    in Yongkang, and a complex in Longquan itself."""
    serving = factories.ComplexFactory(region=factories.region(YONGKANG), name="永康五金综合体")
    mountain = factories.ComplexFactory(region=factories.region(LONGQUAN), name="龙泉青瓷综合体")
    offering = OfferingFactory(complex=serving, title="模具检测")
    OfferingFactory(complex=mountain, title="青瓷设计")
    longquan = factories.EnterpriseFactory(region=factories.region(LONGQUAN), name="龙泉山区企业")
    wuyi = factories.EnterpriseFactory(region=factories.region(WUYI), name="武义山区企业")
    yongkang = factories.EnterpriseFactory(region=factories.region(YONGKANG), name="永康平原企业")

    def completed(enterprise, when, status=RequestStatus.COMPLETED):
        return ServiceRequestFactory(
            offering=offering, enterprise=enterprise, status=status, completed_at=when, rating=5
        )

    in_year = datetime(YEAR, 6, 1, 10, tzinfo=SHANGHAI)
    evidence = [completed(longquan, in_year), completed(wuyi, in_year), completed(wuyi, in_year)]
    completed(yongkang, in_year)  # not in a mountain county
    completed(longquan, datetime(YEAR - 1, 6, 1, tzinfo=SHANGHAI))  # another year
    completed(longquan, None, RequestStatus.DELIVERED)  # not confirmed yet
    return {
        "serving": serving,
        "mountain": mountain,
        "evidence": evidence,
        "enterprises": (longquan, wuyi, yongkang),
    }


@pytest.mark.parametrize(
    "page", ["/complexes/", "/services/", "/services/enterprises/", "/services/verification/"]
)
def test_lists_badge_the_rows_in_mountain_counties(client_as, world, page):
    html = client_as(factories.provincial_official()).get(page, {"state": "verified"})
    content = html.content.decode()
    rows = re.findall(r"<tr>.*?</tr>|<article class=\"card h-100\">.*?</article>", content, re.S)
    badged = [row for row in rows if BADGE in row]
    assert badged, page
    assert all("龙泉" in row or "武义" in row for row in badged)
    assert not any(BADGE in row for row in rows if "永康平原企业" in row or "永康五金综合体" in row)


def test_the_complex_page_badges_a_complex_in_a_mountain_county(client, world):
    assert BADGE in client.get(f"/complexes/{world['mountain'].code}/").content.decode()
    assert BADGE not in client.get(f"/complexes/{world['serving'].code}/").content.decode()


@pytest.mark.parametrize(
    ("page", "shown"),
    [
        ("/evaluation/reports/", "complex"),
        ("/services/verification/", "enterprise"),
        ("/funding/", "complex"),
    ],
)
def test_every_list_filtering_by_region_filters_by_the_flag(client_as, world, page, shown):
    for complex_ in (world["serving"], world["mountain"]):
        evaluation_factories.report(complex_, YEAR)
        funding_factories.evaluated(complex_, YEAR, "80.00", Grade.GOOD)
    client = client_as(factories.provincial_official())
    names = {
        "complex": (world["mountain"].name, world["serving"].name),
        "enterprise": ("龙泉山区企业", "永康平原企业"),
    }[shown]
    query = {"state": "verified", "year": YEAR}
    page_html = client.get(page, query).content.decode()
    assert 'name="mountain_26"' in page_html
    mountain_only = client.get(page, {**query, "mountain_26": "true"}).content.decode()
    if page != "/funding/":  # no allocation computed: the table lists no row either way
        assert names[0] in mountain_only and names[1] not in mountain_only


@pytest.mark.parametrize("resource", ["reports", "evaluations", "allocations"])
def test_the_api_lists_of_complexes_results_filter_by_the_flag(api_as, world, resource):
    for complex_ in (world["serving"], world["mountain"]):
        evaluation_factories.report(complex_, YEAR)
        funding_factories.evaluated(complex_, YEAR, "80.00", Grade.GOOD)
    response = api_as(factories.provincial_official()).get(
        f"/api/v1/{resource}/", {"mountain_26": "true", "year": YEAR}
    )
    assert response.status_code == 200
    complexes = {row["complex"] for row in response.json()["results"]}
    assert world["serving"].pk not in complexes
    if resource != "allocations":
        assert complexes == {world["mountain"].pk}


def test_the_dashboard_totals_count_complexes_and_services_there(api_as, client_as, world):
    figures_refresh(year=YEAR)
    province = factories.provincial_official()
    summary = api_as(province).get("/api/v1/dashboard/summary/", {"year": YEAR}).json()
    assert summary["complexes"]["mountain_26"] == 1
    assert summary["mountain_26"] == {"services_delivered": 3}
    # Jinhua's complexes (Yongkang's) delivered the three; Lishui's none.
    jinhua = api_as(province).get("/api/v1/dashboard/summary/", {"year": YEAR, "region": "330700"})
    assert jinhua.json()["complexes"]["mountain_26"] == 0
    assert jinhua.json()["mountain_26"] == {"services_delivered": 3}
    page = client_as(province).get("/dashboard/", {"year": YEAR}).content.decode()
    assert re.search(r'id="kpi-mountain-26">.*?</span> 1</div>', page)


def test_the_dashboard_map_draws_the_mountain_counties_as_a_layer(client_as, world):
    def layer(user, region):
        page = client_as(user).get("/dashboard/", {"region": region}).content.decode()
        config = re.search(r'<script id="map-config" type="application/json">(.*?)</script>', page)
        return json.loads(config.group(1))

    province = factories.provincial_official()
    everywhere = layer(province, "330000")
    assert len(everywhere["mountainCounties"]) == 26
    assert everywhere["mountainLabel"] == "山区26县"
    jinhua = layer(province, "330700")["mountainCounties"]
    assert [(county["code"], county["name"]) for county in jinhua] == [
        (WUYI, "武义县"),
        ("330727", "磐安县"),
    ]
    # A county official's map holds no other county's marker.
    assert layer(factories.regional_official(YONGKANG), YONGKANG)["mountainCounties"] == []


def evidence_page(client, complex_, year=YEAR):
    return client.get(f"/services/mountain-26/{complex_.code}/", {"year": year})


def test_the_evidence_lists_the_years_services_to_mountain_counties(client_as, world):
    response = evidence_page(client_as(factories.provincial_official()), world["serving"])
    assert response.status_code == 200
    content = response.content.decode()
    listed = re.findall(r'href="/services/requests/(\d+)/"', content)
    assert sorted(map(int, listed)) == sorted(request.pk for request in world["evidence"])
    assert "永康平原企业" not in content
    assert re.search(r'id="mountain-services">3<', content)
    assert content.count(BADGE) == 3


def test_the_evidence_is_for_officials_in_scope_and_the_operator(client_as, world):
    serving = world["serving"]
    allowed = [
        factories.provincial_official(),
        factories.regional_official("330700"),
        factories.operator_of(serving),
    ]
    for user in allowed:
        assert evidence_page(client_as(user), serving).status_code == 200, user
    assert (
        evidence_page(client_as(factories.regional_official("331100")), serving).status_code == 404
    )
    assert (
        evidence_page(client_as(factories.operator_of(world["mountain"])), serving).status_code
        == 404
    )
    enterprise_user = factories.enterprise_user_of(world["enterprises"][0])
    assert evidence_page(client_as(enterprise_user), serving).status_code == 403
    assert (
        evidence_page(client_as(factories.provincial_official()), serving, "20x5").status_code
        == 400
    )


def test_the_evidence_page_reads_the_same_queries_whatever_the_services(client_as, world):
    client = client_as(factories.provincial_official())
    evidence_page(client, world["serving"])
    with CaptureQueriesContext(connection) as few:
        evidence_page(client, world["serving"], YEAR - 1)
    with CaptureQueriesContext(connection) as more:
        evidence_page(client, world["serving"])
    assert len(few) == len(more) == 7


def test_the_score_page_links_the_evidence_where_a_bonus_is_proposed(client_as, world):
    funding_factories.evaluated(world["serving"], YEAR, "80.00", Grade.GOOD)
    page = client_as(factories.regional_official("330700")).get(
        f"/evaluation/results/{world['serving'].code}/", {"year": YEAR}
    )
    assert (
        f'href="/services/mountain-26/{world["serving"].code}/?year={YEAR}"'
        in page.content.decode()
    )
