"""The issue's "done when": register, find a voucher-eligible testing service in 永康, request it,
pay part with a voucher, let the operator handle it, confirm and rate — through the API and in
the browser. Plus the province's side: vouchers and settlement."""

import io
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import F
from django.test import Client
from django.utils import timezone
from openpyxl import Workbook
from rest_framework.test import APIClient

from accounts.models import Notification, User
from services.models import EntryKind, ServiceRequest, Voucher, VoucherEntry, VoucherSettlement
from tests import factories

from .factories import OfferingFactory

pytestmark = pytest.mark.django_db

CODE = factories.valid_credit_code(20260001)


@pytest.fixture
def catalogue(yongkang_complex, hangzhou_complex):
    return {
        "wanted": OfferingFactory(complex=yongkang_complex, title="电动工具整机安全检测"),
        "no_voucher": OfferingFactory(complex=yongkang_complex, voucher_eligible=False),
        "elsewhere": OfferingFactory(complex=hangzhou_complex, title="家纺面料检测"),
        "operator": factories.operator_of(yongkang_complex, email="op@yk.example"),
        "province": factories.provincial_official(),
    }


def token_client(username, password):
    """A client of its own, as an external app would be, with a token."""
    api_client = APIClient()
    token = api_client.post(
        "/api/v1/auth/token/", {"username": username, "password": password}, format="json"
    ).json()["token"]
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return api_client


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def licence():
    return SimpleUploadedFile("营业执照.pdf", b"%PDF-1.7\n%%EOF\n")


def test_the_whole_journey_through_the_api(
    catalogue, api_client, api_as, django_capture_on_commit_callbacks, media_root
):
    registered = api_client.post(
        "/api/v1/enterprises/",
        {
            "username": "hengda", "password": "Hengda-Tools-2026", "credit_code": CODE,
            "name": "永康市恒达工具有限公司", "region": "330784", "size": "small",
            "contact_email": "boss@hengda.example", "business_licence": licence(),
        },
        format="multipart",
    )  # fmt: skip
    assert registered.status_code == 201
    enterprise_id = registered.json()["id"]
    assert registered.json()["verified"] is False
    county = api_as(factories.regional_official("330784"))
    verified = county.post(f"/api/v1/enterprises/{enterprise_id}/verify/")
    assert verified.status_code == 200 and verified.json()["verified"] is True
    issued = api_as(catalogue["province"]).post(
        "/api/v1/vouchers/",
        {"enterprise": enterprise_id, "amount": "5000.00", "valid_from": str(date.today()),
         "expires_on": str(date.today() + timedelta(days=365))},
        format="json",
    )  # fmt: skip
    assert issued.status_code == 201 and issued.json()["balance"] == "5000.00"
    voucher_id = issued.json()["id"]

    api_client.force_authenticate(None)
    found = api_client.get(
        "/api/v1/offerings/", {"region": "330784", "service_type": "testing",
                               "voucher_eligible": "true", "q": "电动工具"},
    ).json()  # fmt: skip
    assert [row["id"] for row in found["results"]] == [catalogue["wanted"].pk]
    assert found["results"][0]["price"] == "8000.00"

    enterprise = token_client("hengda", "Hengda-Tools-2026")
    with django_capture_on_commit_callbacks(execute=True):
        created = enterprise.post(
            "/api/v1/service-requests/",
            {"offering": catalogue["wanted"].pk, "description": "新款角磨机整机安全检测",
             "voucher": voucher_id, "voucher_amount": "3000.00"},
            format="json",
        )  # fmt: skip
    assert created.status_code == 201, created.content
    request_id = created.json()["id"]
    assert created.json()["status"] == "submitted" and created.json()["enterprise"] == enterprise_id
    assert mail.outbox[-1].to == ["op@yk.example"]

    operator = api_as(catalogue["operator"])
    for action, body in [("accept", {}), ("start", {}), ("deliver", {"note": "报告编号 YK-001"})]:
        response = operator.post(
            f"/api/v1/service-requests/{request_id}/{action}/", body, format="json"
        )
        assert response.status_code == 200, (action, response.content)
    assert enterprise.get(f"/api/v1/vouchers/{voucher_id}/").json()["held"] == "3000.00"
    assert operator.post(f"/api/v1/service-requests/{request_id}/accept/").status_code == 409

    enterprise = token_client("hengda", "Hengda-Tools-2026")
    confirmed = enterprise.post(
        f"/api/v1/service-requests/{request_id}/confirm/", {"rating": 5, "comment": "专业"},
        format="json",
    )  # fmt: skip
    assert confirmed.status_code == 200
    assert confirmed.json()["status"] == "completed" and confirmed.json()["rating"] == 5
    voucher = enterprise.get(f"/api/v1/vouchers/{voucher_id}/").json()
    assert (voucher["balance"], voucher["held"], voucher["consumed"]) == (
        "2000.00",
        "0.00",
        "3000.00",
    )
    ledger = enterprise.get(f"/api/v1/vouchers/{voucher_id}/ledger/").json()
    assert [(row["kind"], row["amount"]) for row in ledger] == [
        ("issue", "5000.00"), ("hold", "3000.00"), ("consume", "3000.00"),
    ]  # fmt: skip
    user = User.objects.get(username="hengda")
    # The enterprise hears of its verification, of the voucher and of the operator's three
    # moves; the operator of the new request and of the confirmation.
    assert Notification.objects.filter(recipient=user).count() == 5
    assert (
        list(
            Notification.objects.filter(recipient=catalogue["operator"]).values_list(
                "url", flat=True
            )
        )
        == [f"/services/requests/{request_id}/"] * 2
    )


