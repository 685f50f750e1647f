"""Issue 13, finding 2: registrations are verified against the business licence before an
enterprise receives vouchers; a second registration of a registered code is a claim."""

import io
from datetime import date

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from accounts.models import Notification, Role, User
from portal.exceptions import InvalidTransition, NotPermitted
from services import services
from services.models import ClaimStatus, EnterpriseClaim, ServiceRequest, Voucher
from tests import factories

from .factories import OfferingFactory, VoucherFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
CODE = factories.valid_credit_code(31415926)
PASSWORD = "Yongkang-Tools-2026"


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def licence(name="营业执照.pdf", content=PDF):
    return SimpleUploadedFile(name, content)


def registration(**overrides):
    data = {
        "username": "hengda",
        "password": PASSWORD,
        "credit_code": CODE,
        "name": "永康市恒达工具有限公司",
        "region": "330784",
        "size": "small",
        "contact_name": "王伟",
        "contact_phone": "13800000000",
        "contact_email": "wang@hengda.example",
    }
    return {**data, **overrides}


def browser_registration(**overrides):
    data = registration(email="wang@hengda.example", password_again=PASSWORD)
    data.pop("contact_email")
    return {**data, "business_licence": licence(), **overrides}


@pytest.fixture
def pending():
    """A registration waiting in Yongkang (Jinhua), with its user."""
    enterprise = factories.EnterpriseFactory(pending=True, name="永康市待审五金有限公司")
    return enterprise, factories.enterprise_user_of(enterprise, email="boss@daishen.example")


# --- registration ----------------------------------------------------------------------------


def test_a_browser_registration_is_pending_with_its_licence_and_signed_in(client):
    response = client.post("/services/register/", browser_registration())
    assert response.status_code == 302
    user = User.objects.get(username="hengda")
    enterprise = user.enterprise
    assert (enterprise.verified, enterprise.verification_state) == (False, "pending")
    assert enterprise.business_licence_name == "营业执照.pdf"
    assert enterprise.business_licence.name.startswith("business-licences/")
    assert "营业执照" not in enterprise.business_licence.name  # a generated name
    assert client.get("/services/my-enterprise/").status_code == 200


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (None, "该字段是必填项。"),
        (licence("licence.docx", b"PK\x03\x04"), "请以 PDF 或图片格式上传营业执照"),
        (licence("licence.pdf", b"MZ\x90\x00 not a pdf"), "该文件的内容不是 PDF 文件。"),
    ],
)
def test_the_registration_page_asks_for_a_real_licence(client, upload, message):
    data = browser_registration(business_licence=upload or "")
    response = client.post("/services/register/", data)
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors["business_licence"])
    assert not User.objects.filter(username="hengda").exists()


def test_the_api_registers_unverified_and_the_user_uploads_the_licence_later(api_client, api_as):
    response = api_client.post("/api/v1/enterprises/", registration(), format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["verified"], body["verification_state"]) == (False, "no_licence")
    user = User.objects.get(username="hengda")
    url = f"/api/v1/enterprises/{body['id']}/licence/"
    uploaded = api_as(user).post(url, {"business_licence": licence()}, format="multipart")
    assert uploaded.status_code == 200, uploaded.content
    assert uploaded.json()["verification_state"] == "pending"
    assert uploaded.json()["business_licence_url"] == url
    assert api_as(user).get(url).getvalue() == PDF


def test_enterprise_rows_of_the_api_carry_verified(api_as, pending):
    verified = factories.EnterpriseFactory()
    rows = api_as(factories.regional_official("330784")).get("/api/v1/enterprises/").json()
    assert {row["id"]: row["verified"] for row in rows["results"]} == {
        verified.pk: True,
        pending[0].pk: False,
    }
    only_pending = api_as(factories.provincial_official()).get(
        "/api/v1/enterprises/", {"verified": "false"}
    )
    assert [row["id"] for row in only_pending.json()["results"]] == [pending[0].pk]


