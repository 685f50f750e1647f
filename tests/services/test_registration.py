"""Enterprise self-registration, in the browser and through the API."""

import pytest

from accounts.models import Role
from services.models import Enterprise
from tests import factories

pytestmark = pytest.mark.django_db

GOOD_CODE = factories.valid_credit_code(12345678)


def registration(**overrides):
    data = {
        "username": "hengda",
        "password": "Yongkang-Tools-2026",
        "credit_code": GOOD_CODE.lower(),
        "name": "永康市恒达工具有限公司",
        "region": "330784",
        "size": "small",
        "high_tech": True,
        "tech_sme": False,
        "contact_name": "王伟",
        "contact_phone": "13800000000",
        "contact_email": "wang@hengda.example",
    }
    return {**data, **overrides}


def test_api_registration_creates_the_enterprise_and_its_user(api_client):
    response = api_client.post("/api/v1/enterprises/", registration(), format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["credit_code"] == GOOD_CODE and body["region"] == "330784"
    assert body["size"] == "small" and body["high_tech"] is True
    user = factories.authenticate(username="hengda", password="Yongkang-Tools-2026")
    assert user.role == Role.ENTERPRISE and user.enterprise_id == body["id"]


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        (
            {"credit_code": GOOD_CODE[:-1] + ("0" if GOOD_CODE[-1] != "0" else "1")},
            "credit_code",
            "校验",
        ),
        ({"credit_code": "91330784ABC"}, "credit_code", "18"),
        ({"credit_code": "91330784MA2OI0000Z"}, "credit_code", "字符"),
        ({"password": "123"}, "password", "密码"),
    ],
)
def test_invalid_input_is_refused_with_a_clear_message(api_client, overrides, field, message):
    response = api_client.post("/api/v1/enterprises/", registration(**overrides), format="json")
    assert response.status_code == 400
    assert message in " ".join(response.json()[field]), response.json()
    assert not Enterprise.objects.exists()


def test_a_duplicate_code_is_refused_and_nothing_is_created(api_client):
    factories.EnterpriseFactory(credit_code=GOOD_CODE)
    response = api_client.post(
        "/api/v1/enterprises/", registration(username="other"), format="json"
    )
    assert response.status_code == 400
    assert response.json()["credit_code"] == ["使用该信用代码的企业已经注册。"]
    assert not factories.authenticate(username="other", password="Yongkang-Tools-2026")


def test_browser_registration_logs_the_enterprise_in(client):
    data = registration(email="wang@hengda.example", password_again="Yongkang-Tools-2026")
    response = client.post("/services/register/", data)
    assert response.status_code == 302
    assert client.get("/services/requests/").status_code == 200
    assert Enterprise.objects.get().name == "永康市恒达工具有限公司"


def test_browser_registration_shows_the_duplicate_next_to_the_field(client):
    factories.EnterpriseFactory(credit_code=GOOD_CODE)
    data = registration(email="wang@hengda.example", password_again="Yongkang-Tools-2026")
    response = client.post("/services/register/", data)
    assert response.status_code == 200
    assert response.context["form"].errors["credit_code"] == ["使用该信用代码的企业已经注册。"]


def test_enterprises_are_seen_in_scope_only(api_as):
    yongkang = factories.EnterpriseFactory()
    factories.EnterpriseFactory(region=factories.region("330110"))
    own = api_as(factories.enterprise_user_of(yongkang)).get("/api/v1/enterprises/").json()
    assert [row["id"] for row in own["results"]] == [yongkang.pk]
    jinhua = api_as(factories.regional_official("330700")).get("/api/v1/enterprises/").json()
    assert [row["id"] for row in jinhua["results"]] == [yongkang.pk]
    assert api_as(factories.provincial_official()).get("/api/v1/enterprises/").json()["count"] == 2
    assert api_as(None).get("/api/v1/enterprises/").status_code == 401
    hangzhou = api_as(factories.regional_official("330100"))
    assert hangzhou.get(f"/api/v1/enterprises/{yongkang.pk}/").status_code == 404
