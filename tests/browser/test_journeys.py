"""The three audiences' journeys end to end in headless Chromium, screenshots in both languages."""

from decimal import Decimal
from io import BytesIO

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from evaluation import services as evaluation_services
from evaluation.models import AnnualReport, Evaluation, ReportStatus
from funding.models import Allocation, AllocationDecision
from portal.models import Job
from services import services as enterprise_services
from services.models import Enterprise, RequestStatus, ServiceRequest
from tests import factories
from tests.evaluation import factories as evaluation
from tests.funding.factories import M, rule_set
from tests.services.factories import (
    OfferingFactory,
    ServiceRequestFactory,
    VoucherFactory,
    advance,
)

from .conftest import switch_language

pytestmark = pytest.mark.django_db(transaction=True)


YEAR = 2025
PHONE = {"width": 390, "height": 844}
CREDIT_CODE = factories.valid_credit_code(77_000_001)


@pytest.fixture
def confirm_everything(page):
    """Accept every data-confirm dialog: the journeys go ahead with what they asked for."""
    page.on("dialog", lambda dialog: dialog.accept())
    return page


def in_english(page) -> None:
    """Switch the page to English; on a phone the language menu sits in the collapsed navbar."""
    toggler = page.locator(".navbar-toggler")
    if toggler.is_visible():
        toggler.click()
    switch_language(page, "en")