# --- claims --------------------------------------------------------------------------------


def test_a_second_registration_of_a_code_is_a_claim_without_access(api_client, api_as):
    firm = factories.EnterpriseFactory(credit_code=CODE)
    owner = factories.enterprise_user_of(firm)
    voucher = VoucherFactory(enterprise=firm)
    request_ = ServiceRequest.objects.create(
        offering=OfferingFactory(), complex_id=OfferingFactory().complex_id, enterprise=firm,
        description="检测",
    )  # fmt: skip
    officials = [factories.regional_official(code) for code in ("330784", "330700", "330100")]
    response = api_client.post(
        "/api/v1/enterprises/",
        {**registration(username="squatter"), "business_licence": licence()},
        format="multipart",
    )
    assert response.status_code == 202, response.content
    claim = EnterpriseClaim.objects.get()
    assert response.json()["claim"] == claim.pk
    assert (claim.enterprise, claim.status) == (firm, ClaimStatus.PENDING)
    claimant = claim.claimant
    assert (claimant.username, claimant.is_active, claimant.enterprise) == ("squatter", False, None)
    # The firm keeps its user; the claimant can neither sign in nor see the firm's records.
    owner.refresh_from_db()
    assert owner.is_active and owner.enterprise == firm
    assert factories.authenticate(username="squatter", password=PASSWORD) is None
    as_claimant = api_as(claimant)
    assert as_claimant.get(f"/api/v1/vouchers/{voucher.pk}/").status_code in (401, 403, 404)
    assert as_claimant.get(f"/api/v1/service-requests/{request_.pk}/").status_code in (
        401,
        403,
        404,
    )
    assert not Voucher.objects.in_scope(claimant).exists()
    assert not ServiceRequest.objects.in_scope(claimant).exists()
    # The county and city officials over the firm hear of the claim; Hangzhou's do not.
    told = Notification.objects.filter(url=f"/services/claims/{claim.pk}/")
    assert sorted(told.values_list("recipient__region", flat=True)) == ["330700", "330784"]
    assert officials[2].notifications.count() == 0


def test_a_claim_needs_the_claimants_licence(api_client):
    factories.EnterpriseFactory(credit_code=CODE)
    response = api_client.post(
        "/api/v1/enterprises/", registration(username="other"), format="json"
    )
    assert response.status_code == 400
    assert "已经注册" in response.json()["credit_code"][0]
    assert "营业执照" in response.json()["credit_code"][0]
    assert not User.objects.filter(username="other").exists()
    assert not EnterpriseClaim.objects.exists()


def test_a_claim_in_the_browser_is_told_it_is_under_review(client):
    factories.EnterpriseFactory(credit_code=CODE)
    response = client.post("/services/register/", browser_registration(username="claimer"))
    assert response.status_code == 200
    assert "审核" in response.content.decode()
    assert EnterpriseClaim.objects.get().claimant.username == "claimer"
    assert "_auth_user_id" not in client.session


@pytest.fixture
def claim(api_client):
    firm = factories.EnterpriseFactory(credit_code=CODE, name="永康市恒达工具有限公司")
    owner = factories.enterprise_user_of(firm, email="old@hengda.example")
    VoucherFactory(enterprise=firm)
    api_client.post(
        "/api/v1/enterprises/",
        {**registration(username="realowner"), "business_licence": licence()},
        format="multipart",
    )
    return EnterpriseClaim.objects.get(), owner


