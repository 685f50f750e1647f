"""Enterprise self-registration, in the browser and through the API."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import Role, User
from services.models import Enterprise
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


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


def test_a_duplicate_code_without_a_licence_is_refused_and_nothing_is_created(api_client):
    factories.EnterpriseFactory(credit_code=GOOD_CODE)
    response = api_client.post(
        "/api/v1/enterprises/", registration(username="other"), format="json"
    )
    assert response.status_code == 400
    assert response.json()["credit_code"] == [
        "使用该信用代码的企业已经注册。如需认领，请上传营业执照重新注册，科技部门将比对双方的营业执照。"
    ]
    assert not factories.authenticate(username="other", password="Yongkang-Tools-2026")


def browser_registration(**overrides):
    data = registration(email="wang@hengda.example", password_again="Yongkang-Tools-2026")
    licence = SimpleUploadedFile("营业执照.pdf", b"%PDF-1.7\n%%EOF\n")
    return {**data, "business_licence": licence, **overrides}


def test_browser_registration_logs_the_enterprise_in(client):
    response = client.post("/services/register/", browser_registration())
    assert response.status_code == 302
    assert client.get("/services/requests/").status_code == 200
    assert Enterprise.objects.get().name == "永康市恒达工具有限公司"


RESERVED = "该用户名为门户自有账号保留，请另选一个。"


@pytest.mark.parametrize(
    "username",
    ["admin", "Root", "ADMINISTRATOR", "system", "province", "support", "security", "staff",
     "postmaster", "webmaster", "city-330700", "County-330784", "op-T000001",
     f"ent-{GOOD_CODE}"],
)  # fmt: skip
def test_reserved_user_names_are_refused_on_the_field(api_client, username):
    response = api_client.post(
        "/api/v1/enterprises/", registration(username=username), format="json"
    )
    assert response.status_code == 400
    assert response.json() == {"username": [RESERVED]}
    assert not Enterprise.objects.exists() and not User.objects.exists()


def test_a_reserved_name_is_refused_next_to_the_field_in_the_browser(client):
    response = client.post("/services/register/", browser_registration(username="admin"))
    assert response.status_code == 200
    assert response.context["form"].errors["username"] == [RESERVED]
    assert not Enterprise.objects.exists()


def test_names_merely_containing_a_reserved_word_are_accepted(api_client):
    response = api_client.post(
        "/api/v1/enterprises/", registration(username="hengda-admin"), format="json"
    )
    assert response.status_code == 201, response.content


@pytest.mark.usefixtures("one_rate_window")
def test_registration_is_rate_limited_per_address_on_the_page_and_the_api(client, api_client):
    """Five registrations an hour from one address (DJANGO_REGISTRATION_RATE_LIMIT), however
    they are sent; the sixth answers 429 and creates nothing."""
    answers = [client.post("/services/register/", {}).status_code for _ in range(3)]
    answers += [
        api_client.post(
            "/api/v1/enterprises/",
            registration(username=f"firm{n}", credit_code=factories.valid_credit_code(n)),
            format="json",
        ).status_code
        for n in range(2)
    ]
    assert answers == [200, 200, 200, 201, 201]
    page = client.post("/services/register/", browser_registration())
    assert page.status_code == 429
    assert "请求过于频繁" in page.content.decode()
    api = api_client.post("/api/v1/enterprises/", registration(), format="json")
    assert api.status_code == 429
    assert Enterprise.objects.count() == 2
    # Another address is not affected.
    other = api_client.post(
        "/api/v1/enterprises/", registration(), format="json", REMOTE_ADDR="198.51.100.7"
    )
    assert other.status_code == 201


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


@pytest.mark.parametrize(
    ("first", "second", "limited"),
    [
        ("203.0.113.9", "203.0.113.9", True),
        ("203.0.113.9", "203.0.113.10", False),
        ("2001:db8:1:2:aaaa::1", "2001:db8:1:2:bbbb::7", True),
        ("2001:db8:1:2:aaaa::1", "2001:db8:1:3::1", False),
        ("", "", True),
    ],
)
def test_registrations_are_counted_by_address_an_ipv6_host_by_its_64(first, second, limited, rf):
    from django_ratelimit.core import is_ratelimited

    def register(address):
        return is_ratelimited(
            rf.post("/", REMOTE_ADDR=address),
            group="registration",
            key="ip",
            rate="1/h",
            method="POST",
            increment=True,
        )

    assert register(first) is False
    assert register(second) is limited
