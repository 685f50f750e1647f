"""Exports too large for the response: the link records a job, a worker builds the file under
the owner's scope and filters, the owner is told and downloads it from "My exports"; nobody
else can; expired files go; a broker that cannot be reached is said, not hidden."""

import re
from datetime import timedelta
from io import BytesIO

import pytest
from django.core.files.storage import default_storage
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook

from accounts.models import Notification
from portal import export_jobs
from portal.models import EXPORT, Job, JobStatus
from services.models import RequestStatus
from tests import factories
from tests.factories import ComplexFactory
from tests.services.factories import OfferingFactory, ServiceRequestFactory

pytestmark = pytest.mark.django_db

URL = "/services/requests/export.xlsx"
JINHUA_ENTERPRISE, HANGZHOU_ENTERPRISE = "永康市金工五金制品有限公司", "杭州余杭锦纺织有限公司"


@pytest.fixture(autouse=True)
def _files_and_limit(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.EXPORT_INLINE_ROW_LIMIT = 2


@pytest.fixture
def requests_in_two_cities(yongkang_complex, hangzhou_complex):
    """Three requests to the Jinhua complex (one cancelled) and three to the Hangzhou one."""
    for complex_, name in ((yongkang_complex, JINHUA_ENTERPRISE), (hangzhou_complex, HANGZHOU_ENTERPRISE)):  # fmt: skip
        enterprise = factories.EnterpriseFactory(name=name, region=complex_.region)
        offering = OfferingFactory(complex=complex_)
        for status in (RequestStatus.SUBMITTED, RequestStatus.SUBMITTED, RequestStatus.CANCELLED):
            ServiceRequestFactory(offering=offering, enterprise=enterprise, status=status)


@pytest.fixture
def jinhua(client_as):
    official = factories.regional_official("330700")
    return official, client_as(official)


def sheet_rows(content: bytes) -> list[tuple]:
    return list(load_workbook(BytesIO(content)).active.iter_rows(values_only=True))


def enterprises_in(rows) -> set[str]:
    return {row[6] for row in rows[1:]}


def export_in_background(client, url, capture):
    with capture(execute=True):
        response = client.post(url)
    assert response.status_code == 302
    job = Job.objects.get()
    assert response["Location"] == f"/exports/{job.pk}/"
    return job


def test_a_table_within_the_limit_is_sent_in_the_response(requests_in_two_cities, jinhua, settings):
    settings.EXPORT_INLINE_ROW_LIMIT = 3
    response = jinhua[1].get(URL)
    assert response.status_code == 200
    assert len(sheet_rows(b"".join(response.streaming_content))) == 4
    assert not Job.objects.exists()


def test_a_larger_table_is_built_by_a_worker_with_the_owners_rows_only(
    requests_in_two_cities, jinhua, django_capture_on_commit_callbacks
):
    official, client = jinhua
    job = export_in_background(client, URL, django_capture_on_commit_callbacks)
    job.refresh_from_db()
    assert (job.owner, job.export, job.status, job.rows) == (
        official,
        "services:requests_export",
        JobStatus.SUCCEEDED,
        3,
    )
    assert job.language == "zh-hans" and job.title == "服务申请"
    assert job.filename == f"服务申请-{timezone.localdate().isoformat()}.xlsx"
    rows = sheet_rows(default_storage.open(job.file.name).read())
    assert rows[0][:2] == ("编号", "提交时间")
    assert len(rows) == 4
    assert enterprises_in(rows) == {JINHUA_ENTERPRISE}
    assert {row[4] for row in rows[1:]} == {"金华市"}
    assert job.size == default_storage.size(job.file.name)


def test_the_worker_applies_the_pages_filters_and_language(
    requests_in_two_cities, client_as, django_capture_on_commit_callbacks, settings
):
    settings.EXPORT_INLINE_ROW_LIMIT = 1
    client = client_as(factories.provincial_official())
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"{URL}?status=cancelled", headers={"accept-language": "en"})
    job = Job.objects.get()
    assert (job.filters, job.language, job.title) == (
        {"status": "cancelled"},
        "en",
        "Service requests",
    )
    rows = sheet_rows(default_storage.open(job.file.name).read())
    assert rows[0][:2] == ("No.", "Submitted at")
    assert enterprises_in(rows) == {JINHUA_ENTERPRISE, HANGZHOU_ENTERPRISE}
    assert {row[10] for row in rows[1:]} == {"Cancelled"}
    assert {row[4] for row in rows[1:]} == {"Jinhua", "Hangzhou"}


