"""Read paths make a fixed number of queries, whatever the amount of data."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import User
from complexes.models import Complex

from . import factories

pytestmark = pytest.mark.django_db

PAGES = [
    "/",
    "/complexes/",
    "/complexes/?region=330700&level=provincial",
    "/complexes/?q=五金",
]
ENDPOINTS = [
    "/api/v1/complexes/?page_size=200",
    "/api/v1/complexes/?region=330100",
    "/api/v1/institutions/?page_size=200",
    "/api/v1/regions/?page_size=200",
]


def query_counts(client, urls):
    counts = {}
    for url in urls:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200, url
        counts[url] = len(queries)
    return counts


def detail_query_count(client):
    code = Complex.objects.order_by("code").values_list("code", flat=True).first()
    with CaptureQueriesContext(connection) as queries:
        assert client.get(f"/complexes/{code}/").status_code == 200
    return len(queries)


def detail_query_counts_by_viewer(client):
    """The complex page as the public, an official of its region, one of another region and
    its operator (the first complex is in Hangzhou)."""
    complex_ = Complex.objects.order_by("code").first()
    viewers = {
        "public": None,
        "province": User.objects.get(username="province"),
        "other city": User.objects.get(username="city-330700"),
        "operator": User.objects.get(username=f"op-{complex_.code}"),
    }
    counts = {}
    for name, user in viewers.items():
        client.logout()
        if user:
            client.force_login(user)
        client.get(f"/complexes/{complex_.code}/")  # the session and per-process caches
        counts[name] = detail_query_count(client)
    client.logout()
    return counts


@pytest.fixture
def counts_at_scale(client):
    def measure(scale):
        call_command("seed_demo", scale=scale, only=["accounts", "complexes"], stdout=StringIO())
        return (
            query_counts(client, PAGES),
            query_counts(client, ENDPOINTS),
            detail_query_count(client),
            detail_query_counts_by_viewer(client),
        )

    return measure


def test_counts_do_not_grow_from_scale_1_to_scale_3(counts_at_scale, django_db_blocker):
    scale_1 = counts_at_scale(1)

    factories.wipe_demo_data()
    scale_3 = counts_at_scale(3)
    assert scale_1 == scale_3


def test_pinned_counts(counts_at_scale):
    pages, endpoints, detail, detail_by_viewer = counts_at_scale(1)
    # home (computed afresh after the seed's writes): the province's figures 5, featured services
    # 2, no published year 1, the map 2; directory: count + page (+ region choices of the
    # filter form).
    assert pages == {
        "/": 10,
        "/complexes/": 3,
        "/complexes/?region=330700&level=provincial": 4,
        "/complexes/?q=五金": 3,
    }
    assert endpoints == {
        "/api/v1/complexes/?page_size=200": 2,
        "/api/v1/complexes/?region=330100": 3,
        "/api/v1/institutions/?page_size=200": 2,
        "/api/v1/regions/?page_size=200": 2,
    }
    # detail: the complex with its region, members, member counts, instruments and teams (a
    # page of each and its count), status history; the ten elements' counts; its catalogue.
    assert detail == 11
    # Signed in, the second request reads the session, the user and what the navigation shows,
    # and the complex (whose scope decides); the rest comes from the page cache. In scope, the
    # live figures are read for each request: the services per quarter, the latest result (and
    # its indicators' dimensions when there is one), the reports and the surveyed impact (its
    # aggregate; beside it the reported growth when surveys were sent). A visitor, in no one's
    # scope, reads nothing (tests/test_page_cache.py).
    assert detail_by_viewer == {"public": 0, "province": 8, "other city": 4, "operator": 9}