def test_the_official_sees_both_licences_and_awards_the_claim(
    claim, client_as, django_capture_on_commit_callbacks
):
    claim_, owner = claim
    official = factories.regional_official("330784")
    page = client_as(official).get(f"/services/claims/{claim_.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert f"/api/v1/enterprises/{claim_.enterprise_id}/licence/" not in html  # none uploaded
    assert f"/services/claims/{claim_.pk}/licence/" in html
    download = client_as(official).get(f"/services/claims/{claim_.pk}/licence/")
    assert download.getvalue() == PDF
    assert download["Content-Disposition"].startswith("attachment")
    assert download["X-Frame-Options"] == "DENY"
    # Shown side by side in the portal's own page, and in no other site's frame.
    shown = client_as(official).get(f"/services/claims/{claim_.pk}/licence/?inline=1")
    assert shown["Content-Type"] == "application/pdf"
    assert shown["Content-Disposition"].startswith("inline")
    assert shown["X-Frame-Options"] == "SAMEORIGIN"
    assert shown["X-Content-Type-Options"] == "nosniff"
    with django_capture_on_commit_callbacks(execute=True):
        response = client_as(official).post(
            f"/services/claims/{claim_.pk}/", {"action": "award", "award-reason": "执照一致"}
        )
    assert response.status_code == 302
    claim_.refresh_from_db()
    owner.refresh_from_db()
    claimant = claim_.claimant
    claimant.refresh_from_db()
    enterprise = claim_.enterprise
    enterprise.refresh_from_db()
    assert (claim_.status, claim_.decided_by) == (ClaimStatus.AWARDED, official)
    assert (claimant.is_active, claimant.role, claimant.enterprise) == (
        True,
        Role.ENTERPRISE,
        enterprise,
    )
    assert not owner.is_active
    assert (enterprise.verified, enterprise.verified_by) == (True, official)
    assert enterprise.business_licence.name == claim_.business_licence.name
    # The vouchers stay with the enterprise, now the claimant's.
    assert Voucher.objects.in_scope(claimant).count() == 1
    assert not Voucher.objects.in_scope(owner).exists()
    assert factories.authenticate(username="realowner", password=PASSWORD) == claimant
    assert {message.to[0] for message in mail.outbox} == {
        "old@hengda.example",
        "wang@hengda.example",
    }
    history = client_as(official).get(f"/history/enterprise/{enterprise.pk}/").content.decode()
    assert official.username in history


def test_a_rejected_claim_leaves_the_claimant_inactive_and_tells_them(
    claim, client_as, django_capture_on_commit_callbacks
):
    claim_, owner = claim
    official = factories.provincial_official()
    refused = client_as(official).post(f"/services/claims/{claim_.pk}/", {"action": "reject"})
    assert refused.status_code == 200
    assert refused.context["forms"]["reject"].errors["reason"]
    with django_capture_on_commit_callbacks(execute=True):
        response = client_as(official).post(
            f"/services/claims/{claim_.pk}/",
            {"action": "reject", "reject-reason": "执照上的名称与企业不符"},
        )
    assert response.status_code == 302
    claim_.refresh_from_db()
    assert (claim_.status, claim_.reason) == (ClaimStatus.REJECTED, "执照上的名称与企业不符")
    assert not claim_.claimant.is_active and claim_.claimant.enterprise is None
    owner.refresh_from_db()
    assert owner.is_active
    assert mail.outbox[-1].to == ["wang@hengda.example"]
    assert "执照上的名称与企业不符" in mail.outbox[-1].body
    with pytest.raises(InvalidTransition):
        services.enterprise_claim_award(actor=official, claim=claim_)


def test_claims_are_decided_only_by_officials_in_scope(claim, client_as):
    claim_, owner = claim
    outside = factories.regional_official("330100")
    for url in (f"/services/claims/{claim_.pk}/", f"/services/claims/{claim_.pk}/licence/"):
        assert client_as(outside).get(url).status_code == 404
        assert client_as(owner).get(url).status_code == 403
    assert (
        client_as(outside).post(f"/services/claims/{claim_.pk}/", {"action": "award"}).status_code
        == 404
    )
    with pytest.raises(NotPermitted):
        services.enterprise_claim_award(actor=owner, claim=claim_)
    claim_.refresh_from_db()
    assert claim_.status == ClaimStatus.PENDING


# --- verification --------------------------------------------------------------------------


def test_the_county_official_verifies_a_pending_registration(client_as, pending):
    enterprise, user = pending
    official = factories.regional_official("330784", first_name="永康市科技局")
    queue = client_as(official).get("/services/verification/")
    assert [row.pk for row in queue.context["page"].object_list] == [enterprise.pk]
    page = client_as(official).get(f"/services/verification/{enterprise.pk}/")
    assert f"/api/v1/enterprises/{enterprise.pk}/licence/" in page.content.decode()
    assert (
        client_as(official).get(f"/api/v1/enterprises/{enterprise.pk}/licence/").status_code == 200
    )
    response = client_as(official).post(
        f"/services/verification/{enterprise.pk}/", {"action": "verify"}
    )
    assert response.status_code == 302
    enterprise.refresh_from_db()
    assert (enterprise.verified, enterprise.verified_by) == (True, official)
    assert enterprise.verified_at is not None
    notice = Notification.objects.get(recipient=user)
    assert "已通过核验" in notice.subject
    assert not client_as(official).get("/services/verification/").context["page"].object_list
    history = client_as(official).get(f"/history/enterprise/{enterprise.pk}/").content.decode()
    assert "永康市科技局" in history
    again = client_as(official).post(
        f"/services/verification/{enterprise.pk}/", {"action": "verify"}
    )
    assert again.status_code == 200  # refused on the page: verified already


def test_a_rejected_licence_is_told_and_a_new_one_waits_again(client_as, pending):
    enterprise, user = pending
    official = factories.regional_official("330700")
    response = client_as(official).post(
        f"/services/verification/{enterprise.pk}/",
        {"action": "reject", "reject-reason": "照片模糊，无法辨认"},
    )
    assert response.status_code == 302
    enterprise.refresh_from_db()
    assert (enterprise.verified, enterprise.verification_state) == (False, "rejected")
    assert Notification.objects.get(recipient=user).body == "照片模糊，无法辨认"
    rejected = client_as(official).get("/services/verification/", {"state": "rejected"})
    assert [row.pk for row in rejected.context["page"].object_list] == [enterprise.pk]
    page = client_as(user).get("/services/my-enterprise/").content.decode()
    assert "照片模糊，无法辨认" in page
    uploaded = client_as(user).post(
        "/services/my-enterprise/",
        {"business_licence": licence("清晰版.png", b"\x89PNG\r\n\x1a\n")},
    )
    assert uploaded.status_code == 302
    enterprise.refresh_from_db()
    assert (enterprise.verification_state, enterprise.business_licence_name) == (
        "pending",
        "清晰版.png",
    )


def test_verification_is_for_officials_in_scope_only(client_as, api_as, pending):
    enterprise, user = pending
    outside = factories.regional_official("330100")
    operator = factories.operator_of(factories.ComplexFactory())
    pages = (
        f"/services/verification/{enterprise.pk}/",
        f"/api/v1/enterprises/{enterprise.pk}/licence/",
    )
    for url in pages:
        assert client_as(outside).get(url).status_code == 404, url
    assert client_as(operator).get(pages[1]).status_code == 404
    assert client_as(user).get(pages[1]).status_code == 200  # the enterprise's own licence
    assert client_as(outside).get("/services/verification/").context["page"].paginator.count == 0
    for who in (user, operator):
        assert client_as(who).get("/services/verification/").status_code == 403
        assert client_as(who).get(pages[0]).status_code == 403
    assert client_as(outside).post(pages[0], {"action": "verify"}).status_code == 404
    assert api_as(outside).post(f"/api/v1/enterprises/{enterprise.pk}/verify/").status_code == 404
    assert api_as(user).post(f"/api/v1/enterprises/{enterprise.pk}/verify/").status_code == 403
    with pytest.raises(NotPermitted):
        services.enterprise_verify(actor=user, enterprise=enterprise)
    enterprise.refresh_from_db()
    assert not enterprise.verified
    verified = api_as(factories.provincial_official()).post(
        f"/api/v1/enterprises/{enterprise.pk}/verify/"
    )
    assert verified.status_code == 200 and verified.json()["verified"] is True


# --- vouchers ------------------------------------------------------------------------------


def test_no_voucher_for_an_unverified_enterprise_through_the_api(api_as, pending):
    enterprise, _user = pending
    response = api_as(factories.provincial_official()).post(
        "/api/v1/vouchers/",
        {
            "enterprise": enterprise.pk,
            "amount": "5000.00",
            "valid_from": "2026-01-01",
            "expires_on": "2027-12-31",
        },
        format="json",
    )
    assert response.status_code == 400
    assert "尚未通过核验" in response.json()["enterprise"][0]
    assert not Voucher.objects.exists()


def test_no_voucher_for_an_unverified_enterprise_through_the_form(client_as, pending):
    enterprise, _user = pending
    response = client_as(factories.provincial_official()).post(
        "/services/vouchers/",
        {"form": "issue", "credit_code": enterprise.credit_code, "amount": "5000",
         "valid_from": "2026-01-01", "expires_on": "2027-12-31"},
    )  # fmt: skip
    assert response.status_code == 200
    assert "尚未通过核验" in response.context["issue_form"].errors["credit_code"][0]
    assert not Voucher.objects.exists()


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


def test_the_import_issues_nothing_and_lists_unverified_and_unknown_rows(
    api_as, client_as, pending
):
    enterprise, _user = pending
    verified = factories.EnterpriseFactory()
    unknown = factories.valid_credit_code(99999999)
    rows = [
        [verified.credit_code, 20000, date(2026, 1, 1), date(2026, 12, 31)],
        [enterprise.credit_code, 10000, date(2026, 1, 1), date(2026, 12, 31)],
        [unknown, 10000, date(2026, 1, 1), date(2026, 12, 31)],
    ]
    province = factories.provincial_official()
    response = api_as(province).post(
        "/api/v1/vouchers/import/", {"file": sheet(rows)}, format="multipart"
    )
    assert response.status_code == 400
    assert response.json()["file"] == [
        f"第 3 行，A 列（统一社会信用代码）：{enterprise.name}尚未通过核验，不能领取创新券。",
        "第 4 行，A 列（统一社会信用代码）：没有使用该代码注册的企业。",
    ]
    page = client_as(province).post("/services/vouchers/", {"form": "import", "file": sheet(rows)})
    assert f"{enterprise.name}尚未通过核验" in page.content.decode()
    assert not Voucher.objects.exists()
    verified_only = api_as(province).post(
        "/api/v1/vouchers/import/", {"file": sheet(rows[:1])}, format="multipart"
    )
    assert verified_only.status_code == 201
    assert list(Voucher.objects.values_list("enterprise", flat=True)) == [verified.pk]


def test_a_pending_enterprise_requests_services_without_a_voucher(client_as, pending):
    enterprise, user = pending
    offering = OfferingFactory(voucher_eligible=True)
    page = client_as(user).get(f"/services/offerings/{offering.pk}/")
    assert list(page.context["form"].fields["voucher"].queryset) == []
    response = client_as(user).post(
        f"/services/offerings/{offering.pk}/", {"description": "需要检测五金件"}
    )
    assert response.status_code == 302
    assert ServiceRequest.objects.get().enterprise == enterprise
    assert ServiceRequest.objects.get().voucher is None


def test_an_official_may_not_verify_without_a_licence(api_as):
    enterprise = factories.EnterpriseFactory(verified=False, verified_at=None)
    response = api_as(factories.provincial_official()).post(
        f"/api/v1/enterprises/{enterprise.pk}/verify/"
    )
    assert response.status_code == 409
    enterprise.refresh_from_db()
    assert not enterprise.verified
