import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from complexes.models import Complex, ComplexStatusChange, Institution

from . import factories

pytestmark = pytest.mark.django_db

NEW_COMPLEX = {
    "code": "ZJ33078499",
    "name": "永康智能门业产业创新服务综合体",
    "level": "provincial",
    "category": "traditional",
    "region": "330784",
    "industry": "智能门业",
    "cluster_size_tier": "5_to_10bn",
    "construction_mode": "leading_enterprise",
    "operating_mechanism": "shareholding",
    "applicant_government": "永康市人民政府",
    "host_unit": "永康市门业创新服务有限公司",
    "founded_year": 2024,
}


def test_list_has_the_contract_fields_and_is_public(api_client, yongkang_complex):
    response = api_client.get("/api/v1/complexes/")
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"count", "next", "previous", "results"}
    row = body["results"][0]
    assert row["id"] == yongkang_complex.pk
    assert row["region"] == "330784"
    assert row["region_detail"]["name"] == "永康市"
    for field in ("code", "name", "level", "category", "industry", "construction_mode",
                  "operating_mechanism", "status"):  # fmt: skip
        assert row[field] == getattr(yongkang_complex, field)


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"region": "330700"}, {"yongkang"}),
        ({"region": "330784"}, {"yongkang"}),
        ({"region": "330000"}, {"yongkang", "yuhang", "emerging"}),
        ({"region": "330100"}, {"yuhang", "emerging"}),
        ({"category": "emerging"}, {"emerging"}),
        ({"level": "city"}, {"emerging"}),
        ({"status": "rectifying"}, {"yuhang"}),
        ({"q": "家纺"}, {"yuhang"}),
        ({"q": "永康"}, {"yongkang"}),
        ({"q": "余杭"}, {"yuhang"}),
        ({"industry": "生物"}, {"emerging"}),
    ],
)
def test_filters(api_client, params, expected):
    made = {
        "yongkang": factories.ComplexFactory(name="永康五金产业创新服务综合体"),
        "yuhang": factories.ComplexFactory(
            name="余杭家纺产业创新服务综合体", industry="家纺", status="rectifying",
            region=factories.region("330110"),
        ),
        "emerging": factories.ComplexFactory(
            name="下沙生物医药产业创新服务综合体", industry="生物医药", category="emerging",
            level="city", region=factories.region("330114"),
        ),
    }  # fmt: skip
    names = {complex_.pk: key for key, complex_ in made.items()}
    response = api_client.get("/api/v1/complexes/", params)
    assert response.status_code == 200
    assert {names[row["id"]] for row in response.json()["results"]} == expected


def test_an_unknown_region_is_a_clear_400(api_client):
    response = api_client.get("/api/v1/complexes/", {"region": "999999"})
    assert response.status_code == 400
    assert "region" in response.json()


def test_page_size_is_capped_at_200(api_client):
    factories.ComplexFactory.create_batch(3)
    response = api_client.get("/api/v1/complexes/", {"page_size": 1000})
    assert response.status_code == 200


def test_province_registers_a_complex_with_its_first_status(api_as):
    province = factories.provincial_official()
    response = api_as(province).post("/api/v1/complexes/", NEW_COMPLEX, format="json")
    assert response.status_code == 201, response.content
    complex_ = Complex.objects.get(code="ZJ33078499")
    assert complex_.status == "constructing"
    assert response.json()["id"] == complex_.pk
    change = complex_.status_changes.get()
    assert (change.from_status, change.to_status, change.changed_by) == (
        "",
        "constructing",
        province,
    )


@pytest.mark.parametrize("who", ["jinhua", "operator", "enterprise"])
def test_only_the_province_registers_complexes(api_as, yongkang_complex, who):
    user = {
        "jinhua": lambda: factories.regional_official("330700"),
        "operator": lambda: factories.operator_of(yongkang_complex),
        "enterprise": lambda: factories.enterprise_user_of(factories.EnterpriseFactory()),
    }[who]()
    assert api_as(user).post("/api/v1/complexes/", NEW_COMPLEX, format="json").status_code == 403
    assert api_as(None).post("/api/v1/complexes/", NEW_COMPLEX, format="json").status_code == 401


