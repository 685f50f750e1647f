"""The annual report through the API: workflow, permissions per role, versions, read-only."""

from decimal import Decimal

import pytest

from evaluation.models import AnnualReport, ReportStatus, ReportValue, ReportVersion
from tests import factories

from . import factories as evaluation

pytestmark = pytest.mark.django_db

YEAR = 2025


@pytest.fixture
def scene(yongkang_complex):
    evaluation.open_period(YEAR)
    yiwu = factories.ComplexFactory(region=factories.region("330782"))
    yuhang = factories.ComplexFactory(region=factories.region("330110"))
    return {
        "complex": yongkang_complex,
        "operator": factories.operator_of(yongkang_complex),
        "other_operator": factories.operator_of(yuhang),
        "jinhua": factories.regional_official("330700"),
        "hangzhou": factories.regional_official("330100"),
        "province": factories.provincial_official(),
        "yiwu": yiwu,
    }


def as_json(values):
    return {code: int(value) for code, value in values.items()}


def create(api, complex_):
    response = api.post("/api/v1/reports/", {"complex": complex_.pk, "year": YEAR}, format="json")
    assert response.status_code == 201, response.json()
    return response.json()


def test_fill_submit_return_correct_resubmit_approve(api_as, scene):
    api = api_as(scene["operator"])
    created = create(api, scene["complex"])
    assert (created["status"], created["version"], created["values"]) == ("draft", 1, {})

    saved = api.patch(
        f"/api/v1/reports/{created['id']}/",
        {"version": 1, "values": as_json(evaluation.values())},
        format="json",
    )
    assert saved.status_code == 200, saved.json()
    assert saved.json()["version"] == 2
    assert saved.json()["values"]["cluster_revenue"] == "35000000000.00"
    assert saved.json()["values"]["st_projects"] == 22

    submitted = api.post(f"/api/v1/reports/{created['id']}/submit/", {}, format="json")
    assert submitted.status_code == 200, submitted.json()
    assert (submitted.json()["status"], submitted.json()["version"]) == ("submitted", 3)

    city = api_as(scene["jinhua"]).post(
        f"/api/v1/reports/{created['id']}/pre-review/",
        {"recommendation": "recommend", "comment": "数据完整"},
        format="json",
    )
    assert city.status_code == 200
    assert city.json()["recommendation"] == "recommend"

    returned = api_as(scene["province"]).post(
        f"/api/v1/reports/{created['id']}/return/", {"reason": "研发投入口径有误"}, format="json"
    )
    assert returned.status_code == 200
    assert (returned.json()["status"], returned.json()["return_reason"]) == (
        "returned",
        "研发投入口径有误",
    )

    api = api_as(scene["operator"])
    version = returned.json()["version"]
    corrected = api.patch(
        f"/api/v1/reports/{created['id']}/",
        {"version": version, "values": {"cluster_rd_spend": 620_000_000}},
        format="json",
    )
    assert corrected.status_code == 200
    assert api.post(f"/api/v1/reports/{created['id']}/submit/").json()["status"] == "submitted"

    approved = api_as(scene["province"]).post(f"/api/v1/reports/{created['id']}/approve/")
    assert approved.status_code == 200
    assert approved.json()["status"] == "approved"

    versions = api.get(f"/api/v1/reports/{created['id']}/versions/").json()
    assert [v["number"] for v in versions] == [1, 2]
    assert versions[0]["values"]["cluster_rd_spend"] == "600000000.00"
    assert versions[1]["values"]["cluster_rd_spend"] == "620000000.00"
    detail = api.get(f"/api/v1/reports/{created['id']}/").json()
    assert [event["action"] for event in detail["events"]] == [
        "submit",
        "pre_review",
        "return",
        "submit",
        "approve",
    ]


def test_stale_version_answers_409_and_changes_nothing(api_as, scene):
    report = evaluation.report(scene["complex"], YEAR, values_={"st_projects": 5})
    api = api_as(scene["operator"])
    response = api.patch(
        f"/api/v1/reports/{report.pk}/",
        {"version": 7, "values": {"st_projects": 6, "tech_smes": 3}},
        format="json",
    )
    assert response.status_code == 409
    assert "detail" in response.json()
    report.refresh_from_db()
    assert report.version == 1
    assert dict(
        ReportValue.objects.filter(report=report).values_list("indicator__code", "value")
    ) == {"st_projects": Decimal("5.00")}


