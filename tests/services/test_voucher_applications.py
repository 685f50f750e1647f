"""Voucher applications (issue 16, item 1): apply, review, issue or reject, within the year's
rules, through the API and the pages."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import Notification
from services import voucher_applications as workflow
from services.models import ApplicationStatus, Voucher, VoucherApplication, VoucherRules
from tests import factories

from .factories import OfferingFactory, VoucherFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/voucher-applications/"
A = ApplicationStatus


@pytest.fixture
def people(yongkang_complex):
    enterprise = factories.EnterpriseFactory(region=factories.region("330784"))
    return {
        "enterprise": enterprise,
        "user": factories.enterprise_user_of(enterprise),
        "county": factories.regional_official("330784"),
        "city": factories.regional_official("330700"),
        "other_city": factories.regional_official("330100"),
        "province": factories.provincial_official(),
        "operator": factories.operator_of(yongkang_complex),
        "other_user": factories.enterprise_user_of(factories.EnterpriseFactory()),
        "offering": OfferingFactory(complex=yongkang_complex),
    }


def apply(api_as, people, amount="50000.00", **extra):
    body = {"amount": amount, "purpose": "新产品检测与中试", **extra}
    return api_as(people["user"]).post(URL, body, format="json")


def application_of(people, amount="50000.00", status=A.SUBMITTED) -> VoucherApplication:
    application = workflow.voucher_application_create(
        actor=people["user"], amount=Decimal(amount), purpose="新产品检测"
    )
    if status in (A.RECOMMENDED, A.ISSUED):
        workflow.voucher_application_approve(application=application, actor=people["county"])
    if status == A.ISSUED:
        workflow.voucher_application_approve(application=application, actor=people["province"])
    application.refresh_from_db()
    return application


def test_the_enterprise_applies_the_county_recommends_the_province_issues(api_as, people):
    created = apply(api_as, people, planned_services=[people["offering"].pk])
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["status"] == "submitted" and body["amount"] == "50000.00"
    assert body["enterprise"] == people["enterprise"].pk
    assert body["planned_services"] == [people["offering"].pk]
    assert body["year"] == timezone.localdate().year
    pk = body["id"]
    assert Notification.objects.filter(recipient=people["county"]).count() == 1

    recommended = api_as(people["county"]).post(f"{URL}{pk}/approve/")
    assert recommended.status_code == 200, recommended.content
    assert recommended.json()["status"] == "recommended"
    assert Notification.objects.filter(recipient=people["province"]).count() == 1

    issued = api_as(people["province"]).post(f"{URL}{pk}/approve/")
    assert issued.status_code == 200, issued.content
    assert issued.json()["status"] == "issued"
    voucher = Voucher.objects.get(pk=issued.json()["voucher"])
    today = timezone.localdate()
    validity = VoucherRules.objects.for_year(today.year).validity_days
    assert (voucher.amount, voucher.balance) == (Decimal("50000.00"), Decimal("50000.00"))
    assert voucher.valid_from == today
    assert voucher.expires_on == today + timedelta(days=validity - 1)
    assert voucher.enterprise == people["enterprise"]
    told = Notification.objects.filter(recipient=people["user"]).get()
    assert str(pk) in told.subject and "50000.00" in told.subject


def test_rejection_needs_a_reason_and_tells_the_applicant(api_as, people):
    pk = application_of(people).pk
    missing = api_as(people["county"]).post(f"{URL}{pk}/reject/", {}, format="json")
    assert missing.status_code == 400 and list(missing.json()) == ["reason"]
    blank = api_as(people["county"]).post(f"{URL}{pk}/reject/", {"reason": " "}, format="json")
    assert blank.status_code == 400 and list(blank.json()) == ["reason"]
    rejected = api_as(people["county"]).post(
        f"{URL}{pk}/reject/", {"reason": "用途不符合创新券支持范围"}, format="json"
    )
    assert rejected.status_code == 200
    assert rejected.json()["status"] == "rejected"
    assert rejected.json()["rejection_reason"] == "用途不符合创新券支持范围"
    told = Notification.objects.get(recipient=people["user"])
    assert told.body == "用途不符合创新券支持范围"


def test_the_province_may_reject_a_recommended_application(api_as, people):
    pk = application_of(people, status=A.RECOMMENDED).pk
    rejected = api_as(people["province"]).post(
        f"{URL}{pk}/reject/", {"reason": "本年度额度已用完"}, format="json"
    )
    assert rejected.status_code == 200 and rejected.json()["status"] == "rejected"
    assert not Voucher.objects.exists()


@pytest.mark.parametrize(
    ("status", "who", "action", "expected"),
    [
        # Decided applications are closed: 409.
        (A.ISSUED, "province", "approve", 409),
        (A.ISSUED, "province", "reject", 409),
        (A.REJECTED, "county", "approve", 409),
        # The wrong stage's official: 403.
        (A.SUBMITTED, "province", "approve", 403),
        (A.RECOMMENDED, "county", "approve", 403),
        (A.RECOMMENDED, "city", "approve", 403),  # issuing is not delegated this year
        # Not an official at all: 403.
        (A.SUBMITTED, "user", "approve", 403),
        (A.SUBMITTED, "operator", "reject", 403),
    ],
)
def test_illegal_moves_are_refused_and_change_nothing(
    api_as, people, status, who, action, expected
):
    application = application_of(people, status=A.RECOMMENDED if status == A.REJECTED else status)
    if status == A.REJECTED:
        workflow.voucher_application_reject(
            application=application, actor=people["province"], reason="不符合条件"
        )
    before = VoucherApplication.objects.filter(pk=application.pk).values().get()
    vouchers = Voucher.objects.count()
    answer = api_as(people[who]).post(
        f"{URL}{application.pk}/{action}/", {"reason": "原因"}, format="json"
    )
    assert answer.status_code == expected, answer.content
    assert VoucherApplication.objects.filter(pk=application.pk).values().get() == before
    assert Voucher.objects.count() == vouchers


def test_a_city_issues_when_the_years_rules_delegate_it(api_as, people):
    VoucherRules.objects.update_or_create(
        year=timezone.localdate().year, defaults={"city_issues": True}
    )
    pk = application_of(people, status=A.RECOMMENDED).pk
    county = api_as(people["county"]).post(f"{URL}{pk}/approve/")
    assert county.status_code == 403  # a county official does not issue
    issued = api_as(people["city"]).post(f"{URL}{pk}/approve/")
    assert issued.status_code == 200 and issued.json()["status"] == "issued"
    assert Voucher.objects.get().issued_by == people["city"]


@pytest.mark.parametrize("who", ["other_city", "other_user", "operator"])
def test_applications_outside_the_callers_scope_answer_404(api_as, people, who):
    pk = application_of(people).pk
    api = api_as(people[who])
    assert api.get(f"{URL}{pk}/").status_code == 404
    if who == "other_city":
        assert api.post(f"{URL}{pk}/approve/").status_code == 404
        assert api.post(f"{URL}{pk}/reject/", {"reason": "x"}, format="json").status_code == 404
    assert api.get(URL).json()["count"] == 0


def test_each_party_lists_what_it_may_see(api_as, people):
    application_of(people)
    application_of(people, amount="10000.00", status=A.RECOMMENDED)
    for who, count in [("user", 2), ("county", 2), ("city", 2), ("province", 2), ("other_city", 0)]:
        assert api_as(people[who]).get(URL).json()["count"] == count, who
    only = api_as(people["province"]).get(URL, {"status": "recommended"}).json()
    assert [row["status"] for row in only["results"]] == ["recommended"]
    assert api_as(None).get(URL).status_code == 401


def test_the_years_rules_bound_what_is_applied_for(api_as, people):
    VoucherRules.objects.update_or_create(
        year=timezone.localdate().year,
        defaults={
            "max_amount_per_voucher": Decimal("100000.00"),
            "cap_per_enterprise_per_year": Decimal("150000.00"),
        },
    )
    too_much = apply(api_as, people, amount="100000.01")
    assert too_much.status_code == 400 and list(too_much.json()) == ["amount"]
    VoucherFactory(enterprise=people["enterprise"], amount=Decimal("60000.00"),
                   valid_from=timezone.localdate())  # fmt: skip
    assert apply(api_as, people, amount="50000.00").status_code == 201
    # 60,000 issued + 50,000 applied + 40,000.01 passes 150,000.
    over_cap = apply(api_as, people, amount="40000.01")
    assert over_cap.status_code == 400 and list(over_cap.json()) == ["amount"]
    assert apply(api_as, people, amount="40000.00").status_code == 201


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"amount": "0", "purpose": "检测"}, "amount"),
        ({"amount": "-5", "purpose": "检测"}, "amount"),
        ({"amount": "1000", "purpose": ""}, "purpose"),
        ({"amount": "1000", "purpose": "检测", "planned_services": [999999]}, "planned_services"),
    ],
    ids=["zero", "negative", "no-purpose", "unknown-service"],
)
def test_bad_applications_name_the_field_and_save_nothing(api_as, people, body, field):
    answer = api_as(people["user"]).post(URL, body, format="json")
    assert answer.status_code == 400 and field in answer.json(), answer.content
    assert not VoucherApplication.objects.exists()


def test_only_enterprises_apply_and_only_verified_ones(api_as, people):
    official = api_as(people["county"]).post(
        URL, {"amount": "1000", "purpose": "检测"}, format="json"
    )
    assert official.status_code == 403
    people["enterprise"].verified = False
    people["enterprise"].verified_at = None
    people["enterprise"].save()
    unverified = apply(api_as, people)
    assert unverified.status_code == 400 and "non_field_errors" in unverified.json()


# --- pages ---------------------------------------------------------------------------------


def test_the_enterprise_applies_on_its_page(client_as, people):
    client = client_as(people["user"])
    form = client.get("/services/voucher-applications/new/")
    assert form.status_code == 200
    assert people["offering"].pk in [
        o.pk for o in form.context["form"].fields["planned_services"].queryset
    ]
    sent = client.post(
        "/services/voucher-applications/new/",
        {"amount": "30000", "purpose": "新品检测", "planned_services": [people["offering"].pk]},
    )
    application = VoucherApplication.objects.get()
    assert sent.status_code == 302
    assert sent["Location"] == f"/services/voucher-applications/{application.pk}/"
    listed = client.get("/services/voucher-applications/")
    assert f"/services/voucher-applications/{application.pk}/" in listed.content.decode()


def test_the_page_names_the_field_at_fault(client_as, people):
    VoucherRules.objects.update_or_create(
        year=timezone.localdate().year, defaults={"max_amount_per_voucher": Decimal("1000.00")}
    )
    page = client_as(people["user"]).post(
        "/services/voucher-applications/new/", {"amount": "2000", "purpose": "检测"}
    )
    assert page.status_code == 200 and page.context["form"].errors["amount"]
    assert not VoucherApplication.objects.exists()


def test_officials_decide_on_the_application_page(client_as, people):
    application = application_of(people)
    client = client_as(people["county"])
    page = client.get(f"/services/voucher-applications/{application.pk}/")
    assert set(page.context["forms"]) == {"approve", "reject"}
    assert (
        client.post(
            f"/services/voucher-applications/{application.pk}/", {"action": "approve"}
        ).status_code
        == 302
    )
    application.refresh_from_db()
    assert application.status == A.RECOMMENDED
    # The county has nothing more to decide; the province has.
    assert client.get(f"/services/voucher-applications/{application.pk}/").context["forms"] == {}
    province = client_as(people["province"])
    refused = province.post(
        f"/services/voucher-applications/{application.pk}/",
        {"action": "reject", "reject-reason": ""},
    )
    assert refused.status_code == 200 and refused.context["forms"]["reject"].errors["reason"]
    province.post(
        f"/services/voucher-applications/{application.pk}/",
        {"action": "reject", "reject-reason": "额度已满"},
    )
    application.refresh_from_db()
    assert (application.status, application.rejection_reason) == (A.REJECTED, "额度已满")


def test_the_lists_make_as_many_queries_for_one_application_as_for_six(api_as, client_as, people):
    """No query per row: the planned services are prefetched, the enterprise joined."""

    def counts():
        measured = []
        for client, url in (
            (api_as(people["county"]), URL),
            (client_as(people["county"]), "/services/voucher-applications/"),
        ):
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200
            measured.append(len(queries))
        return measured

    workflow.voucher_application_create(
        actor=people["user"], amount=Decimal("1000"), purpose="检测",
        planned_services=[people["offering"]],
    )  # fmt: skip
    one = counts()
    for n in range(5):
        enterprise = factories.EnterpriseFactory(region=factories.region("330784"))
        workflow.voucher_application_create(
            actor=factories.enterprise_user_of(enterprise), amount=Decimal(1000 + n),
            purpose="检测", planned_services=[people["offering"]],
        )  # fmt: skip
    assert counts() == one