def test_the_owner_is_notified_with_the_link(
    requests_in_two_cities, jinhua, django_capture_on_commit_callbacks
):
    job = export_in_background(jinhua[1], URL, django_capture_on_commit_callbacks)
    notification = Notification.objects.get()
    assert (notification.recipient, notification.url) == (jinhua[0], f"/exports/{job.pk}/")
    assert notification.subject == "您的 Excel 文件“服务申请”已准备好"


def test_the_owner_follows_the_job_to_the_file_from_my_exports(
    requests_in_two_cities, jinhua, django_capture_on_commit_callbacks
):
    """The journey: the link, the page that waits (polled by htmx), "My exports", the file."""
    client = jinhua[1]
    offer = client.get(URL).content.decode()
    assert (
        "准备 Excel 文件" in offer and 'method="post"' in offer and "csrfmiddlewaretoken" in offer
    )
    with django_capture_on_commit_callbacks(execute=False) as queued:
        response = client.post(URL, follow=True)
    job = Job.objects.get()
    page = response.content.decode()
    assert "正在后台准备" in page and 'hx-trigger="every 2s"' in page
    assert "下载 Excel 文件" not in page
    for callback in queued:
        callback()
    polled = client.get(f"/exports/{job.pk}/", headers={"hx-request": "true"}).content.decode()
    assert "下载 Excel 文件" in polled and "hx-trigger" not in polled
    assert "<html" not in polled
    listing = client.get("/exports/").content.decode()
    assert "服务申请" in listing and f'href="/exports/{job.pk}/file/"' in listing
    download = client.get(f"/exports/{job.pk}/file/")
    assert download.status_code == 200
    assert "attachment" in download["Content-Disposition"]
    assert enterprises_in(sheet_rows(b"".join(download.streaming_content))) == {JINHUA_ENTERPRISE}


def test_only_the_owner_sees_the_job_and_its_file(
    requests_in_two_cities, jinhua, client_as, django_capture_on_commit_callbacks
):
    job = export_in_background(jinhua[1], URL, django_capture_on_commit_callbacks)
    jinhua[1].logout()
    assert jinhua[1].get(f"/exports/{job.pk}/file/").status_code == 302  # to the login page
    other = client_as(factories.provincial_official())
    assert other.get(f"/exports/{job.pk}/").status_code == 404
    assert other.get(f"/exports/{job.pk}/file/").status_code == 404
    assert f"/exports/{job.pk}/" not in other.get("/exports/").content.decode()


