"""``mountain_26=true|false`` filters complexes, offerings and enterprises by their region's
山区26县 flag, on the API and on the pages, and the schema documents it."""

import pytest
from drf_spectacular.generators import SchemaGenerator

from tests import factories
from tests.services.factories import OfferingFactory

pytestmark = pytest.mark.django_db

LONGQUAN = "331181"  # 龙泉市, Lishui: one of the 26
YONGKANG = "330784"  # 永康市, Jinhua: not one of them


@pytest.fixture
def world():
    mountain = factories.ComplexFactory(region=factories.region(LONGQUAN), name="龙泉青瓷综合体")
    plain = factories.ComplexFactory(region=factories.region(YONGKANG), name="永康五金综合体")
    return {
        "complexes": {"true": mountain, "false": plain},
        "offerings": {
            "true": OfferingFactory(complex=mountain),
            "false": OfferingFactory(complex=plain),
        },
        "enterprises": {
            "true": factories.EnterpriseFactory(region=factories.region(LONGQUAN)),
            "false": factories.EnterpriseFactory(region=factories.region(YONGKANG)),
        },
    }


@pytest.mark.parametrize("resource", ["complexes", "offerings", "enterprises"])
@pytest.mark.parametrize("flag", ["true", "false"])
def test_the_api_filters_by_the_regions_flag(api_as, world, resource, flag):
    response = api_as(factories.provincial_official()).get(
        f"/api/v1/{resource}/", {"mountain_26": flag}
    )
    assert response.status_code == 200
    assert [row["id"] for row in response.json()["results"]] == [world[resource][flag].pk]


@pytest.mark.parametrize(
    ("page", "row"),
    [
        ("/complexes/", lambda world: world["complexes"]["true"].name),
        ("/services/", lambda world: world["offerings"]["true"].title),
        ("/services/enterprises/", lambda world: world["enterprises"]["true"].name),
    ],
)
def test_the_pages_offer_the_filter(client_as, world, page, row):
    client = client_as(factories.provincial_official())
    unfiltered = client.get(page)
    assert 'name="mountain_26"' in unfiltered.content.decode()
    assert "山区26县" in unfiltered.content.decode()
    filtered = client.get(page, {"mountain_26": "false"}).content.decode()
    assert row(world) not in filtered
    assert row(world) in client.get(page, {"mountain_26": "true"}).content.decode()


@pytest.mark.parametrize(
    "path", ["/api/v1/complexes/", "/api/v1/offerings/", "/api/v1/enterprises/"]
)
def test_the_schema_documents_the_filter(path):
    schema = SchemaGenerator().get_schema(request=None, public=True)
    parameters = {p["name"]: p for p in schema["paths"][path]["get"]["parameters"]}
    assert parameters["mountain_26"]["schema"]["type"] == "boolean"
    assert "26" in parameters["mountain_26"].get("description", "")