def test_an_enterprise_registers_requests_with_a_voucher_and_rates(
    page, live_server, snap, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path  # the business licence uploaded on registering
    yongkang = factories.ComplexFactory(name="永康五金产业创新服务综合体")
    yuhang = factories.ComplexFactory(
        name="余杭家纺产业创新服务综合体", region=factories.region("330110")
    )
    wanted = OfferingFactory(complex=yongkang, title="电动工具安全性能检测")
    OfferingFactory(complex=yuhang, title="家纺面料色牢度检测", voucher_eligible=False)
    operator = factories.operator_of(yongkang)
    page.set_viewport_size(PHONE)

    page.goto(f"{live_server.url}/services/register/")
    for field, value in {
        "name": "永康市恒达工具有限公司", "credit_code": CREDIT_CODE, "contact_name": "王伟",
        "contact_phone": "13800000000", "email": "boss@hengda.example", "username": "hengda",
        "password": "Hengda-Tools-2026", "password_again": "Hengda-Tools-2026",
    }.items():  # fmt: skip
        page.fill(f"#id_{field}", value)
    page.select_option("#id_region", "330784")
    page.select_option("#id_size", "small")
    page.set_input_files(
        "#id_business_licence",
        files=[{"name": "营业执照.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.7\n"}],
    )
    snap(page, "enterprise-register")
    page.get_by_role("button", name="注册", exact=True).click()
    expect(page.get_by_text("欢迎！企业注册成功。")).to_be_visible()
    enterprise = Enterprise.objects.get(credit_code=CREDIT_CODE)
    assert (enterprise.verified, enterprise.business_licence_name) == (False, "营业执照.pdf")
    enterprise_services.enterprise_verify(
        actor=factories.regional_official("330784"), enterprise=enterprise
    )
    voucher = VoucherFactory(enterprise=enterprise, amount=Decimal("5000.00"))

    # On a phone the filters fold away behind their button, the results first.
    expect(page.locator("#id_q")).to_be_hidden()
    page.get_by_role("button", name="显示筛选条件").click()
    page.fill("#id_q", "检测")
    page.select_option("#id_voucher_eligible", "true")
    page.get_by_role("button", name="筛选", exact=True).click()
    expect(page.get_by_role("link", name="电动工具安全性能检测")).to_be_visible()
    expect(page.get_by_role("link", name="家纺面料色牢度检测")).to_have_count(0)
    snap(page, "enterprise-catalogue")

    page.get_by_role("link", name="电动工具安全性能检测").click()
    page.fill("#id_description", "新款角磨机整机安全检测")
    page.select_option("#id_voucher", str(voucher.pk))
    page.fill("#id_voucher_amount", "2000")
    snap(page, "enterprise-offering")
    page.get_by_role("button", name="提交申请").click()
    expect(page.get_by_text("您的申请已提交给综合体。")).to_be_visible()
    expect(page.locator(".badge.request-submitted").first).to_have_text("已提交")
    snap(page, "enterprise-request-submitted")

    service_request = ServiceRequest.objects.get(offering=wanted)
    advance(service_request, RequestStatus.DELIVERED, operator=operator, enterprise_user=None)
    page.reload()
    expect(page.locator(".badge.request-delivered").first).to_have_text("已交付")
    page.locator("input[name='confirm-rating'][value='4']").check()
    page.fill("#id_confirm-comment", "报告清楚，交付及时。")
    snap(page, "enterprise-request-delivered")
    page.get_by_role("button", name="确认并评价").click()
    expect(page.get_by_text("服务申请已更新。")).to_be_visible()
    expect(page.get_by_text("4★ 报告清楚，交付及时。")).to_be_visible()
    snap(page, "enterprise-request-completed")
    service_request.refresh_from_db()
    voucher.refresh_from_db()
    assert (service_request.status, service_request.rating) == ("completed", 4)
    assert voucher.balance == Decimal("3000.00")

    in_english(page)
    expect(page.get_by_text("Confirm and rate")).to_have_count(0)
    expect(page.locator(".badge.request-completed").first).to_have_text("Completed")
    snap(page, "enterprise-request-completed")
    page.goto(f"{live_server.url}/services/?q=检测")
    expect(page.get_by_role("heading", name="Service catalogue")).to_be_visible()
    snap(page, "enterprise-catalogue")
    page.goto(f"{live_server.url}/services/vouchers/")
    expect(page.get_by_role("heading", name="My vouchers")).to_be_visible()
    snap(page, "enterprise-vouchers")


def test_an_operator_handles_a_request_and_corrects_a_returned_report(
    page, live_server, log_in, snap, confirm_everything
):
    yongkang = factories.ComplexFactory(name="永康五金产业创新服务综合体")
    service_request = ServiceRequestFactory(
        offering=OfferingFactory(complex=yongkang, title="电动工具安全性能检测")
    )
    evaluation.open_period(YEAR)
    report = evaluation.report(yongkang, YEAR)
    operator = factories.operator_of(yongkang)
    log_in(page, operator.username, factories.PASSWORD)

    page.get_by_role("link", name="服务申请队列").click()
    page.get_by_role("link", name=f"#{service_request.pk}").click()
    page.get_by_role("button", name="受理").click()
    page.get_by_role("button", name="开始服务").click()
    page.fill("#id_deliver-note", "检测报告已出具，编号 YK-2025-001。")
    snap(page, "operator-request-in-progress")
    page.get_by_role("button", name="标记为已交付").click()
    expect(page.locator(".badge.request-delivered").first).to_have_text("已交付")
    snap(page, "operator-request-delivered")

    page.goto(f"{live_server.url}/evaluation/reports/{report.pk}/")
    for code, value in evaluation.TYPICAL_VALUES.items():
        page.fill(f"#id_value_{code}", str(value))
    page.get_by_role("button", name="保存", exact=True).click()
    expect(page.get_by_text("报告已保存。")).to_be_visible()
    snap(page, "operator-report-saved")
    page.get_by_role("button", name="保存并提交").click()
    expect(page.get_by_text("报告已提交。")).to_be_visible()

    evaluation_services.report_return(
        report=AnnualReport.objects.get(pk=report.pk),
        actor=factories.provincial_official(),
        reason="请核实产业集群研发投入",
    )
    page.reload()
    expect(page.get_by_role("alert").filter(has_text="请核实产业集群研发投入")).to_be_visible()
    snap(page, "operator-report-returned")
    page.fill("#id_value_cluster_rd_spend", "640000000")
    page.get_by_role("button", name="保存并提交").click()
    expect(page.get_by_text("报告已提交。")).to_be_visible()
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED
    assert report.values.get(indicator__code="cluster_rd_spend").value == 640_000_000

    in_english(page)
    expect(page.get_by_role("heading", name="Reported values")).to_be_visible()
    snap(page, "operator-report-submitted")
    page.goto(f"{live_server.url}/services/requests/{service_request.pk}/")
    expect(page.locator(".badge.request-delivered").first).to_have_text("Delivered")
    snap(page, "operator-request-delivered")


def workbook_cells(download) -> set:
    sheet = load_workbook(BytesIO(download.value.path().read_bytes())).active
    return {cell for row in sheet.iter_rows(min_row=2, values_only=True) for cell in row}


@pytest.fixture
def province_with_results():
    """Three Zhejiang complexes with approved reports, one awaiting approval, the year's rules."""
    evaluation.open_period(YEAR)
    complexes = {
        code: factories.ComplexFactory(name=name, region=factories.region(code))
        for code, name in [
            ("330784", "永康五金产业创新服务综合体"),
            ("330110", "余杭家纺产业创新服务综合体"),
            ("330681", "诸暨大唐袜业产业创新服务综合体"),
        ]
    }
    evaluation.approved(complexes["330784"], YEAR, 1.2)
    evaluation.approved(complexes["330110"], YEAR, 0.9)
    pending = evaluation.report(
        complexes["330681"], YEAR, ReportStatus.SUBMITTED, evaluation.values(0.7)
    )
    rule_set(YEAR, pool=120 * M)
    return {"complexes": complexes, "pending": pending}


def test_the_province_approves_recomputes_reads_and_allocates(
    page, live_server, log_in, snap, confirm_everything, province_with_results
):
    province = factories.provincial_official()
    log_in(page, province.username, factories.PASSWORD)

    page.goto(f"{live_server.url}/evaluation/reports/{province_with_results['pending'].pk}/")
    page.get_by_role("button", name="审核通过").click()
    expect(page.get_by_text("报告已审核通过。")).to_be_visible()
    snap(page, "province-report-approved")

    page.goto(f"{live_server.url}/evaluation/results/?year={YEAR}")
    page.fill("#recompute-year", str(YEAR))
    page.get_by_role("button", name="立即重新计算").click()
    progress = page.get_by_role("progressbar")
    expect(progress).to_have_attribute("aria-valuenow", "100")
    expect(page.locator("#job-progress .badge")).to_have_text("已完成")
    snap(page, "province-recompute-job")
    assert Job.objects.get().status == "succeeded"
    assert Evaluation.objects.filter(year=YEAR).count() == 3

    page.goto(f"{live_server.url}/evaluation/results/?year={YEAR}")
    with page.expect_download() as download:
        page.get_by_role("link", name="导出 Excel").click()
    assert {"永康五金产业创新服务综合体", "余杭家纺产业创新服务综合体"} <= workbook_cells(download)
    yongkang = province_with_results["complexes"]["330784"]
    page.goto(f"{live_server.url}/evaluation/results/{yongkang.code}/?year={YEAR}")
    with page.expect_download() as download:
        page.get_by_role("link", name="下载 PDF 评价报告").click()
    assert download.value.path().read_bytes().startswith(b"%PDF")
    assert download.value.suggested_filename.endswith(".pdf")

    page.goto(f"{live_server.url}/dashboard/?year={YEAR}")
    expect(page.locator("#region-map canvas").first).to_be_visible()
    snap(page, "province-dashboard")
    page.get_by_role("link", name="金华市").click()
    expect(page.get_by_role("heading", name=f"金华市 · {YEAR}年概览")).to_be_visible()
    expect(page.locator("#region-map canvas").first).to_be_visible()
    snap(page, "province-dashboard-jinhua")
    page.get_by_role("link", name="永康市").click()
    county_complexes = page.locator("section[aria-labelledby=complexes-heading]")
    expect(county_complexes.get_by_role("link", name="永康五金产业创新服务综合体")).to_be_visible()

    page.goto(f"{live_server.url}/funding/?year={YEAR}")
    page.get_by_role("button", name="重新计算草稿").click()
    page.locator("#main").get_by_role("link", name="模拟测算").click()
    page.fill("#id_pool", "150000000")
    page.get_by_role("button", name="模拟").click()
    expect(page.get_by_role("heading", name="按设区市汇总")).to_be_visible()
    snap(page, "province-funding-simulation")
    assert Allocation.objects.filter(year=YEAR).count() == 3

    page.goto(f"{live_server.url}/funding/?year={YEAR}")
    page.fill("#id_reason", "2025年度竞争性分配结果")
    page.get_by_role("button", name="发布草稿").click()
    expect(page.get_by_text(f"{YEAR}年的分配结果已发布。")).to_be_visible()
    snap(page, "province-funding-published")
    assert AllocationDecision.objects.filter(year=YEAR).count() == 1

    with page.expect_download() as download:
        page.get_by_role("link", name="导出 Excel").click()
    assert {"永康五金产业创新服务综合体", "余杭家纺产业创新服务综合体"} <= workbook_cells(download)

    in_english(page)
    expect(page.get_by_role("heading", name=f"Funding allocation {YEAR}")).to_be_visible()
    snap(page, "province-funding-published")
    page.goto(f"{live_server.url}/dashboard/?year={YEAR}&region=330700")
    expect(page.locator("#region-map canvas").first).to_be_visible()
    snap(page, "province-dashboard-jinhua")


def test_a_city_official_sees_only_their_city(page, live_server, log_in, snap):
    evaluation.open_period(YEAR)
    jinhua = factories.ComplexFactory(name="永康五金产业创新服务综合体")
    hangzhou = factories.ComplexFactory(
        name="余杭家纺产业创新服务综合体", region=factories.region("330110")
    )
    for complex_ in (jinhua, hangzhou):
        ServiceRequestFactory(
            offering=OfferingFactory(complex=complex_, title=f"{complex_.name}检测")
        )
        evaluation.report(complex_, YEAR, ReportStatus.SUBMITTED, evaluation.values())
    official = factories.regional_official("330700")
    log_in(page, official.username, factories.PASSWORD)

    for name, path in [
        ("city-requests", "/services/requests/"),
        ("city-reports", f"/evaluation/reports/?year={YEAR}"),
    ]:
        page.goto(f"{live_server.url}{path}")
        expect(
            page.get_by_text("永康五金产业创新服务综合体").filter(visible=True).first
        ).to_be_visible()
        expect(page.get_by_text("余杭家纺产业创新服务综合体")).to_have_count(0)
        snap(page, name)
    page.goto(f"{live_server.url}/dashboard/?year={YEAR}")
    expect(page.get_by_role("heading", name=f"金华市 · {YEAR}年概览")).to_be_visible()
    expect(page.get_by_role("link", name="永康市")).to_be_visible()
    expect(page.get_by_role("link", name="杭州市")).to_have_count(0)
    snap(page, "city-dashboard")
    hidden = AnnualReport.objects.get(complex=hangzhou)
    for path in [
        "/dashboard/?region=330100",
        f"/evaluation/reports/{hidden.pk}/",
        f"/services/requests/{ServiceRequest.objects.get(complex=hangzhou).pk}/",
    ]:
        assert page.goto(f"{live_server.url}{path}").status == 404, path

    page.goto(f"{live_server.url}/dashboard/?year={YEAR}")
    in_english(page)
    expect(page.get_by_role("heading", name=f"Jinhua · {YEAR} overview")).to_be_visible()
    snap(page, "city-dashboard")
    page.goto(f"{live_server.url}/services/requests/")
    expect(page.get_by_text("余杭家纺产业创新服务综合体")).to_have_count(0)
    snap(page, "city-requests")
