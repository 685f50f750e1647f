"""A county official's dashboard carries no figure of any region outside the county.

Every measure the map offers is asked for as the official of Yongkang (330784): the page's
embedded data (map regions and points, charts), its tables, headline figures, rankings and
early warnings must hold Yongkang's figures and none of its sibling Yiwu's (330782, same city)
nor Jinhua's own total.
"""

import json
import re
from decimal import Decimal

import pytest

from dashboard.measures import HEADLINES, MAP_MEASURES, MONEY_MEASURES
from dashboard.models import RegionFigure
from dashboard.selectors import current_year
from evaluation.models import Grade
from portal.money import WAN

from . import factories
from .funding.factories import evaluated

pytestmark = pytest.mark.django_db

OWN, SIBLING, CITY = "330784", "330782", "330700"
JSON_SCRIPT = re.compile(r'<script id="[^"]+" type="application/json">(.*?)</script>', re.S)


def measures() -> list[str]:
    """Every measure a figure of the page reads."""
    names = {measure for measure, _label in MAP_MEASURES}
    names |= {"scores.sum.traditional", "scores.count.traditional", "funding.allocations"}
    names |= {"satisfaction.weighted", "satisfaction.weight", "funding.compliant"}
    names |= {f"indicator.{code}" for code in ("tech_transaction_amount", "shared_instruments")}
    for item in HEADLINES:
        names |= {name for name in _measures_read(item.compute)}
    return sorted(names)


def _measures_read(compute) -> set[str]:
    """The measure names a headline's closure reads (``total``, ``scaled``, ``ratio``)."""
    cells = [cell.cell_contents for cell in compute.__closure__ or ()]
    return {cell for cell in cells if isinstance(cell, str)}


@pytest.fixture
def yongkang_and_yiwu():
    own = factories.ComplexFactory(
        region=factories.region(OWN), name="永康五金综合体", longitude=120.05, latitude=28.9
    )
    sibling = factories.ComplexFactory(
        region=factories.region(SIBLING), name="义乌小商品综合体", longitude=120.07, latitude=29.3
    )
    year = current_year()
    evaluated(own, year, "81.00", Grade.GOOD, rank=2)
    evaluated(sibling, year, "93.00", Grade.EXCELLENT, rank=1)
    evaluated(sibling, year - 1, "41.00", Grade.FAIL)  # an early warning of Yiwu's
    # Distinct values per region and measure: Yiwu's funds are the 20,000,000.
    figures = []
    for number, measure in enumerate(measures()):
        for region, base in ((OWN, 11_000), (SIBLING, 7_770_000), (CITY, 5_550_000)):
            value = (
                Decimal(20_000_000) if (region, measure) == (SIBLING, "funding.allocated") else None
            )
            figures.append(
                RegionFigure(
                    year=year,
                    region_id=region,
                    measure=measure,
                    value=value or Decimal(base + number * 13),
                )
            )
    RegionFigure.objects.bulk_create(figures)
    outside = {
        value
        for region, measure, value in RegionFigure.objects.exclude(region_id=OWN).values_list(
            "region_id", "measure", "value"
        )
    }
    return own, sibling, outside


def _spellings(value: Decimal) -> set[str]:
    """How a figure can appear on the page: plain, as a float, in 万元, with separators."""
    whole = int(value)
    return {str(whole), f"{whole:,}", f"{float(value)}", f"{value / 10_000:.1f}", str(value)}


@pytest.mark.parametrize("measure", [measure for measure, _label in MAP_MEASURES])
def test_a_county_officials_page_holds_no_figure_outside_the_county(
    client_as, yongkang_and_yiwu, measure
):
    own, sibling, outside = yongkang_and_yiwu
    page = client_as(factories.regional_official(OWN)).get("/dashboard/", {"measure": measure})
    assert page.status_code == 200
    html = page.content.decode()
    embedded = JSON_SCRIPT.findall(html)
    map_config = json.loads(embedded[0])
    assert [region["code"] for region in map_config["regions"]] == [OWN]
    assert map_config["highlight"] == OWN
    assert [point["code"] for point in map_config["points"]] == [own.code]
    own_value = RegionFigure.objects.get(region_id=OWN, measure=measure).value
    # The map draws money in 万元, as the table beside it shows it.
    expected = own_value / WAN if measure in MONEY_MEASURES else own_value
    assert map_config["regions"][0]["value"] == float(expected)
    for data in embedded:
        for code in (SIBLING, sibling.code):
            assert code not in data, (code, data)
    for value in outside:
        for spelling in _spellings(value):
            assert spelling not in html, (measure, spelling)
    assert sibling.name not in html
    # The page's tables: the rankings and the early warnings are Yongkang's alone.
    ranked = [row.complex_id for _label, rows in page.context["rankings"] for row in rows]
    assert ranked == [own.pk]
    assert list(page.context["warnings"]) == []


def test_the_summary_api_and_the_region_table_agree(api_as, client_as, yongkang_and_yiwu):
    official = factories.regional_official(OWN)
    summary = api_as(official).get("/api/v1/dashboard/summary/", {"region": SIBLING})
    assert summary.status_code == 404
    client = client_as(official)
    for path in ("/dashboard/", "/dashboard/summary.pdf", "/dashboard/regions.xlsx"):
        assert client.get(path, {"region": SIBLING}).status_code == 404, path


def test_a_city_official_still_sees_every_county_of_the_city(client_as, yongkang_and_yiwu):
    page = client_as(factories.regional_official(CITY)).get(
        "/dashboard/", {"measure": "funding.allocated"}
    )
    regions = {
        region["code"]: region["value"]
        for region in json.loads(JSON_SCRIPT.findall(page.content.decode())[0])["regions"]
    }
    assert regions[SIBLING] == 2_000.0  # 20,000,000 yuan in 万元
    assert OWN in regions and all(code.startswith("3307") for code in regions)
    assert {child.code for child, _value in page.context["children"]} == set(regions)
