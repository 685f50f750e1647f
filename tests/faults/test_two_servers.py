"""Fault run: the portal deployed on more than one machine — two gunicorn servers and two Celery
workers on one PostgreSQL, one Redis and one object storage (an S3-compatible server on
127.0.0.1), each process with a media directory of its own so that nothing can pass through a
local disk.

What must hold whichever server a request reaches and whichever worker runs a job: a session
opened on one server works on the other; a write on one server invalidates the public lists the
other serves from the shared cache; a recomputation started on both servers at the same moment
is recorded once and runs once, also when its task is delivered to both workers; an export
built by a worker downloads from either server.
"""

import re
import subprocess
import sys
import threading
import time
from contextlib import ExitStack

import boto3
import pytest
import requests

from bench.serving import django_env, free_port, gunicorn, wait_until_answering
from config.celery import app
from evaluation.models import JobKind, ReportStatus
from portal.models import Job, JobStatus
from tests import factories
from tests.evaluation import factories as evaluation
from tests.faults.served import api_session, browser_login, csrf_post
from tests.processes import celery_worker, current_database_url, stop, wait_until_finished
from tests.services.factories import OfferingFactory, ServiceRequestFactory

pytestmark = [
    pytest.mark.faults,
    pytest.mark.xdist_group("celery-worker"),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    # The redelivery below is published on purpose while this process runs its tasks eagerly.
    pytest.mark.filterwarnings("ignore::celery.exceptions.AlwaysEagerIgnored"),
]

YEAR = 2025
BUCKET = "portal-files"


@pytest.fixture
def object_storage(tmp_path):
    """An S3-compatible server of the test's own (moto's), with the portal's bucket: the
    settings that point the portal's file storage at it."""
    port = free_port()
    endpoint = f"http://127.0.0.1:{port}"
    log = (tmp_path / "object-storage.log").open("w")
    server = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        wait_until_answering(endpoint)
        credentials = {"aws_access_key_id": "portal", "aws_secret_access_key": "portal-secret"}
        client = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1", **credentials)
        client.create_bucket(Bucket=BUCKET)
        yield (
            client,
            {
                "DJANGO_STORAGE_S3_BUCKET": BUCKET,
                "DJANGO_STORAGE_S3_ENDPOINT_URL": endpoint,
                "DJANGO_STORAGE_S3_REGION": "us-east-1",
                "DJANGO_STORAGE_S3_ACCESS_KEY": credentials["aws_access_key_id"],
                "DJANGO_STORAGE_S3_SECRET_KEY": credentials["aws_secret_access_key"],
            },
        )
    finally:
        stop(server)


@pytest.fixture
def scene(db):
    complex_ = factories.ComplexFactory(region=factories.region("330784"))
    enterprise = factories.EnterpriseFactory(region=factories.region("330784"))
    offering = OfferingFactory(complex=complex_, title="五金工具安全检测")
    ServiceRequestFactory.create_batch(3, offering=offering, enterprise=enterprise)
    evaluation.open_period(YEAR)
    evaluation.report(
        complex_, YEAR, status=ReportStatus.APPROVED, values_=evaluation.TYPICAL_VALUES
    )
    return {
        "offering": offering,
        "province": factories.provincial_official(),
        "operator": factories.operator_of(complex_),
    }


def test_two_servers_and_two_workers_behave_as_one_portal(
    private_redis, object_storage, scene, tmp_path
):
    storage, storage_env = object_storage
    shared = {
        "REDIS_URL": private_redis.url,
        # Every table goes to a background job, so that the workers build the files.
        "EXPORT_INLINE_ROW_LIMIT": "0",
        **storage_env,
    }

    def own_media(name: str) -> dict:
        return {**shared, "DJANGO_MEDIA_ROOT": str(tmp_path / name)}

    database = current_database_url()
    with ExitStack() as running:
        first = running.enter_context(
            gunicorn(django_env(database, "tests.faults.served_settings", **own_media("web-1")))
        )
        second = running.enter_context(
            gunicorn(django_env(database, "tests.faults.served_settings", **own_media("web-2")))
        )
        # A session opened on one server is a session on the other.
        official = browser_login(first, scene["province"])
        dashboard = official.get(f"{second}/dashboard/", allow_redirects=False)
        assert dashboard.status_code == 200
        assert scene["province"].username in dashboard.text

        # A write through one server: the other's cached catalogue gives way at once.
        assert "五金工具安全检测" in requests.get(f"{second}/services/").text
        operator = api_session(first, scene["operator"])
        renamed = operator.patch(
            f"{first}/api/v1/offerings/{scene['offering'].pk}/", json={"title": "电动工具整机检测"}
        )
        assert renamed.status_code == 200, renamed.text
        catalogue = requests.get(f"{second}/services/").text
        assert "电动工具整机检测" in catalogue and "五金工具安全检测" not in catalogue

        # The province starts the recomputation on both servers at the same moment, before any
        # worker runs: one job, queued once.
        clients = {address: api_session(address, scene["province"]) for address in (first, second)}
        started, lock = {}, threading.Lock()
        barrier = threading.Barrier(2)

        def start(address):
            barrier.wait()
            answer = clients[address].post(
                f"{address}/api/v1/jobs/", json={"kind": "recompute", "year": YEAR}
            )
            with lock:
                started[address] = answer

        threads = [threading.Thread(target=start, args=(address,)) for address in clients]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert {answer.status_code for answer in started.values()} == {201}
        assert len({answer.json()["id"] for answer in started.values()}) == 1
        job = Job.objects.get(kind=JobKind.RECOMPUTE)
        assert job.status == JobStatus.QUEUED

        # The workers start only now, so that the job cannot finish between the two starts
        # (a start after it has finished rightly records a new one).
        workers = [
            celery_worker(private_redis.url, **own_media(f"worker-{number}")) for number in (1, 2)
        ]
        running.callback(lambda: [stop(worker) for worker in workers])
        wait_until_finished(job, workers[0])
        assert (job.status, job.error) == (JobStatus.SUCCEEDED, "")
        ran_at = job.started_at

        # The same task delivered again to both workers (a broker's redelivery) runs nothing.
        with app.connection_for_write(private_redis.url) as broker:
            for _ in workers:
                app.send_task("evaluation.tasks.run_job", args=[job.pk], connection=broker)
        time.sleep(3)
        job.refresh_from_db()
        assert (job.status, job.started_at) == (JobStatus.SUCCEEDED, ran_at)
        assert Job.objects.filter(kind=JobKind.RECOMPUTE).count() == 1

        # Exports asked on either server, built by the workers, download from either server.
        built = []
        for address, query in ((first, "?status=submitted"), (second, "")):
            path = f"/services/requests/export.xlsx{query}"
            official.get(address + path)
            answer = csrf_post(official, address, path, {})
            assert answer.status_code == 200, answer.text[:500]
            number = int(re.search(r"/exports/(\d+)/", answer.url).group(1))
            built.append(wait_until_finished(Job.objects.get(pk=number), workers[0]))
        for export in built:
            assert export.status == JobStatus.SUCCEEDED, export.error
            for address in (first, second):
                download = official.get(f"{address}/exports/{export.pk}/file/")
                assert download.status_code == 200
                assert download.content[:2] == b"PK"  # a workbook
        stored = storage.list_objects_v2(Bucket=BUCKET).get("Contents", [])
        assert {export.file.name for export in built} <= {item["Key"] for item in stored}
        assert not any(path.is_file() for path in tmp_path.glob("*/**/*.xlsx"))
