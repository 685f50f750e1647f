"""API.md's allocation rows: who sees what, the fields as written, simulation saves nothing."""

from decimal import Decimal

import pytest

from evaluation.models import Evaluation
from funding import services
from funding.models import Allocation, AllocationDecision, RuleSet
from tests import factories

from .factories import M, approved_report, evaluated, rule_set

pytestmark = pytest.mark.django_db
YEAR = 2025
LIST = f"/api/v1/allocations/?year={YEAR}"
SIMULATE = "/api/v1/allocations/simulate/"


@pytest.fixture
def funded():
    """Yongkang (Jinhua) and Yuhang (Hangzhou), evaluated, with published allocations."""
    yongkang = factories.ComplexFactory(region=factories.region("330784"))
    yuhang = factories.ComplexFactory(region=factories.region("330110"))
    evaluated(yongkang, YEAR, "90.00", "excellent")
    evaluated(yuhang, YEAR, "60.00", "pass", rank=2)
    approved_report(yongkang, YEAR, local=60 * M, host=120 * M)
    rule_set(YEAR, pool=100 * M)
    services.allocations_recompute(year=YEAR, actor=factories.provincial_official())
    services.allocations_publish(year=YEAR, actor=factories.provincial_official())
    return yongkang, yuhang


def test_list_answers_with_the_fields_of_api_md(api_as, funded):
    yongkang, yuhang = funded
    response = api_as(factories.provincial_official()).get(LIST)
    assert response.status_code == 200
    rows = {row["complex"]: row for row in response.json()["results"]}
    # 60 M above the floors, shared 108 : 48.
    assert {
        key: rows[yongkang.pk][key]
        for key in (
            "complex",
            "region",
            "year",
            "provincial_amount",
            "required_local_match",
            "required_host_investment",
            "reported_local_match",
            "reported_host_investment",
            "compliant",
        )
    } == {
        "complex": yongkang.pk,
        "region": "330784",
        "year": YEAR,
        "provincial_amount": "61538461.54",
        "required_local_match": "61538461.54",
        "required_host_investment": "123076923.08",
        "reported_local_match": "60000000.00",
        "reported_host_investment": "120000000.00",
        "compliant": False,
    }
    assert rows[yuhang.pk]["provincial_amount"] == "38461538.46"
    assert rows[yuhang.pk]["reported_local_match"] is None
    assert rows[yuhang.pk]["status"] == "published"


def test_scope_operator_own_official_subtree_anonymous_401(api_as, api_client, funded):
    yongkang, yuhang = funded
    assert api_client.get(LIST).status_code == 401
    operator = factories.operator_of(yongkang)
    assert [row["complex"] for row in api_as(operator).get(LIST).json()["results"]] == [yongkang.pk]
    jinhua = factories.regional_official("330700")
    assert [row["complex"] for row in api_as(jinhua).get(LIST).json()["results"]] == [yongkang.pk]
    other_row = Allocation.objects.published().get(complex=yuhang)
    assert api_as(operator).get(f"/api/v1/allocations/{other_row.pk}/").status_code == 404
    assert api_as(jinhua).get(f"/api/v1/allocations/{other_row.pk}/").status_code == 404
    enterprise_user = factories.enterprise_user_of(factories.EnterpriseFactory())
    assert api_as(enterprise_user).get(LIST).json()["count"] == 0


def test_operators_never_see_drafts_officials_see_undecided_ones(api_as, db):
    complex_ = factories.ComplexFactory()
    evaluated(complex_, YEAR, "80.00", "good")
    services.allocations_recompute(year=YEAR, actor=factories.provincial_official())
    assert api_as(factories.operator_of(complex_)).get(LIST).json()["count"] == 0
    rows = api_as(factories.provincial_official()).get(LIST).json()["results"]
    assert [(row["complex"], row["status"]) for row in rows] == [(complex_.pk, "draft")]


def test_filters_by_compliance_grade_and_city(api_as, funded):
    yongkang, yuhang = funded
    client = api_as(factories.provincial_official())

    def complexes(query):
        return [row["complex"] for row in client.get(f"{LIST}&{query}").json()["results"]]

    assert complexes("compliant=false") == [yongkang.pk, yuhang.pk]
    assert complexes("grade=pass") == [yuhang.pk]
    assert complexes("city=330100") == [yuhang.pk]
    assert complexes("county=330784") == [yongkang.pk]
    assert complexes("category=emerging") == []


def test_simulation_answers_as_written_and_saves_nothing(api_as, funded):
    yongkang, yuhang = funded
    counts = (
        Allocation.objects.count(),
        AllocationDecision.objects.count(),
        RuleSet.objects.count(),
    )
    body = {
        "year": YEAR,
        "pool": "120000000.00",
        "grade_multipliers": {"pass": "1.00", "excellent": "1.00"},
    }
    response = api_as(factories.provincial_official()).post(SIMULATE, body, format="json")
    assert response.status_code == 200
    answer = response.json()
    # 80 M above the floors, shared 90 : 60 with the what-if multipliers.
    assert [
        {key: row[key] for key in ("complex", "grade", "score", "provincial_amount")}
        for row in answer["allocations"]
    ] == [
        {
            "complex": yongkang.pk,
            "grade": "excellent",
            "score": "90.00",
            "provincial_amount": "68000000.00",
        },
        {
            "complex": yuhang.pk,
            "grade": "pass",
            "score": "60.00",
            "provincial_amount": "52000000.00",
        },
    ]
    assert answer["allocations"][0]["current_amount"] == "61538461.54"
    assert answer["allocations"][0]["difference"] == "6461538.46"
    assert (answer["total"], answer["unallocated"]) == ("120000000.00", "0.00")
    assert [(city["code"], city["amount"]) for city in answer["by_city"]] == [
        ("330100", "52000000.00"),
        ("330700", "68000000.00"),
    ]
    after = (
        Allocation.objects.count(),
        AllocationDecision.objects.count(),
        RuleSet.objects.count(),
    )
    assert after == counts


