"""Every filter that picks a region offers the regions grouped by city (issue 18, item 8): the
city first in its group, then its counties; a city official's menu holds their city only."""

import re

import pytest
from django.utils import translation

from complexes.filters import ComplexFilter, page_filters
from complexes.models import Region, RegionLevel
from funding.filters import AllocationFilter
from services.forms import RegistrationForm
from tests import factories

pytestmark = pytest.mark.django_db

CITIES = 11


def groups(html: str) -> dict[str, list[str]]:
    """The menu's groups: label → the option values in it, in order."""
    return {
        label: re.findall(r'<option value="(\d+)"', body)
        for label, body in re.findall(r'<optgroup label="([^"]+)">(.*?)</optgroup>', html, re.S)
    }


def test_the_menu_holds_each_city_then_its_counties(django_assert_num_queries):
    field = ComplexFilter({}).form["region"]
    with django_assert_num_queries(1):
        html = str(field)
    menu = groups(html)
    assert len(menu) == CITIES
    jinhua = [region.code for region in Region.objects.subtree("330700").order_by("code")]
    assert menu["金华市"] == jinhua
    assert jinhua[0] == "330700" and "330784" in jinhua
    # Every region but the province sits in its city's group; the province stands alone.
    assert sum(len(codes) for codes in menu.values()) == Region.objects.count() - 1
    assert '<option value="330000">浙江省</option>' in html
    assert "金华市（全市）" in html


def test_a_city_officials_menu_holds_their_city_only():
    official = factories.regional_official("330700")
    html = str(page_filters(ComplexFilter, {}, user=official).form["region"])
    assert list(groups(html)) == ["金华市"]
    assert "330100" not in html


def test_a_county_officials_menu_names_its_city_in_the_readers_language():
    """The group of a county whose city is not in the menu takes the city's name from the
    county's parent, in the active language like every other label."""
    official = factories.regional_official("330784")
    with translation.override("en"):
        html = str(page_filters(ComplexFilter, {}, user=official).form["region"])
    jinhua = Region.objects.get(code="330700")
    assert list(groups(html)) == [jinhua.name_en]
    assert jinhua.name_en != jinhua.name_zh_hans


def test_a_menu_of_cities_stays_flat():
    html = str(AllocationFilter({}).form["city"])
    assert "<optgroup" not in html
    assert html.count('<option value="33') == CITIES


def test_a_form_picking_a_region_groups_it_too():
    html = str(RegistrationForm()["region"])
    menu = groups(html)
    assert len(menu) == CITIES
    assert "金华市（市本级）" in html and "330000" not in html


@pytest.mark.parametrize(
    "page",
    [
        "/complexes/",
        "/services/",
        "/services/enterprises/",
        "/services/verification/",
        "/evaluation/reports/",
        "/evaluation/results/",
        "/funding/",
    ],
)
def test_every_page_filtering_by_region_offers_the_grouped_menu(client_as, page):
    html = client_as(factories.provincial_official()).get(page).content.decode()
    select = re.search(r'<select name="region".*?</select>', html, re.S)
    assert select is not None, page
    assert len(groups(select.group(0))) == CITIES


def test_a_city_still_filters_its_whole_subtree(client_as):
    yongkang = factories.ComplexFactory(region=factories.region("330784"), name="永康五金综合体")
    factories.ComplexFactory(region=factories.region("330110"), name="余杭家纺综合体")
    html = client_as(factories.provincial_official()).get("/complexes/", {"region": "330700"})
    content = html.content.decode()
    assert yongkang.name in content and "余杭家纺综合体" not in content
    assert Region.objects.get(code="330700").level == RegionLevel.CITY