def test_a_second_click_while_pending_reuses_the_job(
    requests_in_two_cities, jinhua, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        first = jinhua[1].post(URL)
        second = jinhua[1].post(URL)
        # Back at the link while the file is prepared: straight to the job, nothing recorded.
        link = jinhua[1].get(URL)
    assert first["Location"] == second["Location"] == link["Location"]
    assert Job.objects.count() == 1


def test_only_a_post_from_the_portals_own_page_records_a_job(requests_in_two_cities):
    """A GET (a link or an image on another site) only offers; a POST needs the CSRF token."""
    official = factories.regional_official("330700")
    client = Client(enforce_csrf_checks=True)
    client.force_login(official)
    offer = client.get(URL)
    assert offer.status_code == 200 and Job.objects.count() == 0
    assert client.post(URL).status_code == 403
    assert Job.objects.count() == 0
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', offer.content.decode())[1]
    assert client.post(URL, {"csrfmiddlewaretoken": token}).status_code == 302
    assert Job.objects.get().owner == official


def test_an_owner_who_lost_the_scope_gets_a_failed_job(
    requests_in_two_cities, jinhua, django_capture_on_commit_callbacks, settings
):
    settings.EXPORT_INLINE_ROW_LIMIT = 0
    official, client = jinhua
    with django_capture_on_commit_callbacks(execute=False) as queued:
        client.post("/services/enterprises/export.xlsx")
    official.role, official.region, official.complex = "operator", None, ComplexFactory()
    official.save()
    for callback in queued:
        callback()
    job = Job.objects.get()
    assert (job.status, job.error, job.file.name) == (
        JobStatus.FAILED,
        str(export_jobs.OUT_OF_SCOPE),
        "",
    )
    assert Notification.objects.get().subject == "您的 Excel 文件“企业”未能生成"


def test_a_finished_job_redelivered_is_left_as_it_is(
    requests_in_two_cities, jinhua, django_capture_on_commit_callbacks
):
    job = export_in_background(jinhua[1], URL, django_capture_on_commit_callbacks)
    job.refresh_from_db()
    again = export_jobs.export_job_run(job_id=job.pk)
    assert (again.file.name, again.finished_at) == (job.file.name, job.finished_at)
    assert Notification.objects.count() == 1


def test_expired_files_and_their_jobs_are_deleted(
    requests_in_two_cities, jinhua, django_capture_on_commit_callbacks, settings
):
    job = export_in_background(jinhua[1], URL, django_capture_on_commit_callbacks)
    job.refresh_from_db()
    recent = Job.objects.create(
        kind=EXPORT, owner=job.owner, export=job.export, title=job.title, language="zh-hans"
    )
    Job.objects.filter(pk=job.pk).update(
        created_at=timezone.now() - timedelta(days=settings.EXPORT_RETENTION_DAYS, minutes=1)
    )
    assert default_storage.exists(job.file.name)
    with django_capture_on_commit_callbacks(execute=True):
        assert export_jobs.export_files_expire() == 1
    assert not default_storage.exists(job.file.name)
    assert list(Job.objects.all()) == [recent]


def test_with_the_broker_down_the_owner_is_told_and_the_job_waits(
    requests_in_two_cities, jinhua, broker_down, django_capture_on_commit_callbacks
):
    client = jinhua[1]
    job = export_in_background(client, URL, django_capture_on_commit_callbacks)
    job.refresh_from_db()
    assert (job.status, job.error) == (JobStatus.NOT_QUEUED, str(export_jobs.NOT_QUEUED))
    page = client.get(f"/exports/{job.pk}/").content.decode()
    assert "未排队" in page and "任务队列无法连接" in page
    assert "hx-trigger" not in page


def test_the_housekeeping_queues_the_waiting_jobs_again(
    requests_in_two_cities, jinhua, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        jinhua[1].post(URL)
    Job.objects.update(status=JobStatus.NOT_QUEUED, error="…")
    assert export_jobs.exports_requeue() == 1
    job = Job.objects.get()
    assert (job.status, job.error, job.rows) == (JobStatus.SUCCEEDED, "", 3)


def test_my_exports_reads_the_same_queries_for_more_jobs(client_as):
    official = factories.regional_official("330700")
    client = client_as(official)

    def add_jobs(count):
        # Each with its own filters: the same export can be pending only once.
        Job.objects.bulk_create(
            Job(kind=EXPORT, owner=official, export="services:requests_export", title="服务申请",
                      filters={"page": f"{count}-{number}"}, language="zh-hans", status=status)
            for number, status in enumerate(list(JobStatus)[:count])
        )  # fmt: skip

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/exports/").status_code == 200
        return len(captured)

    add_jobs(1)
    few = queries()
    add_jobs(5)
    # Session, user, unread messages, count and page of the jobs.
    assert queries() == few == 5


def test_the_admin_lists_who_exported_what(
    requests_in_two_cities, jinhua, client_as, django_capture_on_commit_callbacks, settings
):
    settings.EXPORT_INLINE_ROW_LIMIT = 0
    export_in_background(jinhua[1], f"{URL}?status=cancelled", django_capture_on_commit_callbacks)
    admin = client_as(factories.UserFactory(is_staff=True, is_superuser=True))
    listing = admin.get("/admin/portal/job/").content.decode()
    assert jinhua[0].username in listing and "服务申请" in listing
    job = Job.objects.get()
    detail = admin.get(f"/admin/portal/job/{job.pk}/change/").content.decode()
    assert "status=cancelled" in detail
    assert admin.get("/admin/portal/job/add/").status_code == 403


def test_a_person_may_have_only_so_many_unfinished_jobs(
    requests_in_two_cities, jinhua, django_capture_on_commit_callbacks, settings
):
    settings.EXPORT_JOBS_PER_USER, settings.EXPORT_INLINE_ROW_LIMIT = 2, 0
    client = jinhua[1]
    with django_capture_on_commit_callbacks(execute=False):
        assert client.post(URL).status_code == 302
        assert client.post(URL, query_params={"status": "submitted"}).status_code == 302
        refused = client.post("/services/enterprises/export.xlsx")
    assert refused.status_code == 429
    assert "已有 2 个 Excel 文件正在准备" in refused.content.decode()
    assert Job.objects.count() == 2
    # Once one is ready, another may start.
    Job.objects.filter(pk=Job.objects.first().pk).update(status=JobStatus.SUCCEEDED)
    with django_capture_on_commit_callbacks(execute=False):
        assert client.post("/services/enterprises/export.xlsx").status_code == 302
    assert Job.objects.count() == 3
