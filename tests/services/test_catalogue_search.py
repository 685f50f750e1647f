"""A catalogue people can search: orders by price, turnaround, rating and number served; each
offering with its rating; a map of the complexes offering what the filters select."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from services.models import OfferingStats, RequestStatus, ServiceRequest
from services.offering_stats import offering_stats_refresh
from services.selectors import offering_map_points
from tests import factories
from tests.services.factories import OfferingFactory, ServiceRequestFactory, advance

pytestmark = pytest.mark.django_db


def completed(offering, rating: int):
    request = ServiceRequestFactory(offering=offering)
    ServiceRequest.objects.filter(pk=request.pk).update(
        status=RequestStatus.COMPLETED, rating=rating, completed_at=request.submitted_at
    )


@pytest.fixture
def catalogue():
    yongkang = factories.ComplexFactory(
        region=factories.region("330784"), longitude=Decimal("120.05"), latitude=Decimal("28.9")
    )
    yuhang = factories.ComplexFactory(
        region=factories.region("330110"), longitude=Decimal("119.98"), latitude=Decimal("30.4")
    )
    cheap = OfferingFactory(
        complex=yongkang, title="盐雾试验", price=Decimal(800), turnaround_days=9
    )
    dear = OfferingFactory(
        complex=yongkang, title="整机检测", price=Decimal(9000), turnaround_days=3
    )
    quoted = OfferingFactory(complex=yuhang, title="面料设计", price=None, turnaround_days=5)
    for rating in (5, 4):
        completed(dear, rating)
    for rating in (3, 3, 3):
        completed(quoted, rating)
    ServiceRequestFactory(offering=cheap)  # submitted: neither served nor rated
    offering_stats_refresh()
    return {"cheap": cheap, "dear": dear, "quoted": quoted, "yongkang": yongkang}


def titles(client, query: str) -> list[str]:
    response = client.get(f"/services/?{query}")
    assert response.status_code == 200
    return [offering.title for offering in response.context["page"].object_list]


def test_the_figures_count_confirmed_requests(catalogue):
    stats = {row.offering_id: row for row in OfferingStats.objects.all()}
    dear, quoted, cheap = (stats[catalogue[name].pk] for name in ("dear", "quoted", "cheap"))
    assert (dear.served_count, dear.rating_count, dear.rating_average) == (2, 2, Decimal("4.50"))
    assert (quoted.served_count, quoted.rating_average) == (3, Decimal("3.00"))
    assert (cheap.served_count, cheap.rating_count, cheap.rating_average) == (0, 0, None)
    assert offering_stats_refresh() == 0  # nothing changed: nothing written


def test_a_confirmation_updates_its_offering_at_once(catalogue, django_capture_on_commit_callbacks):
    offering = catalogue["cheap"]
    request = ServiceRequest.objects.get(offering=offering)
    with django_capture_on_commit_callbacks(execute=True):
        advance(
            request,
            RequestStatus.COMPLETED,
            operator=factories.operator_of(offering.complex),
            enterprise_user=factories.enterprise_user_of(request.enterprise),
        )
    stats = OfferingStats.objects.get(offering=offering)
    assert (stats.served_count, stats.rating_average) == (1, Decimal("5.00"))


def test_the_catalogue_sorts_by_what_people_compare(client, catalogue):
    assert titles(client, "sort=price") == ["盐雾试验", "整机检测", "面料设计"]  # 面议 last
    assert titles(client, "sort=turnaround") == ["整机检测", "面料设计", "盐雾试验"]
    assert titles(client, "sort=rating") == ["整机检测", "面料设计", "盐雾试验"]
    assert titles(client, "sort=served") == ["面料设计", "整机检测", "盐雾试验"]
    assert client.get("/services/?sort=cheapest").status_code == 400
    api = client.get("/api/v1/offerings/?sort=price").json()["results"]
    assert [row["title"] for row in api] == ["盐雾试验", "整机检测", "面料设计"]


def test_each_offering_shows_its_rating(client, catalogue):
    text = client.get("/services/").content.decode()
    assert "4.50 分（2 人评价）" in text
    assert "暂无评分" in text
    english = client.get("/services/", headers={"accept-language": "en"}).content.decode()
    assert "4.50 from 2 ratings" in english


def test_the_map_shows_the_complexes_offering_what_is_selected(client, catalogue):
    points = {point["code"]: point["value"][2] for point in offering_map_points()}
    assert points == {catalogue["yongkang"].code: 2, catalogue["quoted"].complex.code: 1}
    page = client.get("/services/?q=盐雾")
    assert [point["code"] for point in page.context["map"]["points"]] == [
        catalogue["yongkang"].code
    ]
    assert 'id="catalogue-map-config"' in page.content.decode()


def test_the_catalogue_reads_the_same_queries_for_more_offerings(client, catalogue):
    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            client.get("/services/?sort=rating")
        return len(queries)

    few = count()
    for _ in range(5):
        completed(OfferingFactory(complex=catalogue["yongkang"]), 4)
    offering_stats_refresh()
    assert count() == few
