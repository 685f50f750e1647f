"""The indicator catalogue as a page (issue 18, item 7): definition, unit, dimension, source,
how a derived indicator is counted, and the weight each scheme in force gives it."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from evaluation.models import Dimension, Indicator
from tests import factories
from tests.services.factories import OfferingFactory

pytestmark = pytest.mark.django_db

PAGE = "/evaluation/indicators/"


def row(content: str, code: str) -> str:
    return re.search(rf'<tr id="indicator-{code}">(.*?)</tr>', content, re.S).group(1)


def test_every_indicator_is_defined_with_its_unit_source_and_dimension(client_as):
    content = client_as(factories.provincial_official()).get(PAGE).content.decode()
    for indicator in Indicator.objects.all():
        assert indicator.definition, indicator.code
        assert indicator.definition in row(content, indicator.code)
    reported = row(content, "cluster_rd_spend")
    assert "产业集群研发投入" in reported and "<td>元</td>" in reported and "运营方填报" in reported
    derived = row(content, "services_delivered")
    assert "平台记录自动生成" in derived and "门户统计：当年经企业确认完成" in derived
    assert '<h2 class="h5" id="dimension-1">资源集聚</h2>' in content


def test_the_weights_are_those_of_each_category_scheme_in_force(client_as):
    content = client_as(factories.provincial_official()).get(PAGE, {"year": 2025}).content.decode()
    # The shipped schemes (from 2017): rated service 8 in both; R&D spend 10 in both; IP-pledge
    # loans weighed by the emerging industries' scheme only.
    weights = lambda code: re.findall(r'<td class="text-end">([^<]+)</td>', row(content, code))  # noqa: E731
    assert weights("average_rating") == ["8.00", "8.00"]
    assert weights("ip_pledge_loans") == ["—", "4.00"]
    # Each dimension's table heads its columns with the two schemes.
    assert content.count("自2017年起，第1版") == 2 * len(Dimension.values)


def test_a_year_before_any_scheme_shows_no_weight(client_as):
    content = client_as(factories.provincial_official()).get(PAGE, {"year": 2016}).content.decode()
    assert "该年度没有生效的评价方案。" in content


@pytest.mark.parametrize("language", ["en"])
def test_the_page_and_the_definitions_speak_english(client_as, language):
    client = client_as(factories.provincial_official())
    content = client.get(PAGE, HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert "Indicator catalogue" in content
    assert "Counted by the portal: the service requests to the complex" in content
    assert "Cluster R&amp;D spend" in content


@pytest.mark.parametrize(
    "user",
    ["operator", "enterprise", "county"],
)
def test_anyone_signed_in_reads_it_and_the_public_is_asked_to_sign_in(client, client_as, user):
    complex_ = factories.ComplexFactory()
    users = {
        "operator": lambda: factories.operator_of(complex_),
        "enterprise": lambda: factories.enterprise_user_of(factories.EnterpriseFactory()),
        "county": lambda: factories.regional_official("330784"),
    }
    assert client_as(users[user]()).get(PAGE).status_code == 200
    client.logout()
    assert client.get(PAGE).status_code == 302


def test_a_bad_year_is_refused(client_as):
    response = client_as(factories.provincial_official()).get(PAGE, {"year": "２０２５"})
    assert response.status_code == 400


def test_the_page_reads_the_same_queries_whatever_the_catalogue(client_as):
    client = client_as(factories.provincial_official())
    client.get(PAGE)
    with CaptureQueriesContext(connection) as before:
        client.get(PAGE)
    OfferingFactory()  # unrelated rows
    Indicator.objects.create(
        code="extra", name="新增指标", unit="项", dimension="services", source="reported"
    )
    with CaptureQueriesContext(connection) as after:
        client.get(PAGE)
    assert len(before) == len(after) == 7


def test_the_api_lists_the_definitions_in_the_readers_language(api_as):
    client = api_as(factories.provincial_official())
    rows = {row["code"]: row for row in client.get("/api/v1/indicators/").json()["results"]}
    assert (
        rows["enterprises_served"]["definition"]
        == "门户统计：当年完成的服务需求所涉及的不同企业数。"
    )
    english = client.get("/api/v1/indicators/", HTTP_ACCEPT_LANGUAGE="en").json()["results"]
    served = next(row for row in english if row["code"] == "enterprises_served")
    assert served["definition"].startswith("Counted by the portal: the distinct enterprises")
