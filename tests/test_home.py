"""The public home page: search, the map of complexes, the province's key figures, featured
services, the latest results and where an enterprise starts; cached for everyone alike."""

import json
import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from evaluation.models import Evaluation, Grade
from services.models import RequestStatus, ServiceRequest
from tests import factories
from tests.evaluation.factories import publish_by_hand
from tests.funding.factories import evaluated
from tests.services.factories import OfferingFactory, ServiceRequestFactory
from tests.ui.test_language_walk import CJK, LATIN_IN_CHINESE, LATIN_WORD, readable_text

pytestmark = pytest.mark.django_db

YEAR = 2025


def rated(offering, ratings: list[int]) -> None:
    """Completed requests of ``offering`` with these ratings."""
    for rating in ratings:
        request = ServiceRequestFactory(offering=offering)
        ServiceRequest.objects.filter(pk=request.pk).update(
            status=RequestStatus.COMPLETED, completed_at=timezone.now(), rating=rating
        )


@pytest.fixture
def province(yongkang_complex, hangzhou_complex):
    """Two complexes, services requested and rated, and a published year."""
    popular = OfferingFactory(complex=yongkang_complex, title="电动工具检测")
    liked = OfferingFactory(complex=hangzhou_complex, title="家纺面料检测")
    OfferingFactory(complex=hangzhou_complex, title="无人问津的服务")
    rated(popular, [3, 4, 3, 4])
    rated(liked, [5, 5, 5])
    evaluated(yongkang_complex, YEAR, "92.00", Grade.EXCELLENT)
    evaluated(hangzhou_complex, YEAR, "71.00", Grade.PASS)
    publish_by_hand(YEAR)
    cache.clear()
    return {"popular": popular, "liked": liked}


def home(client, language="zh-hans") -> str:
    response = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    return response.content.decode()


def section(html: str, heading_id: str) -> str:
    start = html.index(f'id="{heading_id}"')
    return html[start : html.index("</section>", start)]


def test_search_goes_to_the_catalogue_or_the_directory(client, province):
    html = home(client)
    start = html.index('role="search"') - 200
    form = html[start : html.index("</form>", start)]
    assert f'action="{reverse("services:catalogue")}"' in form and 'name="q"' in form
    assert f'formaction="{reverse("complexes:directory")}"' in form


def test_the_province_in_figures(client, province):
    html = home(client)
    figures = re.findall(r'<div class="kpi fs-3">([^<]+)</div>', html)
    # complexes, member institutions (one per service), services on offer, services delivered,
    # enterprises served and registered (7 completed requests, each by an enterprise of its own)
    assert figures == ["2", "3", "3", "7", "7", "7"]


def test_the_map_shades_cities_and_places_complexes(client, province, yongkang_complex):
    html = home(client)
    config = json.loads(re.search(r'id="map-config"[^>]*>(.*?)</script>', html, re.S).group(1))
    by_city = {region["code"]: region["value"] for region in config["regions"]}
    assert by_city["330700"] == 1 and by_city["330100"] == 1 and by_city["330300"] == 0
    assert config["drillUrl"] == reverse("complexes:directory") + "?region="
    assert 'id="region-map"' in html and "js/region_map.js" in html


def test_featured_services_most_requested_and_best_rated(client, province):
    html = home(client)
    most = section(html, "most-requested")
    best = section(html, "best-rated")
    assert most.index("电动工具检测") < most.index("家纺面料检测")
    assert "家纺面料检测" in best and "5.0 / 5" in best and "电动工具检测" in best
    assert best.index("家纺面料检测") < best.index("电动工具检测")
    assert "无人问津的服务" not in most + best


def test_drafts_are_not_results_yet(client, yongkang_complex):
    evaluated(yongkang_complex, YEAR, "92.00", Grade.EXCELLENT)
    cache.clear()
    assert "优秀 1" not in section(home(client), "results-heading")


def test_latest_results_as_counts_by_grade_only(client, province, yongkang_complex):
    html = section(home(client), "results-heading")
    assert str(YEAR) in html and "优秀 1" in html and "合格 1" in html
    assert "92" not in html and yongkang_complex.name not in html  # no complex's own score


def test_where_an_enterprise_starts(client, province):
    html = section(home(client), "start-heading")
    for page in ("services:register", "services:catalogue", "services:vouchers"):
        assert f'href="{reverse(page)}"' in html


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_home_page_speaks_one_language(client, province, language):
    data = {
        str(value)
        for obj in Evaluation.objects.select_related("complex")
        for value in (obj.complex.name,)
    } | {"电动工具检测", "家纺面料检测", "无人问津的服务"}
    text = readable_text(home(client, language), data)
    if language == "en":
        assert [part for part in text if CJK.search(part)] == []
    else:
        words = {w for part in text for w in LATIN_WORD.findall(part)} - LATIN_IN_CHINESE
        assert words == set()


def test_queries_are_few_constant_and_none_once_cached(client, province, hangzhou_complex):
    cache.clear()
    with CaptureQueriesContext(connection) as cold:
        home(client)
    # figures 5, featured services 2, latest results 2, the map 2
    assert len(cold) == 11
    with CaptureQueriesContext(connection) as warm:
        home(client)
    assert len(warm) == 0
    for number in range(5):
        rated(OfferingFactory(complex=hangzhou_complex, title=f"更多服务{number}"), [4, 4, 4])
    cache.clear()
    with CaptureQueriesContext(connection) as more:
        home(client)
    assert len(more) == len(cold)


def test_a_new_service_shows_at_once(client, province, hangzhou_complex):
    home(client)
    offering = OfferingFactory(complex=hangzhou_complex, title="新上架的检测服务")
    rated(offering, [5, 5, 5, 5, 5, 5])
    offering.save()  # what the catalogue's cache listens to
    assert "新上架的检测服务" in section(home(client), "most-requested")


def test_signed_in_visitors_see_the_same_page(client_as, province):
    official = client_as(factories.provincial_official())
    assert "电动工具检测" in section(home(official), "most-requested")
