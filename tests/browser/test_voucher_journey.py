"""An enterprise's service from voucher to settlement in one trip online (最多跑一次), in Chinese:
it applies for a voucher, the county recommends and the province issues it; it requests a
service priced on quotation (面议), accepts the complex's quote paying part with the voucher
(held at acceptance), downloads the deliverable, confirms and rates; the voucher then shows the
money consumed."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from services.models import RequestStatus, ServiceRequest, Voucher, VoucherApplication
from tests import factories
from tests.services.factories import OfferingFactory

pytestmark = pytest.mark.django_db(transaction=True)

YONGKANG = "永康五金产业创新服务综合体"
ON_QUOTATION = "电动工具整机可靠性试验方案设计"
PDF = b"%PDF-1.7\n%%EOF\n"


@pytest.fixture
def scene(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"  # the deliverable handed over
    complex_ = factories.ComplexFactory(name=YONGKANG, region=factories.region("330784"))
    offering = OfferingFactory(
        complex=complex_, title=ON_QUOTATION, price=None, voucher_eligible=True
    )
    OfferingFactory(complex=complex_, title="五金件盐雾试验", price=Decimal("3000.00"))
    enterprise = factories.EnterpriseFactory(
        name="永康市恒达工具有限公司", verified=True, region=factories.region("330784")
    )
    return {
        "offering": offering,
        "enterprise": factories.enterprise_user_of(enterprise),
        "county": factories.regional_official("330784"),
        "province": factories.provincial_official(),
        "operator": factories.operator_of(complex_),
    }


def as_(page, live_server, log_in, user) -> None:
    """Hand the browser to another person: the previous one's session goes."""
    page.context.clear_cookies()
    log_in(page, user.username, factories.PASSWORD)