def test_approved_report_is_read_only(api_as, scene):
    report = evaluation.approved(scene["complex"], YEAR)
    api = api_as(scene["operator"])
    response = api.patch(
        f"/api/v1/reports/{report.pk}/", {"version": 1, "values": {"st_projects": 1}}, format="json"
    )
    assert response.status_code == 409
    assert api.post(f"/api/v1/reports/{report.pk}/submit/").status_code == 409
    assert (
        api_as(scene["province"]).post(f"/api/v1/reports/{report.pk}/approve/").status_code == 409
    )
    assert (
        api_as(scene["province"])
        .post(f"/api/v1/reports/{report.pk}/return/", {"reason": "x"}, format="json")
        .status_code
        == 409
    )
    assert ReportValue.objects.get(report=report, indicator__code="st_projects").value == 22


def test_types_and_ranges_are_errors_per_indicator(api_as, scene):
    report = evaluation.report(scene["complex"], YEAR)
    response = api_as(scene["operator"]).patch(
        f"/api/v1/reports/{report.pk}/",
        {
            "version": 1,
            "values": {
                "st_projects": "many",
                "tech_smes": -1,
                "problems_solved": 2.5,
                "cluster_revenue": 10**15,
                "member_institutions": 3,
                "no_such_code": 1,
                "key_technologies": 4,
            },
        },
        format="json",
    )
    assert response.status_code == 400
    assert set(response.json()) == {
        "st_projects",
        "tech_smes",
        "problems_solved",
        "cluster_revenue",
        "member_institutions",
        "no_such_code",
    }
    assert not ReportValue.objects.filter(report=report).exists()


def test_submit_needs_every_value_and_a_comment_on_each_warning(api_as, scene):
    evaluation.approved(scene["complex"], YEAR - 1)
    report = evaluation.report(scene["complex"], YEAR, values_={"st_projects": 22})
    api = api_as(scene["operator"])
    incomplete = api.post(f"/api/v1/reports/{report.pk}/submit/")
    assert incomplete.status_code == 400
    assert "tech_smes" in incomplete.json()

    api.patch(
        f"/api/v1/reports/{report.pk}/",
        {"version": 1, "values": as_json(evaluation.values(problems_solved=500))},
        format="json",
    )
    warned = api.post(f"/api/v1/reports/{report.pk}/submit/")
    assert warned.status_code == 400
    assert list(warned.json()) == ["problems_solved"]
    english = api.get(f"/api/v1/reports/{report.pk}/", HTTP_ACCEPT_LANGUAGE="en").json()
    assert english["warnings"] == {"problems_solved": "Changed by +103 % from last year (246)."}

    api.patch(
        f"/api/v1/reports/{report.pk}/",
        {"version": 2, "comments": {"problems_solved": "新建共性技术平台，攻关项目翻番"}},
        format="json",
    )
    submitted = api.post(f"/api/v1/reports/{report.pk}/submit/")
    assert submitted.status_code == 200, submitted.json()
    assert ReportVersion.objects.get(report=report).comments == {
        "problems_solved": "新建共性技术平台，攻关项目翻番"
    }


def test_disagreement_with_the_derived_counterpart_is_a_warning(api_as, scene):
    from evaluation.models import DerivedValue, Indicator

    DerivedValue.objects.create(
        complex=scene["complex"],
        year=YEAR,
        indicator=Indicator.objects.get(code="services_delivered"),
        value=Decimal(1000),
    )
    report = evaluation.report(scene["complex"], YEAR, values_=evaluation.values())
    warnings = api_as(scene["operator"]).get(f"/api/v1/reports/{report.pk}/").json()["warnings"]
    assert list(warnings) == ["services_to_enterprises"]


def test_one_report_per_complex_and_year(api_as, scene):
    api = api_as(scene["operator"])
    create(api, scene["complex"])
    again = api.post(
        "/api/v1/reports/", {"complex": scene["complex"].pk, "year": YEAR}, format="json"
    )
    assert again.status_code == 400
    assert AnnualReport.objects.filter(complex=scene["complex"], year=YEAR).count() == 1


