"""The catalogue, the directory and a complex's public page come from the page cache
(``portal.page_cache``): a repeated request reads no rows, a write shows at once, each audience
sees its own page, and the queries of a page do not grow with its rows."""

import re
from collections import OrderedDict

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from complexes.models import ComplexStatusChange, Status, TalentTeam
from complexes.views import FIGURES_SLOT
from portal import page_cache
from portal.api.public_cache import current_generation, public_lists_changed
from services.models import RequestStatus

from . import factories
from .services.factories import OfferingFactory, ServiceRequestFactory, advance

pytestmark = pytest.mark.django_db

CACHED_PAGES = ["/", "/services/", "/complexes/"]


def get(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode(), len(queries)


def main_part(page: str) -> str:
    """What the page cache keeps (the layout around it carries a CSRF token per session)."""
    return page[page.index("<main") : page.index("</main>")]


@pytest.fixture
def offering(yongkang_complex):
    return OfferingFactory(complex=yongkang_complex, title="五金制品质量检测")


@pytest.mark.parametrize("url", CACHED_PAGES)
def test_a_repeated_anonymous_page_reads_no_rows(offering, url):
    first, first_queries = get(Client(), url)
    again, again_queries = get(Client(), url)
    assert first_queries > 0
    assert again_queries == 0
    assert main_part(again) == main_part(first)


def test_a_visitor_reads_no_rows_for_a_complex_page_again(offering):
    url = f"/complexes/{offering.complex.code}/"
    first, first_queries = get(Client(), url)
    again, again_queries = get(Client(), url)
    # A visitor is in no complex's scope: the cache answers without reading the complex.
    assert (first_queries, again_queries) == (11, 0)
    assert main_part(again) == main_part(first)
    assert again.count(offering.complex.name) == first.count(offering.complex.name)


def test_a_visitor_sees_a_renamed_complex_and_region_in_its_pages_title_at_once(yongkang_complex):
    url = f"/complexes/{yongkang_complex.code}/"
    get(Client(), url)
    yongkang_complex.name = "永康五金综合体（更名）"
    yongkang_complex.save()
    region = yongkang_complex.region
    region.name = "永康（更名）"
    region.save()
    page = get(Client(), url)[0]
    assert "<title>永康五金综合体（更名） · " in page
    assert 'aria-current="page">永康五金综合体（更名）</li>' in page
    assert "永康（更名）</a></li>" in page


def test_an_unknown_or_deleted_complex_answers_404_to_a_visitor_every_time(yongkang_complex):
    for _ in range(2):
        assert Client().get("/complexes/ZJ00000000/").status_code == 404
    url = f"/complexes/{yongkang_complex.code}/"
    assert Client().get(url).status_code == 200
    yongkang_complex.delete()
    assert Client().get(url).status_code == 404


def test_an_edited_offering_shows_in_the_catalogue_at_once(offering):
    assert "五金制品质量检测" in get(Client(), "/services/")[0]
    offering.title = "模具钢材检测"
    offering.save()
    OfferingFactory(complex=offering.complex, title="注塑件尺寸检测")
    page = get(Client(), "/services/")[0]
    assert "模具钢材检测" in page and "注塑件尺寸检测" in page
    assert "五金制品质量检测" not in page


def test_a_renamed_complex_shows_on_the_home_pages_map_at_once(yongkang_complex):
    yongkang_complex.longitude, yongkang_complex.latitude = 120.05, 28.9
    yongkang_complex.save()
    assert yongkang_complex.name in get(Client(), "/")[0]
    yongkang_complex.name = "永康五金综合体（更名）"
    yongkang_complex.save()
    assert "永康五金综合体（更名）" in get(Client(), "/")[0]


def test_a_renamed_complex_and_a_new_member_show_in_the_directory_at_once(yongkang_complex):
    assert yongkang_complex.name in get(Client(), "/complexes/")[0]
    yongkang_complex.name = "永康五金新名称综合体"
    yongkang_complex.save()
    factories.InstitutionFactory(complex=yongkang_complex)
    page = get(Client(), "/complexes/")[0]
    assert "永康五金新名称综合体" in page


@pytest.mark.parametrize("viewer", ["visitor", "operator"])
def test_what_the_complex_page_shows_is_fresh_after_each_write(client_as, yongkang_complex, viewer):
    client = Client() if viewer == "visitor" else client_as(factories.operator_of(yongkang_complex))
    url = f"/complexes/{yongkang_complex.code}/"
    get(client, url)
    TalentTeam.objects.create(
        complex=yongkang_complex, name="精密铸造攻关团队", leader="陈工", size=6
    )
    assert "精密铸造攻关团队" in get(client, url)[0]
    ComplexStatusChange.objects.create(
        complex=yongkang_complex,
        from_status=Status.OPERATING,
        to_status=Status.OPERATING,
        reason="年度复核通过，继续运行",
    )
    assert "年度复核通过，继续运行" in get(client, url)[0]
    member = factories.InstitutionFactory(complex=yongkang_complex, name="永康市金属材料研究院")
    assert member.name in get(client, url)[0]


def services_delivered(page: str) -> int:
    return int(re.search(r'id="services-time-heading".*?badge[^>]*>(\d+)<', page, re.S)[1])


def test_those_in_scope_get_the_kept_page_with_its_live_figures_read_for_each_request(
    client_as, offering
):
    """The figures are not kept: a completed request (a write the public lists do not watch)
    counts on the next visit, while the part around them comes from the cache. A visitor gets
    neither the figures nor the place they go."""
    url = f"/complexes/{offering.complex.code}/"
    operator_user = factories.operator_of(offering.complex)
    operator = client_as(operator_user)
    first = get(operator, url)[0]
    generation = current_generation()
    service_request = ServiceRequestFactory(offering=offering)
    enterprise_user = factories.enterprise_user_of(service_request.enterprise)
    advance(
        service_request,
        RequestStatus.COMPLETED,
        operator=operator_user,
        enterprise_user=enterprise_user,
    )
    assert current_generation() == generation
    again = get(operator, url)[0]
    assert services_delivered(again) == services_delivered(first) + 1
    public = get(Client(), url)[0]
    assert "services-time-heading" not in public
    for page in (first, again, public):
        assert str(FIGURES_SLOT) not in page


def test_each_audience_sees_its_own_page(client_as, yongkang_complex):
    """The operator's and an official's pages (buttons, contacts) never reach a visitor, in
    either order, nor a visitor's page them."""
    yongkang_complex.contact_phone = "0579-87654321"
    yongkang_complex.save()
    url = f"/complexes/{yongkang_complex.code}/"
    operator = client_as(factories.operator_of(yongkang_complex))
    official = client_as(factories.regional_official("330700"))
    for _ in range(2):
        assert "0579-87654321" not in get(Client(), url)[0]
        assert "0579-87654321" in get(operator, url)[0]
        assert f"/complexes/{yongkang_complex.code}/history/" in get(operator, url)[0]
        assert f"/complexes/{yongkang_complex.code}/history/" not in get(Client(), url)[0]
        assert "0579-87654321" in get(official, url)[0]
    directory = "/complexes/"
    compare = "/dashboard/compare/"
    for _ in range(2):
        assert compare not in get(Client(), directory)[0]
        assert compare in get(official, directory)[0]


def test_each_language_has_its_own_page(offering):
    chinese = get(Client(), "/services/")[0]
    english = get(Client(HTTP_ACCEPT_LANGUAGE="en"), "/services/")[0]
    assert chinese != english
    assert "Service catalogue" in english and "Service catalogue" not in chinese


def rows_and_queries(client, url, add_row, rows):
    for _ in range(rows):
        add_row()
    public_lists_changed()  # a miss: the queries of a page rendered afresh
    return get(client, url)[1]


@pytest.mark.parametrize("url", CACHED_PAGES)
@pytest.mark.parametrize("viewer", ["visitor", "official"])
def test_the_queries_of_a_fresh_page_do_not_grow_with_its_rows(client_as, url, viewer):
    client = Client() if viewer == "visitor" else client_as(factories.provincial_official())
    complex_ = factories.ComplexFactory()

    def add_row():
        OfferingFactory(complex=factories.ComplexFactory() if "complexes" in url else complex_)

    one = rows_and_queries(client, url, add_row, 1)
    five = rows_and_queries(client, url, add_row, 4)
    assert one == five


@pytest.mark.parametrize("viewer", ["visitor", "official"])
def test_the_queries_of_a_complex_page_do_not_grow_with_its_parts(client_as, viewer):
    client = Client() if viewer == "visitor" else client_as(factories.provincial_official())
    complex_ = factories.ComplexFactory()
    url = f"/complexes/{complex_.code}/"

    def add_row():
        OfferingFactory(complex=complex_)
        TalentTeam.objects.create(complex=complex_, name="攻关团队", leader="陈工", size=3)

    client.get(url)  # the session and per-process caches
    one = rows_and_queries(client, url, add_row, 1)
    five = rows_and_queries(client, url, add_row, 4)
    assert one == five


def test_each_process_remembers_parts_up_to_a_size_forgetting_the_least_recently_served(
    monkeypatch,
):
    monkeypatch.setattr(page_cache, "_remembered", OrderedDict())
    monkeypatch.setattr(page_cache, "_remembered_characters", 0)
    monkeypatch.setattr(page_cache, "REMEMBERED_CHARACTERS", 25)
    page_cache._remember("first", 1, {"content": "a" * 10})
    page_cache._remember("second", 1, {"content": "b" * 10})
    assert page_cache._recall("first", 1) == {"content": "a" * 10}
    page_cache._remember("third", 1, {"title": "c" * 5, "content": "c" * 5})
    assert page_cache._recall("second", 1) is None
    assert page_cache._recall("first", 1) is not None
    assert page_cache._recall("third", 1) is not None
    page_cache._remember("first", 2, {"content": "a" * 12})
    assert page_cache._remembered_characters == 22
    page_cache._remember("huge", 1, {"content": "d" * 100})
    assert list(page_cache._remembered) == ["huge"]
    assert page_cache._remembered_characters == 100