def test_simulation_takes_the_year_rule_set_for_omitted_keys(api_as, funded):
    response = api_as(factories.provincial_official()).post(SIMULATE, {"year": YEAR}, format="json")
    assert [row["provincial_amount"] for row in response.json()["allocations"]] == [
        "61538461.54",
        "38461538.46",
    ]


def test_simulation_above_the_caps_reports_unallocated(api_as, funded):
    body = {"year": YEAR, "pool": "200000000.00", "cap": "50000000.00"}
    answer = api_as(factories.provincial_official()).post(SIMULATE, body, format="json").json()
    assert (answer["total"], answer["unallocated"]) == ("100000000.00", "100000000.00")


def test_an_infeasible_simulation_is_refused_with_a_clear_message(api_as, funded):
    body = {"year": YEAR, "pool": "30000000.00"}
    response = api_as(factories.provincial_official()).post(
        SIMULATE, body, format="json", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 400
    (message,) = response.json()["pool"]
    assert "30,000,000.00" in message and "40,000,000.00" in message


def test_simulation_validates_its_body(api_as, funded):
    client = api_as(factories.provincial_official())
    response = client.post(SIMULATE, {"year": YEAR, "floor": "-1"}, format="json")
    assert response.status_code == 400 and "floor" in response.json()
    response = client.post(SIMULATE, {"year": YEAR, "floor": "80000000.00"}, format="json")
    assert response.status_code == 400 and "floor" in response.json()


def test_only_the_province_simulates_and_publishes(api_as, api_client, funded):
    yongkang, _ = funded
    body = {"year": YEAR}
    assert api_client.post(SIMULATE, body, format="json").status_code == 401
    for user in (factories.regional_official("330700"), factories.operator_of(yongkang)):
        assert api_as(user).post(SIMULATE, body, format="json").status_code == 403
        assert (
            api_as(user).post("/api/v1/allocations/publish/", body, format="json").status_code
            == 403
        )


def test_publish_and_replace_through_the_api(api_as, funded):
    yongkang, _ = funded
    client = api_as(factories.provincial_official())
    unchanged = client.post("/api/v1/allocations/recompute/", {"year": YEAR})
    assert unchanged.status_code == 200 and unchanged.json()["drafts"] == 0  # as published
    Evaluation.objects.filter(complex=yongkang).update(score=Decimal("70.00"))
    revision = client.post("/api/v1/allocations/recompute/", {"year": YEAR})
    assert revision.status_code == 200 and revision.json()["drafts"] == 2
    response = client.post("/api/v1/allocations/publish/", {"year": YEAR}, format="json")
    assert response.status_code == 400 and "reason" in response.json()
    response = client.post(
        "/api/v1/allocations/publish/", {"year": YEAR, "reason": "复核评分"}, format="json"
    )
    assert response.status_code == 201
    assert response.json()["reason"] == "复核评分" and response.json()["replaces"] is not None
    response = client.post("/api/v1/allocations/publish/", {"year": YEAR}, format="json")
    assert response.status_code == 409  # nothing left to publish
    rows = client.get(LIST).json()["results"]
    assert rows[0]["provincial_amount"] == "58181818.18"  # 60 M shared 70 × 1.2 = 84 : 48
    superseded = client.get(f"{LIST}&status=superseded").json()["results"]
    assert [row["provincial_amount"] for row in superseded] == ["61538461.54", "38461538.46"]


def test_rollup_by_city(api_as, funded):
    response = api_as(factories.regional_official("330700")).get(
        f"/api/v1/allocations/rollup/?year={YEAR}&by=city"
    )
    assert response.status_code == 200
    (jinhua,) = response.json()
    assert (jinhua["region_code"], jinhua["local_shortfall"], jinhua["noncompliant"]) == (
        "330700",
        "1538461.54",
        1,
    )


def test_rule_sets_new_version_by_the_province_only(api_as, db):
    body = {"year": 2026, "pool": "3000000000.00", "floor": "25000000.00"}
    assert (
        api_as(factories.regional_official("330700"))
        .post("/api/v1/funding-rules/", body, format="json")
        .status_code
        == 403
    )
    response = api_as(factories.provincial_official()).post(
        "/api/v1/funding-rules/", body, format="json"
    )
    assert response.status_code == 201
    created = response.json()
    assert (created["version"], created["pool"], created["floor"], created["cap"]) == (
        1,
        "3000000000.00",
        "25000000.00",
        "70000000.00",
    )