def test_an_enterprise_pays_a_quoted_service_with_a_voucher_it_applied_for(
    page, live_server, log_in, snap, scene, tmp_path
):
    page.on("dialog", lambda dialog: dialog.accept())
    offering = scene["offering"]

    # The enterprise applies for a voucher of 20,000, planning the service on quotation.
    as_(page, live_server, log_in, scene["enterprise"])
    page.goto(f"{live_server.url}/services/voucher-applications/new/")
    expect(page.get_by_role("heading", name="申请创新券")).to_be_visible()
    page.fill("#id_amount", "20000")
    page.fill("#id_purpose", "新款角磨机整机可靠性试验与设计改进")
    page.select_option("#id_planned_services", str(offering.pk))
    snap(page, "voucher-journey-apply")
    page.get_by_role("button", name="提交申请").click()
    expect(page.get_by_text("您的申请已提交审核。")).to_be_visible()
    expect(page.get_by_text("待属地审核")).to_be_visible()
    application = VoucherApplication.objects.get()
    detail = f"{live_server.url}/services/voucher-applications/{application.pk}/"

    # The county official of Yongkang finds it in the queue and recommends it.
    as_(page, live_server, log_in, scene["county"])
    page.goto(f"{live_server.url}/services/voucher-applications/")
    page.get_by_role("link", name=f"第 {application.pk} 号申请").click()
    expect(page.get_by_text("待属地审核")).to_be_visible()
    expect(page.get_by_role("button", name="发放创新券")).to_have_count(0)
    page.get_by_role("button", name="推荐", exact=True).click()
    expect(page.get_by_text("已推荐，待发放")).to_be_visible()
    snap(page, "voucher-journey-recommended")

    # The province issues the voucher.
    as_(page, live_server, log_in, scene["province"])
    page.goto(detail)
    page.get_by_role("button", name="发放创新券").click()
    voucher = Voucher.objects.get(enterprise=application.enterprise)
    expect(page.get_by_role("link", name=f"第 {voucher.pk} 号创新券")).to_be_visible()
    expect(page.locator("p.text-muted").filter(has_text="已发放")).to_be_visible()
    snap(page, "voucher-journey-issued")

    # The enterprise finds the service on quotation in the catalogue and requests it.
    as_(page, live_server, log_in, scene["enterprise"])
    page.goto(f"{live_server.url}/services/")
    page.fill("#id_q", "可靠性")
    page.get_by_role("button", name="筛选", exact=True).click()
    card = page.locator(".card").filter(has=page.get_by_role("link", name=ON_QUOTATION))
    expect(card).to_contain_text("面议")
    expect(page.get_by_role("link", name="五金件盐雾试验")).to_have_count(0)
    snap(page, "voucher-journey-catalogue")
    card.get_by_role("link", name=ON_QUOTATION).click()
    # On quotation the voucher is chosen with the quote, not now.
    expect(page.locator("#id_voucher")).to_have_count(0)
    page.fill("#id_description", "新款角磨机整机可靠性试验，需出具试验方案与报告")
    page.get_by_role("button", name="提交申请").click()
    expect(page.get_by_text("您的申请已提交给综合体。")).to_be_visible()
    expect(page.locator(".badge.request-submitted").first).to_have_text("已提交")
    service_request = ServiceRequest.objects.get(offering=offering)
    request_page = f"{live_server.url}/services/requests/{service_request.pk}/"

    # The complex's operator answers with a quote.
    as_(page, live_server, log_in, scene["operator"])
    page.goto(request_page)
    delivery = timezone.localdate() + timedelta(days=20)
    page.fill("#id_quote-price", "12000")
    page.fill("#id_quote-delivery_date", delivery.isoformat())
    page.fill("#id_quote-note", "含试验方案设计与两轮整机试验")
    snap(page, "voucher-journey-quote")
    page.get_by_role("button", name="发送报价").click()
    expect(page.get_by_text("服务申请已更新。")).to_be_visible()
    expect(page.locator(".badge.request-quoted").first).to_have_text("已报价")

    # The enterprise accepts the quote, paying 6,000 of it with the voucher.
    as_(page, live_server, log_in, scene["enterprise"])
    page.goto(request_page)
    quote = page.locator("dd").filter(has_text="前交付")
    expect(quote).to_contain_text(f"¥12000.00 · {delivery.isoformat()} 前交付")
    expect(quote).to_contain_text("含试验方案设计与两轮整机试验")
    page.select_option("#id_accept_quote-voucher", str(voucher.pk))
    page.fill("#id_accept_quote-voucher_amount", "6000")
    snap(page, "voucher-journey-accept-quote")
    page.get_by_role("button", name="接受报价").click()
    expect(page.get_by_text("服务申请已更新。")).to_be_visible()
    # Accepting the quote is the agreement: the request is accepted, the voucher money held.
    expect(page.locator(".badge.request-accepted").first).to_have_text("已受理")
    expect(page.get_by_text(f"¥6000.00 (第 {voucher.pk} 号创新券)")).to_be_visible()
    voucher.refresh_from_db()
    assert (voucher.balance, voucher.held) == (Decimal("14000.00"), Decimal("6000.00"))

    # The operator starts the work and delivers with the report.
    report = tmp_path / "可靠性试验报告.pdf"
    report.write_bytes(PDF)
    as_(page, live_server, log_in, scene["operator"])
    page.goto(request_page)
    expect(page.get_by_role("button", name="受理", exact=True)).to_have_count(0)
    page.get_by_role("button", name="开始服务").click()
    expect(page.locator(".badge.request-in_progress").first).to_have_text("服务中")
    page.fill("#id_deliver-note", "试验报告见附件")
    page.set_input_files("#id_deliver-files", str(report))
    snap(page, "voucher-journey-deliver")
    page.get_by_role("button", name="标记为已交付").click()
    expect(page.locator(".badge.request-delivered").first).to_have_text("已交付")

    # The enterprise downloads the report, confirms and rates.
    as_(page, live_server, log_in, scene["enterprise"])
    page.goto(request_page)
    with page.expect_download() as download:
        page.get_by_role("link", name="可靠性试验报告.pdf").click()
    assert download.value.suggested_filename == "可靠性试验报告.pdf"
    assert download.value.path().read_bytes() == PDF
    page.locator("input[name='confirm-rating'][value='5']").check()
    page.fill("#id_confirm-comment", "方案专业，报告清楚。")
    snap(page, "voucher-journey-delivered")
    page.get_by_role("button", name="确认并评价").click()
    expect(page.get_by_text("服务申请已更新。")).to_be_visible()
    expect(page.locator(".badge.request-completed").first).to_have_text("已完成")
    expect(page.get_by_text("5★ 方案专业，报告清楚。")).to_be_visible()
    service_request.refresh_from_db()
    assert (service_request.status, service_request.rating) == (RequestStatus.COMPLETED, 5)

    # The voucher: 14,000 available, nothing held, 6,000 consumed, and the ledger says so.
    page.goto(f"{live_server.url}/services/vouchers/{voucher.pk}/")
    figures = {
        label: page.locator(".card-body").filter(has_text=label).locator(".fs-5")
        for label in ("可用余额", "进行中申请占用", "核销")
    }
    expect(figures["可用余额"]).to_have_text("¥14000.00")
    expect(figures["进行中申请占用"]).to_have_text("¥0.00")
    expect(figures["核销"]).to_have_text("¥6000.00")
    expect(page.get_by_role("link", name=f"#{service_request.pk}").first).to_be_visible()
    snap(page, "voucher-journey-voucher")
