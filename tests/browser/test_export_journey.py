"""An official exports a table too large for the response: the link leads to the job's page,
the worker builds the file, and the official downloads it from "My exports"."""

from io import BytesIO

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from portal.models import Job, JobStatus
from tests import factories
from tests.services.factories import OfferingFactory, ServiceRequestFactory

pytestmark = pytest.mark.django_db(transaction=True)

JINHUA, HANGZHOU = "永康五金产业创新服务综合体", "余杭家纺产业创新服务综合体"


def test_a_city_official_downloads_a_large_export_from_my_exports(
    page, live_server, log_in, snap, settings, tmp_path
):
    settings.EXPORT_INLINE_ROW_LIMIT = 2
    settings.MEDIA_ROOT = tmp_path
    for name, code in ((JINHUA, "330784"), (HANGZHOU, "330110")):
        offering = OfferingFactory(complex=factories.ComplexFactory(name=name, region=factories.region(code)))  # fmt: skip
        for _ in range(3):
            ServiceRequestFactory(offering=offering)
    official = factories.regional_official("330700")
    log_in(page, official.username, factories.PASSWORD)

    page.goto(f"{live_server.url}/services/requests/")
    page.get_by_role("link", name="导出 Excel").click()
    expect(page.get_by_text("后台准备")).to_be_visible()
    page.get_by_role("button", name="准备 Excel 文件").click()
    # Without a broker the worker's task runs before the page answers (the development mode).
    expect(page.get_by_role("heading", name="服务申请")).to_be_visible()
    expect(page.get_by_text("已就绪")).to_be_visible()
    expect(page.get_by_role("link", name="下载 Excel 文件")).to_be_visible()
    snap(page, "export-job")
    job = Job.objects.get()
    assert (job.owner, job.status, job.rows) == (official, JobStatus.SUCCEEDED, 3)

    navigation = page.get_by_role("navigation", name="主导航")
    navigation.get_by_role("button", name=official.username).click()
    navigation.get_by_role("link", name="我的导出").click()
    expect(page.get_by_role("heading", name="我的导出")).to_be_visible()
    snap(page, "my-exports")
    with page.expect_download() as download:
        page.get_by_role("link", name="下载", exact=True).click()
    sheet = load_workbook(BytesIO(download.value.path().read_bytes())).active
    complexes = {row[3] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert complexes == {JINHUA}
    assert download.value.suggested_filename.startswith("服务申请-")

    page.goto(f"{live_server.url}/accounts/inbox/")
    expect(page.get_by_text("您的 Excel 文件“服务申请”已准备好")).to_be_visible()