def test_voucher_use_is_refused_where_it_does_not_fit(catalogue, api_as):
    enterprise = factories.EnterpriseFactory()
    user = factories.enterprise_user_of(enterprise)
    voucher = Voucher.objects.create(
        enterprise=enterprise, amount=1000, balance=1000, valid_from=date.today(),
        expires_on=date.today() + timedelta(days=30),
    )  # fmt: skip
    other = Voucher.objects.create(
        enterprise=factories.EnterpriseFactory(), amount=1000, balance=1000,
        valid_from=date.today(), expires_on=date.today(),
    )  # fmt: skip
    cases = [
        (catalogue["no_voucher"], voucher.pk, "500", "voucher"),
        (catalogue["wanted"], voucher.pk, "1500", "voucher_amount"),
        (catalogue["wanted"], other.pk, "500", "voucher"),
    ]
    for offering, voucher_id, amount, field in cases:
        response = api_as(user).post(
            "/api/v1/service-requests/",
            {"offering": offering.pk, "description": "检测", "voucher": voucher_id,
             "voucher_amount": amount},
            format="json",
        )  # fmt: skip
        assert response.status_code == 400 and field in response.json(), response.content
    assert not ServiceRequest.objects.exists()


def test_the_journey_in_the_browser(catalogue, client, client_as, media_root):
    response = client.post(
        "/services/register/",
        {"name": "永康市恒达工具有限公司", "credit_code": CODE, "region": "330784", "size": "small",
         "contact_name": "王伟", "contact_phone": "13800000000", "email": "boss@hengda.example",
         "username": "hengda", "password": "Hengda-Tools-2026", "password_again": "Hengda-Tools-2026",
         "business_licence": licence()},
    )  # fmt: skip
    assert response.status_code == 302
    enterprise = User.objects.get(username="hengda").enterprise
    county = Client()
    county.force_login(factories.regional_official("330784"))
    verified = county.post(f"/services/verification/{enterprise.pk}/", {"action": "verify"})
    assert verified.status_code == 302
    Voucher.objects.create(
        enterprise=enterprise, amount=5000, balance=5000, valid_from=date.today(),
        expires_on=date.today() + timedelta(days=90),
    )  # fmt: skip
    page = client.get(
        "/services/", {"region": "330784", "voucher_eligible": "true", "q": "电动工具"}
    )
    assert catalogue["wanted"].title in page.content.decode()
    assert catalogue["elsewhere"].title not in page.content.decode()
    voucher = Voucher.objects.get(enterprise=enterprise)
    sent = client.post(
        f"/services/offerings/{catalogue['wanted'].pk}/",
        {"description": "新款角磨机整机安全检测", "voucher": voucher.pk, "voucher_amount": "2000"},
    )
    request_ = ServiceRequest.objects.get()
    assert sent.status_code == 302 and sent["Location"] == f"/services/requests/{request_.pk}/"

    operator = client_as(catalogue["operator"])
    queue = operator.get("/services/requests/").content.decode()
    assert f"#{request_.pk}" in queue
    for action, data in [
        ("accept", {}),
        ("start", {}),
        ("deliver", {"deliver-note": "已出具报告"}),
    ]:
        response = operator.post(f"/services/requests/{request_.pk}/{action}/", data)
        assert response.status_code == 302, action
    client.force_login(User.objects.get(username="hengda"))
    detail = client.get(f"/services/requests/{request_.pk}/")
    assert set(detail.context["action_forms"]) == {"confirm", "dispute"}
    response = client.post(
        f"/services/requests/{request_.pk}/confirm/",
        {"confirm-rating": "4", "confirm-comment": "好"},
    )
    assert response.status_code == 302
    request_.refresh_from_db()
    assert (request_.status, request_.rating) == ("completed", 4)
    timeline = client.get(f"/services/requests/{request_.pk}/").content.decode()
    assert timeline.count("list-group-item") == 5


def test_an_illegal_move_in_the_browser_changes_nothing(catalogue, client_as):
    enterprise = factories.EnterpriseFactory()
    user = factories.enterprise_user_of(enterprise)
    from services import services

    created = services.service_request_create(
        offering=catalogue["wanted"], actor=user, description="检测"
    )
    response = client_as(user).post(
        f"/services/requests/{created.pk}/confirm/", {"confirm-rating": "5"}
    )
    assert response.status_code == 400
    created.refresh_from_db()
    assert created.status == "submitted"


