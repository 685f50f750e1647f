"""One scoping mechanism decides what every role may see privately."""

import pytest

from complexes.models import Complex, Institution
from services.models import Enterprise

from . import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    yongkang = factories.ComplexFactory(region=factories.region("330784"))
    yiwu = factories.ComplexFactory(region=factories.region("330782"))
    yuhang = factories.ComplexFactory(region=factories.region("330110"))
    for complex_ in (yongkang, yiwu, yuhang):
        factories.InstitutionFactory(complex=complex_)
    return {
        "yongkang": yongkang,
        "yiwu": yiwu,
        "yuhang": yuhang,
        "yongkang_enterprise": factories.EnterpriseFactory(region=factories.region("330784")),
        "yuhang_enterprise": factories.EnterpriseFactory(region=factories.region("330110")),
    }


def codes(queryset):
    return {complex_.region_id for complex_ in queryset}


def test_provincial_official_sees_everything(world):
    user = factories.provincial_official()
    assert Complex.objects.in_scope(user).count() == 3
    assert Institution.objects.in_scope(user).count() == 3
    assert Enterprise.objects.in_scope(user).count() == 2


def test_city_official_sees_the_whole_city_subtree_only(world):
    jinhua = factories.regional_official("330700")
    assert codes(Complex.objects.in_scope(jinhua)) == {"330784", "330782"}
    assert Institution.objects.in_scope(jinhua).count() == 2
    assert list(Enterprise.objects.in_scope(jinhua)) == [world["yongkang_enterprise"]]


def test_county_official_sees_the_county_only(world):
    yongkang = factories.regional_official("330784")
    assert list(Complex.objects.in_scope(yongkang)) == [world["yongkang"]]
    assert Institution.objects.in_scope(yongkang).get().complex == world["yongkang"]


def test_operator_sees_their_own_complex_only(world):
    operator = factories.operator_of(world["yiwu"])
    assert list(Complex.objects.in_scope(operator)) == [world["yiwu"]]
    assert Institution.objects.in_scope(operator).get().complex == world["yiwu"]
    assert not Enterprise.objects.in_scope(operator).exists()


def test_enterprise_user_sees_their_own_enterprise_only(world):
    user = factories.enterprise_user_of(world["yuhang_enterprise"])
    assert list(Enterprise.objects.in_scope(user)) == [world["yuhang_enterprise"]]
    assert not Complex.objects.in_scope(user).exists()


def test_anonymous_inactive_and_unbound_staff_see_nothing(world):
    from django.contrib.auth.models import AnonymousUser

    inactive = factories.provincial_official(is_active=False)
    staff = factories.UserFactory()
    for user in (AnonymousUser(), inactive, staff):
        assert not Complex.objects.in_scope(user).exists()
        assert not Enterprise.objects.in_scope(user).exists()


def test_a_role_without_its_anchor_is_refused_by_the_database(world):
    from django.db import IntegrityError

    from accounts.models import Role

    with pytest.raises(IntegrityError):
        factories.UserFactory(role=Role.OPERATOR)


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("anonymous", 401),
        ("enterprise", 403),
        # City and county officials only propose status changes (issue 14): never set them.
        ("hangzhou_official", 403),
        ("other_operator", 404),
        ("jinhua_official", 403),
        ("yongkang_official", 403),
        ("province", 200),
    ],
)
def test_status_change_answers_by_scope(world, api_as, who, status):
    users = {
        "anonymous": None,
        "enterprise": factories.enterprise_user_of(world["yongkang_enterprise"]),
        "hangzhou_official": factories.regional_official("330100"),
        "other_operator": factories.operator_of(world["yuhang"]),
        "jinhua_official": factories.regional_official("330700"),
        "yongkang_official": factories.regional_official("330784"),
        "province": factories.provincial_official(),
    }
    response = api_as(users[who]).patch(
        f"/api/v1/complexes/{world['yongkang'].pk}/",
        {"status": "rectifying", "status_reason": "年度评价不合格"},
        format="json",
    )
    assert response.status_code == status, response.content
    world["yongkang"].refresh_from_db()
    assert (world["yongkang"].status == "rectifying") == (status == 200)


@pytest.mark.parametrize(
    ("who", "status"),
    [("own_operator", 200), ("other_operator", 404), ("jinhua_official", 403), ("anonymous", 401)],
)
def test_profile_edit_answers_by_scope(world, api_as, who, status):
    users = {
        "own_operator": factories.operator_of(world["yongkang"]),
        "other_operator": factories.operator_of(world["yiwu"]),
        "jinhua_official": factories.regional_official("330700"),
        "anonymous": None,
    }
    response = api_as(users[who]).patch(
        f"/api/v1/complexes/{world['yongkang'].pk}/", {"contact_name": "王明"}, format="json"
    )
    assert response.status_code == status, response.content


def test_out_of_scope_pages_answer_404(world, client_as):
    client = client_as(factories.operator_of(world["yiwu"]))
    assert client.get(f"/complexes/{world['yongkang'].code}/edit/").status_code == 404
    assert client.get(f"/complexes/{world['yongkang'].code}/members/add/").status_code == 404
    assert client.get(f"/complexes/{world['yiwu'].code}/edit/").status_code == 200
    hangzhou = client_as(factories.regional_official("330100"))
    assert hangzhou.get(f"/complexes/{world['yongkang'].code}/status/").status_code == 404
    assert hangzhou.get(f"/complexes/{world['yuhang'].code}/status/").status_code == 200
