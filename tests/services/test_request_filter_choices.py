"""The complex picker of the request list: the complexes whose requests the user may see,
found without reading the requests for officials (1.5 million for the province at scale 10)."""

import pytest

from services.filters import ServiceRequestFilter
from tests import factories
from tests.services.factories import OfferingFactory, ServiceRequestFactory

pytestmark = pytest.mark.django_db


def choices(user) -> set:
    field = ServiceRequestFilter({}, user=user).filters["complex"]
    return set(field.get_queryset(None))


@pytest.fixture
def scene():
    yongkang = factories.ComplexFactory(region=factories.region("330784"))
    quiet = factories.ComplexFactory(region=factories.region("330702"))  # Jinhua, no requests
    yuhang = factories.ComplexFactory(region=factories.region("330110"))
    enterprise = factories.EnterpriseFactory(region=factories.region("330784"))
    ServiceRequestFactory(offering=OfferingFactory(complex=yongkang), enterprise=enterprise)
    ServiceRequestFactory(offering=OfferingFactory(complex=yuhang))
    return {"yongkang": yongkang, "quiet": quiet, "yuhang": yuhang, "enterprise": enterprise}


def test_each_role_picks_among_the_complexes_it_sees(scene):
    assert choices(factories.provincial_official()) >= {
        scene["yongkang"],
        scene["quiet"],
        scene["yuhang"],
    }
    assert choices(factories.regional_official("330700")) == {scene["yongkang"], scene["quiet"]}
    assert choices(factories.operator_of(scene["yuhang"])) == {scene["yuhang"]}
    assert choices(factories.enterprise_user_of(scene["enterprise"])) == {scene["yongkang"]}
    assert choices(factories.UserFactory(is_staff=True)) == set()


def test_an_official_s_choices_read_no_request(scene):
    field = ServiceRequestFilter({}, user=factories.regional_official("330700")).filters["complex"]
    assert "services_servicerequest" not in str(field.get_queryset(None).query)
