"""Anonymous pages of the catalogue and the directory come from the cache until a write."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from complexes.models import Complex
from portal.api.public_cache import GENERATION_KEY
from services.models import Offering

from . import factories
from .services.factories import OfferingFactory

pytestmark = pytest.mark.django_db

LISTS = ["/api/v1/offerings/", "/api/v1/complexes/"]


def anonymous_get(url, **headers):
    """A fresh client each time: no cookie or session carries over between requests."""
    with CaptureQueriesContext(connection) as queries:
        response = APIClient().get(url, **headers)
    assert response.status_code == 200, url
    return response, len(queries)


@pytest.fixture
def catalogue(yongkang_complex):
    return OfferingFactory(complex=yongkang_complex, title="五金制品质量检测")


@pytest.mark.parametrize("url", LISTS)
def test_a_repeated_anonymous_request_is_answered_without_queries(catalogue, url):
    first, first_queries = anonymous_get(url)
    again, again_queries = anonymous_get(url)
    assert first_queries > 0
    assert again_queries == 0
    assert again.content == first.content
    assert again["Content-Type"] == first["Content-Type"] == "application/json"


def test_saving_an_offering_refreshes_the_catalogue(catalogue):
    anonymous_get("/api/v1/offerings/")
    catalogue.title = "模具钢材检测"
    catalogue.save()
    added = OfferingFactory(complex=catalogue.complex, title="注塑件尺寸检测")
    response, _queries = anonymous_get("/api/v1/offerings/")
    titles = {row["title"] for row in response.json()["results"]}
    assert titles == {"模具钢材检测", added.title}


def test_deleting_an_offering_refreshes_the_catalogue(catalogue):
    anonymous_get("/api/v1/offerings/")
    catalogue.delete()
    response, _queries = anonymous_get("/api/v1/offerings/")
    assert response.json()["count"] == 0


def test_a_new_member_refreshes_the_directory_count(yongkang_complex):
    before, _queries = anonymous_get("/api/v1/complexes/")
    factories.InstitutionFactory(complex=yongkang_complex)
    after, _queries = anonymous_get("/api/v1/complexes/")
    assert after.json()["results"][0]["member_count"] == (
        before.json()["results"][0]["member_count"] + 1
    )


def test_a_status_change_of_the_complex_refreshes_both_lists(catalogue):
    for url in LISTS:
        anonymous_get(url)
    complex_ = catalogue.complex
    complex_.name = "永康五金产业创新服务综合体（新）"
    complex_.save()
    offerings, _queries = anonymous_get("/api/v1/offerings/")
    directory, _queries = anonymous_get("/api/v1/complexes/")
    assert offerings.json()["results"][0]["complex_detail"]["name"] == complex_.name
    assert directory.json()["results"][0]["name"] == complex_.name


def test_each_query_string_and_language_has_its_own_entry(catalogue, hangzhou_complex):
    OfferingFactory(complex=hangzhou_complex, title="家纺面料检测")
    everything, _queries = anonymous_get("/api/v1/offerings/")
    jinhua, jinhua_queries = anonymous_get("/api/v1/offerings/?region=330700")
    assert jinhua_queries > 0
    assert everything.json()["count"] == 2
    assert [row["title"] for row in jinhua.json()["results"]] == ["五金制品质量检测"]

    chinese, _queries = anonymous_get("/api/v1/complexes/?region=330700")
    english, english_queries = anonymous_get(
        "/api/v1/complexes/?region=330700", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert english_queries > 0
    assert chinese.json()["results"][0]["region_detail"]["name"] == "永康市"
    assert english.json()["results"][0]["region_detail"]["name"] == "Yongkang City"


def test_each_host_gets_its_own_page_links(catalogue):
    OfferingFactory(complex=catalogue.complex, title="模具钢材检测")
    url = "/api/v1/offerings/?page_size=1"
    on_testserver, _queries = anonymous_get(url)
    on_localhost, localhost_queries = anonymous_get(url, HTTP_HOST="localhost")
    assert localhost_queries > 0
    assert on_testserver.json()["next"].startswith("http://testserver/")
    assert on_localhost.json()["next"].startswith("http://localhost/")


def signed_in_clients(user) -> dict[str, APIClient]:
    """The two ways a person reaches the API signed in: the portal's session and a token."""
    by_session = APIClient()
    by_session.force_login(user)
    by_token = APIClient()
    by_token.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return {"session": by_session, "token": by_token}


@pytest.mark.parametrize("url", LISTS)
@pytest.mark.parametrize("way", ["session", "token"])
def test_signed_in_users_neither_read_nor_fill_the_anonymous_cache(catalogue, url, way):
    client = signed_in_clients(factories.operator_of(catalogue.complex))[way]
    anonymous_get(url)
    for _ in range(2):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        assert len(queries) > 0

    cache.clear()
    client.get(url)
    _response, anonymous_queries = anonymous_get(url)
    assert anonymous_queries > 0


@pytest.mark.parametrize(
    "headers",
    [{"HTTP_ACCEPT": "text/html"}, {"HTTP_ACCEPT": "application/xml"}],
)
def test_a_request_for_another_format_goes_through_the_framework(catalogue, headers):
    """Only plain JSON requests are answered before the framework; others are negotiated."""
    anonymous_get("/api/v1/offerings/")
    response = APIClient().get("/api/v1/offerings/", **headers)
    assert response.status_code == 406


def test_a_cached_page_varies_on_accept_as_the_framework_answers(catalogue):
    first, _queries = anonymous_get("/api/v1/offerings/")
    again, _queries = anonymous_get("/api/v1/offerings/")
    assert "Accept" in again["Vary"] and "Accept" in first["Vary"]


def test_a_lost_generation_never_revives_old_entries(catalogue):
    anonymous_get("/api/v1/offerings/")
    cache.delete(GENERATION_KEY)
    # A write the signals do not see: only a new generation can hide the old page.
    Offering.objects.filter(pk=catalogue.pk).update(title="模具钢材检测")
    response, _queries = anonymous_get("/api/v1/offerings/")
    assert response.json()["results"][0]["title"] == "模具钢材检测"


def test_the_generation_moves_again_when_the_write_commits(
    catalogue, django_capture_on_commit_callbacks
):
    anonymous_get("/api/v1/offerings/")
    before = cache.get(GENERATION_KEY)
    with django_capture_on_commit_callbacks(execute=True):
        Complex.objects.get(pk=catalogue.complex_id).save()
        # What a reader sees between the write and its commit: cached under the new generation.
        anonymous_get("/api/v1/offerings/")
        assert cache.get(GENERATION_KEY) == before + 1
    assert cache.get(GENERATION_KEY) == before + 2
    _response, queries = anonymous_get("/api/v1/offerings/")
    assert queries > 0


@pytest.mark.redis
def test_lists_are_cached_in_redis_as_in_production(catalogue, settings, redis_url):
    settings.CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": redis_url,
            "KEY_PREFIX": "portal-test-public-lists",
        }
    }
    # Only this test's keys: clear() would flush the whole Redis database, broker queues included.
    cache.delete_pattern("*")
    try:
        first, _queries = anonymous_get("/api/v1/offerings/")
        again, again_queries = anonymous_get("/api/v1/offerings/")
        assert again_queries == 0
        assert again.content == first.content
        assert first.json()["results"][0]["title"] == catalogue.title
    finally:
        cache.delete_pattern("*")