def test_bad_input_names_the_field_in_the_requested_language(api_as):
    client = api_as(factories.provincial_official())
    bad = {**NEW_COMPLEX, "level": "galactic"}
    chinese = client.post("/api/v1/complexes/", bad, format="json")
    assert chinese.status_code == 400
    assert set(chinese.json()) == {"level"}
    assert "不是合法选项" in chinese.json()["level"][0]
    english = client.post(
        "/api/v1/complexes/", {**NEW_COMPLEX, "founded_year": 1990}, format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )  # fmt: skip
    assert english.status_code == 400
    assert "founded_year" in english.json()
    assert not Complex.objects.exists()


def test_operator_edits_the_profile_but_not_the_classification(api_as, yongkang_complex):
    client = api_as(factories.operator_of(yongkang_complex))
    url = f"/api/v1/complexes/{yongkang_complex.pk}/"
    response = client.patch(url, {"contact_name": "王明", "description": "新简介"}, format="json")
    assert response.status_code == 200, response.content
    yongkang_complex.refresh_from_db()
    assert (yongkang_complex.contact_name, yongkang_complex.description) == ("王明", "新简介")

    refused = client.patch(url, {"level": "county", "status": "removed"}, format="json")
    assert refused.status_code == 403
    assert "level" in refused.json()["detail"]
    yongkang_complex.refresh_from_db()
    assert (yongkang_complex.level, yongkang_complex.status) == ("provincial", "operating")


def test_status_change_keeps_history_and_refuses_illegal_moves(api_as, yongkang_complex):
    official = factories.provincial_official()
    client = api_as(official)
    url = f"/api/v1/complexes/{yongkang_complex.pk}/"

    missing_reason = client.patch(url, {"status": "rectifying"}, format="json")
    assert missing_reason.status_code == 400
    assert "reason" in missing_reason.json()

    ok = client.patch(url, {"status": "rectifying", "status_reason": "满意度偏低"}, format="json")
    assert ok.status_code == 200
    removal = {"status": "removed", "status_reason": "整改不到位"}
    assert client.patch(url, removal, format="json").status_code == 400  # no hearing yet
    client.post(f"{url}hearing/", {"held_on": "2026-01-05", "outcome": "陈述"}, format="json")
    assert client.patch(url, removal, format="json").status_code == 200

    illegal = client.patch(url, {"status": "operating", "status_reason": "复牌"}, format="json")
    assert illegal.status_code == 409
    assert "detail" in illegal.json()

    history = list(
        ComplexStatusChange.objects.filter(complex=yongkang_complex)
        .order_by("id")
        .values_list("from_status", "to_status", "reason", "changed_by")
    )
    assert history == [
        ("operating", "rectifying", "满意度偏低", official.pk),
        ("rectifying", "removed", "整改不到位", official.pk),
    ]
    detail = client.get(url).json()
    assert [row["to_status"] for row in detail["status_history"]] == ["removed", "rectifying"]


def test_complexes_cannot_be_deleted(api_as, yongkang_complex):
    response = api_as(factories.provincial_official()).delete(
        f"/api/v1/complexes/{yongkang_complex.pk}/"
    )
    assert response.status_code == 405