def sheet(rows) -> io.BytesIO:
    workbook = Workbook()
    workbook.active.append(["统一社会信用代码", "金额", "生效日期", "到期日期"])
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    buffer.name = "vouchers.xlsx"
    return buffer


def test_bulk_issue_from_excel_is_all_or_nothing(catalogue, api_as):
    first, second = factories.EnterpriseFactory(), factories.EnterpriseFactory()
    province = api_as(catalogue["province"])
    bad = province.post(
        "/api/v1/vouchers/import/",
        {"file": sheet([
            [first.credit_code, 20000, date(2026, 1, 1), date(2026, 12, 31)],
            [second.credit_code, "abc", date(2026, 1, 1), date(2025, 12, 31)],
            ["913307840000000000", 1000, "2026-01-01", "2026-06-30"],
        ])},
        format="multipart",
    )  # fmt: skip
    assert bad.status_code == 400
    assert bad.json()["file"] == [
        "第 3 行，B 列（金额（元））：请填写以元为单位的正数金额。",
        "第 3 行，D 列（到期日期）：到期日期不能早于生效日期。",
        "第 4 行，A 列（统一社会信用代码）：统一社会信用代码的校验码不正确，请核对。",
    ]
    assert not Voucher.objects.exists()
    good = province.post(
        "/api/v1/vouchers/import/",
        {"file": sheet([
            [first.credit_code, 20000, date(2026, 1, 1), date(2026, 12, 31)],
            [second.credit_code.lower(), "15000.50", "2026-02-01", "2027-01-31"],
        ])},
        format="multipart",
    )  # fmt: skip
    assert good.status_code == 201
    assert sorted(Voucher.objects.values_list("amount", flat=True)) == [
        Decimal("15000.50"),
        Decimal("20000.00"),
    ]
    assert VoucherEntry.objects.filter(kind=EntryKind.ISSUE).count() == 2
    enterprise_user = factories.enterprise_user_of(first)
    assert (
        api_as(enterprise_user).post("/api/v1/vouchers/import/", {}, format="multipart").status_code
        == 403
    )


def test_monthly_settlement_per_complex(catalogue, api_as, client_as, world_in_last_month):
    request_, voucher = world_in_last_month
    month = (timezone.localdate().replace(day=1) - timedelta(days=1)).replace(day=1)
    province = client_as(catalogue["province"])
    due = province.get("/services/settlements/").context["due"].object_list
    assert [(row["complex_id"], row["amount"]) for row in due] == [
        (request_.complex_id, Decimal("3000.00"))
    ]
    response = province.post(
        "/services/settlements/", {"complex": request_.complex_id, "month": str(month)}
    )
    assert response.status_code == 302
    settlement = VoucherSettlement.objects.get()
    assert (settlement.amount, settlement.month) == (Decimal("3000.00"), month)
    assert list(voucher.entries.values_list("kind", flat=True)) == [
        "issue",
        "hold",
        "consume",
        "settle",
    ]
    again = api_as(catalogue["province"]).post(
        "/api/v1/voucher-settlements/", {"complex": request_.complex_id, "month": str(month)},
        format="json",
    )  # fmt: skip
    assert again.status_code == 409
    operator_view = api_as(catalogue["operator"]).get("/api/v1/voucher-settlements/").json()
    assert [row["amount"] for row in operator_view["results"]] == ["3000.00"]
    jinhua = api_as(factories.regional_official("330700")).post(
        "/api/v1/voucher-settlements/", {"complex": request_.complex_id, "month": str(month)},
        format="json",
    )  # fmt: skip
    assert jinhua.status_code == 403


@pytest.fixture
def world_in_last_month(catalogue):
    """A request completed with 3,000 of voucher money, its consumption dated last month."""
    from services import services

    enterprise = factories.EnterpriseFactory()
    user = factories.enterprise_user_of(enterprise)
    voucher = services.voucher_issue(
        enterprise=enterprise, amount=Decimal("5000"), valid_from=date.today() - timedelta(days=60),
        expires_on=date.today() + timedelta(days=300), actor=catalogue["province"],
    )  # fmt: skip
    created = services.service_request_create(
        offering=catalogue["wanted"], actor=user, description="检测", voucher=voucher,
        voucher_amount=Decimal("3000"),
    )  # fmt: skip
    operator = catalogue["operator"]
    services.service_request_accept(service_request=created, actor=operator)
    services.service_request_start(service_request=created, actor=operator)
    services.service_request_deliver(service_request=created, actor=operator, note="完成")
    services.service_request_confirm(service_request=created, actor=user, rating=5)
    # Move the whole story back so that it ended three days before this month began.
    shift = timezone.now() - (timezone.localtime().replace(day=1) - timedelta(days=3))
    VoucherEntry.objects.update(at=F("at") - shift)
    return created, voucher
