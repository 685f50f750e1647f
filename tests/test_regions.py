import pytest

from complexes.models import Region, RegionLevel
from portal.policy import subtree_prefix

pytestmark = pytest.mark.django_db

CITIES = {
    "330100": "杭州市", "330200": "宁波市", "330300": "温州市", "330400": "嘉兴市",
    "330500": "湖州市", "330600": "绍兴市", "330700": "金华市", "330800": "衢州市",
    "330900": "舟山市", "331000": "台州市", "331100": "丽水市",
}  # fmt: skip


def test_the_province_its_11_cities_and_90_counties_are_loaded():
    assert Region.objects.get(code="330000").level == RegionLevel.PROVINCE
    cities = dict(Region.objects.filter(level=RegionLevel.CITY).values_list("code", "name_zh_hans"))
    assert cities == CITIES
    assert Region.objects.filter(level=RegionLevel.COUNTY).count() == 90


def test_every_county_hangs_under_the_city_its_code_names():
    for county in Region.objects.filter(level=RegionLevel.COUNTY):
        assert county.parent_id == county.code[:4] + "00"
        assert county.city_code == county.parent_id
    assert set(
        Region.objects.filter(level=RegionLevel.CITY).values_list("parent_id", flat=True)
    ) == {"330000"}


def test_current_divisions_are_used():
    # Hangzhou's 2021 redistricting created 临平区 and 钱塘区; 龙港市 became a city in 2019.
    assert Region.objects.get(code="330113").name_zh_hans == "临平区"
    assert Region.objects.get(code="330114").name_zh_hans == "钱塘区"
    assert Region.objects.get(code="330383").parent_id == "330300"
    assert not Region.objects.filter(code__in=["330103", "330104", "330185"]).exists()


# 山区26县 as the province names them (浙江省山区26县, 2021): by city, Hangzhou 1, Wenzhou 5,
# Jinhua 2, Quzhou 6 (its whole territory), Taizhou 3, Lishui 9 (its whole territory).
MOUNTAIN_26 = {
    "330127": "淳安县",
    "330324": "永嘉县", "330326": "平阳县", "330327": "苍南县", "330328": "文成县",
    "330329": "泰顺县",
    "330723": "武义县", "330727": "磐安县",
    "330802": "柯城区", "330803": "衢江区", "330822": "常山县", "330824": "开化县",
    "330825": "龙游县", "330881": "江山市",
    "331022": "三门县", "331023": "天台县", "331024": "仙居县",
    "331102": "莲都区", "331121": "青田县", "331122": "缙云县", "331123": "遂昌县",
    "331124": "松阳县", "331125": "云和县", "331126": "庆元县", "331127": "景宁畲族自治县",
    "331181": "龙泉市",
}  # fmt: skip


def test_the_26_mountain_counties_are_flagged():
    mountain = dict(Region.objects.filter(mountain_26=True).values_list("code", "name_zh_hans"))
    assert mountain == MOUNTAIN_26
    # Every one is a county-level division; 龙港市 (split from 苍南县 in 2019) is not one of them.
    assert set(Region.objects.filter(code__in=MOUNTAIN_26).values_list("level", flat=True)) == {
        "county"
    }
    assert not Region.objects.get(code="330383").mountain_26


@pytest.mark.parametrize(
    ("code", "prefix", "size"),
    [("330000", "33", 102), ("330700", "3307", 10), ("330784", "330784", 1)],
)
def test_a_subtree_is_the_region_and_everything_under_it(code, prefix, size):
    assert subtree_prefix(code) == prefix
    assert Region.objects.subtree(code).count() == size


def test_regions_endpoint_is_public_and_bilingual(api_client):
    response = api_client.get("/api/v1/regions/", {"parent": "330700", "page_size": 200})
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 9
    yongkang = next(row for row in body["results"] if row["code"] == "330784")
    assert yongkang == {
        **yongkang,
        "name": "永康市",
        "name_en": "Yongkang City",
        "level": "county",
        "parent": "330700",
        "mountain_26": False,
    }
    english = api_client.get("/api/v1/regions/330784/", HTTP_ACCEPT_LANGUAGE="en").json()
    assert english["name"] == "Yongkang City"
