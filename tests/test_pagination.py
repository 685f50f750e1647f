"""Long lists count up to a cap and say "more than" beyond it."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from complexes.models import Complex
from portal import pagination
from tests import factories
from tests.services.factories import ServiceRequestFactory

pytestmark = pytest.mark.django_db


def test_a_list_longer_than_the_cap_says_more_than(client_as, monkeypatch):
    monkeypatch.setattr(pagination, "COUNT_CAP", 3)
    ServiceRequestFactory.create_batch(5)
    client = client_as(factories.provincial_official())
    with CaptureQueriesContext(connection) as queries:
        page = client.get("/services/requests/")
    text = page.content.decode()
    assert "超过 3 条服务申请" in text
    counts = [query["sql"] for query in queries if "COUNT(*)" in query["sql"]]
    assert any("services_servicerequest" in sql and "LIMIT 4" in sql for sql in counts)


def test_a_list_within_the_cap_counts_exactly(client_as, monkeypatch):
    monkeypatch.setattr(pagination, "COUNT_CAP", 3)
    ServiceRequestFactory.create_batch(2)
    page = client_as(factories.provincial_official()).get("/services/requests/")
    assert "共 2 项申请" in page.content.decode()
    assert "超过" not in page.content.decode()


def test_pages_up_to_the_cap_stay_reachable():
    paginator = pagination.CappedPaginator(list(range(25)), 10, cap=20)
    assert (paginator.count, paginator.capped, paginator.num_pages) == (20, True, 2)
    assert list(paginator.page(2)) == list(range(10, 20))


def test_a_page_read_by_its_ids_holds_the_lists_rows_in_its_order():
    """``LateRowsPaginator`` reads a page's ids, then their rows: the same rows in the same
    order as the list's own slice, on every page, the last one short."""
    for number in range(7):
        factories.ComplexFactory(name=f"综合体{(number * 5) % 7}")
    rows = Complex.objects.select_related("region").order_by("-name", "pk")
    paginator = pagination.LateRowsPaginator(rows, 3)
    pages = [list(paginator.page(number).object_list) for number in paginator.page_range]
    assert pages == [list(rows[0:3]), list(rows[3:6]), list(rows[6:9])]
    assert [len(page) for page in pages] == [3, 3, 1]
