"""An export job on a real Celery worker over Redis and PostgreSQL: the worker process rebuilds
the owner's rows and writes the file where the web process reads it."""

from io import BytesIO

import pytest
from django.core.files.storage import default_storage
from openpyxl import load_workbook

from accounts.models import Notification
from portal.export_jobs import export_job_start
from portal.models import JobStatus
from tests import factories
from tests.processes import serving_worker, wait_until_finished
from tests.services.factories import OfferingFactory, ServiceRequestFactory

pytestmark = [
    pytest.mark.redis,
    # One Celery worker at a time: parallel test processes share the broker's default queue.
    pytest.mark.xdist_group("celery-worker"),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def worker(redis_url, tmp_path, settings):
    """A `celery -A config worker` against the test database, sharing the test's media folder."""
    settings.MEDIA_ROOT = tmp_path
    with serving_worker(redis_url, DJANGO_MEDIA_ROOT=str(tmp_path)) as process:
        yield process


def test_the_worker_builds_a_city_officials_export(worker):
    for name, code in (("永康五金产业创新服务综合体", "330784"), ("余杭家纺产业创新服务综合体", "330110")):  # fmt: skip
        offering = OfferingFactory(complex=factories.ComplexFactory(name=name, region=factories.region(code)))  # fmt: skip
        ServiceRequestFactory.create_batch(2, offering=offering)
    official = factories.regional_official("330700")
    job = export_job_start(
        owner=official,
        export="services:requests_export",
        filters={},
        title="服务申请",
        language="zh-hans",
    )
    job = wait_until_finished(job, worker)
    assert (job.status, job.rows, job.error) == (JobStatus.SUCCEEDED, 2, "")
    sheet = load_workbook(BytesIO(default_storage.open(job.file.name).read())).active
    assert {row[3] for row in sheet.iter_rows(min_row=2, values_only=True)} == {
        "永康五金产业创新服务综合体"
    }
    assert Notification.objects.get(recipient=official).url == f"/exports/{job.pk}/"