def test_scope_and_roles(api_client, api_as, scene):
    report = evaluation.report(scene["complex"], YEAR, status=ReportStatus.SUBMITTED)
    url = f"/api/v1/reports/{report.pk}/"
    assert api_client.get("/api/v1/reports/").status_code == 401
    # Out of scope: 404, whatever the action.
    assert api_as(scene["other_operator"]).get(url).status_code == 404
    assert api_as(scene["hangzhou"]).get(url).status_code == 404
    assert api_as(scene["hangzhou"]).post(url + "return/", {"reason": "x"}).status_code == 404
    assert api_as(scene["other_operator"]).get("/api/v1/reports/").json()["count"] == 0
    # In scope but not the role's action: 403.
    assert api_as(scene["jinhua"]).post(url + "approve/").status_code == 403
    assert api_as(scene["operator"]).post(url + "approve/").status_code == 403
    assert api_as(scene["operator"]).post(url + "return/", {"reason": "x"}).status_code == 403
    assert (
        api_as(scene["province"])
        .post(url + "pre-review/", {"recommendation": "recommend"})
        .status_code
        == 403
    )
    assert (
        api_as(scene["province"])
        .patch(url, {"version": 1, "values": {}}, format="json")
        .status_code
        == 403
    )
    # An operator cannot file a report for another complex.
    other = api_as(scene["operator"]).post(
        "/api/v1/reports/", {"complex": scene["yiwu"].pk, "year": YEAR}, format="json"
    )
    assert other.status_code == 400
    # In scope and allowed.
    assert api_as(scene["jinhua"]).get(url).status_code == 200
    assert api_as(scene["jinhua"]).get("/api/v1/reports/").json()["count"] == 1
    returned = api_as(scene["jinhua"]).post(
        url + "return/", {"reason": "请补充说明"}, format="json"
    )
    assert returned.status_code == 200


def test_return_needs_a_reason(api_as, scene):
    report = evaluation.report(scene["complex"], YEAR, status=ReportStatus.SUBMITTED)
    response = api_as(scene["province"]).post(
        f"/api/v1/reports/{report.pk}/return/", {"reason": "  "}, format="json"
    )
    assert response.status_code == 400
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED


def test_indicator_catalogue(api_client, api_as, scene):
    assert api_client.get("/api/v1/indicators/").status_code == 401
    rows = api_as(scene["operator"]).get("/api/v1/indicators/?page_size=200").json()["results"]
    by_code = {row["code"]: row for row in rows}
    assert len(rows) == 29
    assert by_code["cluster_rd_spend"] == {
        "code": "cluster_rd_spend",
        "name": "产业集群研发投入",
        "name_zh_hans": "产业集群研发投入",
        "name_en": "Cluster R&D spend",
        "unit": "元",
        "unit_zh_hans": "元",
        "unit_en": "CNY",
        "dimension": "industry",
        "source": "reported",
        "higher_is_better": True,
        "whole_number": False,
        "definition": "产业集群企业当年的研发经费投入（元）。",
        "definition_zh_hans": "产业集群企业当年的研发经费投入（元）。",
        "definition_en": (
            "Research and development spending of the cluster's enterprises in the year,"
            " in CNY yuan."
        ),
    }
    assert {code for code, row in by_code.items() if row["source"] == "derived"} == {
        "services_delivered",
        "enterprises_served",
        "average_rating",
        "voucher_amount",
        "member_institutions",
        "incubators",
        "ip_agencies",
        "testing_platforms",
        "university_partners",
        "talent_teams",
        "shared_instruments",
        "shared_instrument_value",
    }


def test_money_values_travel_as_decimal_strings_and_are_accepted_as_numbers_or_strings(
    api_as, scene
):
    api = api_as(scene["operator"])
    created = create(api, scene["complex"])
    saved = api.patch(
        f"/api/v1/reports/{created['id']}/",
        {
            "version": 1,
            "values": {
                "venture_funds": "1500000.10",
                "ip_pledge_loans": 2500000.5,
                "st_projects": 4,
            },
        },
        format="json",
    )
    assert saved.status_code == 200, saved.json()
    assert saved.json()["values"] == {
        "venture_funds": "1500000.10",
        "ip_pledge_loans": "2500000.50",
        "st_projects": 4,
    }
    assert api.get(f"/api/v1/reports/{created['id']}/").json()["values"]["venture_funds"] == (
        "1500000.10"
    )