class TestInstitutions:
    def test_public_list_with_contract_fields(self, api_client, yongkang_complex):
        member = factories.InstitutionFactory(complex=yongkang_complex)
        body = api_client.get("/api/v1/institutions/", {"complex": yongkang_complex.pk}).json()
        assert body["results"] == [
            {**body["results"][0], "id": member.pk, "complex": yongkang_complex.pk,
             "name": member.name, "type": "testing", "credit_code": member.credit_code}
        ]  # fmt: skip

    def test_operator_adds_edits_and_removes_members_of_their_complex(
        self, api_as, yongkang_complex
    ):
        client = api_as(factories.operator_of(yongkang_complex))
        created = client.post(
            "/api/v1/institutions/",
            {"complex": yongkang_complex.pk, "name": "永康知识产权服务中心", "type": "ip_service",
             "credit_code": factories.valid_credit_code(12345678).lower()},
            format="json",
        )  # fmt: skip
        assert created.status_code == 201, created.content
        member = Institution.objects.get(pk=created.json()["id"])
        assert member.credit_code == factories.valid_credit_code(12345678)
        url = f"/api/v1/institutions/{member.pk}/"
        assert client.patch(url, {"name": "新名称"}, format="json").status_code == 200
        # Without a year it joined this year; a year it left before it joined is refused.
        assert (member.joined_year, member.left_year) == (timezone.localdate().year, None)
        backwards = client.patch(url, {"joined_year": 2024, "left_year": 2023}, format="json")
        assert backwards.status_code == 400 and "left_year" in backwards.json()
        assert client.patch(url, {"left_year": 2026}, format="json").json()["left_year"] == 2026
        assert client.delete(url).status_code == 204
        assert not Institution.objects.filter(pk=member.pk).exists()

    def test_operator_cannot_touch_another_complex(
        self, api_as, yongkang_complex, hangzhou_complex
    ):
        other_member = factories.InstitutionFactory(complex=hangzhou_complex)
        client = api_as(factories.operator_of(yongkang_complex))
        created = client.post(
            "/api/v1/institutions/",
            {"complex": hangzhou_complex.pk, "name": "X", "type": "testing"},
            format="json",
        )
        assert created.status_code == 400
        assert "complex" in created.json()
        assert (
            client.patch(
                f"/api/v1/institutions/{other_member.pk}/", {"name": "X"}, format="json"
            ).status_code
            == 404
        )
        assert client.delete(f"/api/v1/institutions/{other_member.pk}/").status_code == 404

    def test_officials_and_enterprises_do_not_write_members(self, api_as, yongkang_complex):
        member = factories.InstitutionFactory(complex=yongkang_complex)
        for user in (
            factories.regional_official("330784"),
            factories.enterprise_user_of(factories.EnterpriseFactory()),
        ):
            assert api_as(user).delete(f"/api/v1/institutions/{member.pk}/").status_code == 403

    @pytest.mark.parametrize(
        ("code", "message"),
        [("91350100M000100Y44", "check character"), ("1234", "18 characters")],
    )
    def test_a_bad_credit_code_is_refused_naming_the_field(
        self, api_as, yongkang_complex, code, message
    ):
        client = api_as(factories.operator_of(yongkang_complex))
        response = client.post(
            "/api/v1/institutions/",
            {"complex": yongkang_complex.pk, "name": "X", "type": "testing", "credit_code": code},
            format="json",
            HTTP_ACCEPT_LANGUAGE="en",
        )
        assert response.status_code == 400
        assert message in response.json()["credit_code"][0]
        assert not Institution.objects.exists()

    def test_the_same_member_twice_in_one_complex_is_refused(self, api_as, yongkang_complex):
        member = factories.InstitutionFactory(complex=yongkang_complex)
        response = api_as(factories.operator_of(yongkang_complex)).post(
            "/api/v1/institutions/",
            {
                "complex": yongkang_complex.pk,
                "name": "X",
                "type": "testing",
                "credit_code": member.credit_code,
            },
            format="json",
        )
        assert response.status_code == 400
        assert Institution.objects.count() == 1


def test_token_login(api_client):
    user = factories.operator_of(factories.ComplexFactory())
    response = api_client.post(
        "/api/v1/auth/token/",
        {"username": user.username, "password": factories.PASSWORD},
        format="json",
    )
    assert response.status_code == 200
    token = response.json()["token"]
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    me = api_client.patch(
        f"/api/v1/complexes/{user.complex_id}/", {"contact_name": "李四"}, format="json"
    )
    assert me.status_code == 200
    wrong = APIClient().post(
        "/api/v1/auth/token/", {"username": user.username, "password": "nope"}, format="json"
    )
    assert wrong.status_code == 400
