"""Catalogue and directory search (``q``, pages and API alike): every word must match one of
the searched fields, Chinese compounds are read as two-character words, and a city's name finds
what is registered under its districts and counties (issue 16)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests import factories
from tests.services.factories import OfferingFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue(yongkang_complex, hangzhou_complex):
    """Yongkang (Jinhua) hardware and Yuhang (Hangzhou) home textiles, each testing and design."""
    platforms = {
        yongkang_complex: factories.InstitutionFactory(
            complex=yongkang_complex, name="永康公共平台"
        ),
        hangzhou_complex: factories.InstitutionFactory(
            complex=hangzhou_complex, name="余杭公共平台"
        ),
    }
    offerings = {
        "yongkang testing": OfferingFactory(
            complex=yongkang_complex,
            institution=platforms[yongkang_complex],
            title="电动工具安全性能检测",
            description="出具报告。",
        ),
        "yongkang design": OfferingFactory(
            complex=yongkang_complex,
            institution=platforms[yongkang_complex],
            title="五金工业设计",
            description="外观与结构设计。",
        ),
        "textile testing": OfferingFactory(
            complex=hangzhou_complex,
            institution=platforms[hangzhou_complex],
            title="纺织品色牢度检测",
            description="出具报告。",
        ),
        "textile design": OfferingFactory(
            complex=hangzhou_complex,
            institution=platforms[hangzhou_complex],
            title="家纺图案设计",
            description="花型设计。",
        ),
    }
    return {name: offering.pk for name, offering in offerings.items()}


def offering_ids(api_client, q) -> set[int]:
    response = api_client.get("/api/v1/offerings/", {"q": q, "page_size": 200})
    assert response.status_code == 200
    return {row["id"] for row in response.json()["results"]}


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("永康 检测", {"yongkang testing"}),
        ("检测 永康", {"yongkang testing"}),
        ("纺织检测", {"textile testing"}),
        ("永康检测", {"yongkang testing"}),
        ("杭州 设计", {"textile design"}),
        ("金华", {"yongkang testing", "yongkang design"}),
        ("检测", {"yongkang testing", "textile testing"}),
        ("永康 纺织", set()),
    ],
)
def test_every_word_of_an_offering_search_must_match(api_client, catalogue, q, expected):
    assert offering_ids(api_client, q) == {catalogue[name] for name in expected}


def test_the_catalogue_page_searches_as_the_api_does(client, catalogue):
    page = client.get("/services/", {"q": "永康 检测"})
    assert [offering.pk for offering in page.context["page"].object_list] == [
        catalogue["yongkang testing"]
    ]


@pytest.fixture
def hangzhou_complexes(yongkang_complex, hangzhou_complex):
    """Hangzhou's complexes registered under the city and under two districts."""
    return {
        hangzhou_complex.pk,
        factories.ComplexFactory(region=factories.region("330102"), industry="数字安防").pk,
        factories.ComplexFactory(region=factories.region("330100"), industry="生物医药").pk,
    }


def test_a_city_name_finds_the_complexes_of_its_districts(api_client, hangzhou_complexes):
    response = api_client.get("/api/v1/complexes/", {"q": "杭州", "page_size": 200})
    assert {row["id"] for row in response.json()["results"]} == hangzhou_complexes
    english = api_client.get("/api/v1/complexes/", {"q": "hangzhou", "page_size": 200})
    assert {row["id"] for row in english.json()["results"]} == hangzhou_complexes


def test_the_directory_page_combines_a_city_and_an_industry(client, hangzhou_complexes):
    page = client.get("/complexes/", {"q": "杭州 家纺"})
    assert [complex_.name for complex_ in page.context["page"].object_list] == [
        "余杭家纺产业创新服务综合体"
    ]


def test_more_words_cost_no_more_queries(client, catalogue):
    def queries(q):
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/services/", {"q": q}).status_code == 200
        return len(captured)

    assert queries("检测") == queries("杭州 纺织检测")
