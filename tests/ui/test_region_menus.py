"""Region menus of the officials' filters list only the regions the official can see."""

import re

import pytest
from django.urls import reverse

from tests import factories

SCOPED_PAGES = [
    ("evaluation:reports", "region"),
    ("evaluation:rankings", "region"),
    # One menu grouped by city (the city, then its counties) stands for the city and county
    # filters, which stay in the API and in links.
    ("funding:table", "region"),
    ("services:enterprises", "region"),
]


def offered_codes(html: str, field: str) -> set[str]:
    select = re.search(rf'<select name="{field}".*?</select>', html, re.S)
    assert select, f"no {field} menu"
    return set(re.findall(r'<option value="(\d{6})"', select.group(0)))


@pytest.mark.django_db
@pytest.mark.parametrize(("page", "field"), SCOPED_PAGES)
def test_a_city_official_picks_among_their_city_and_its_counties(client_as, page, field):
    html = client_as(factories.regional_official("330700")).get(reverse(page)).content.decode()
    codes = offered_codes(html, field)
    assert codes
    assert all(code.startswith("3307") for code in codes)


@pytest.mark.django_db
@pytest.mark.parametrize(("page", "field"), SCOPED_PAGES)
def test_the_province_picks_among_every_city(client_as, page, field):
    html = client_as(factories.provincial_official()).get(reverse(page)).content.decode()
    assert {code[:4] for code in offered_codes(html, field)} >= {"3301", "3307"}


@pytest.mark.django_db
def test_the_api_keeps_answering_an_out_of_scope_region_with_no_rows(api_as):
    response = api_as(factories.regional_official("330700")).get(
        "/api/v1/evaluations/", {"region": "330100"}
    )
    assert response.status_code == 200
    assert response.json()["count"] == 0
