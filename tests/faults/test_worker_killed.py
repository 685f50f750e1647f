"""Fault run: a Celery worker killed with SIGKILL in the middle of the recomputation.

The kill lands at a known point: the test holds the row lock of the year's publication, so the
worker stops inside the transaction that replaces the scores, having written the new ones but
not committed them. The previously published results must be intact; a new worker must get the
task back (acks_late, the broker's visibility timeout) and finish it with exactly the rows an
uninterrupted run gives.
"""

import os
import signal
import time
from decimal import Decimal

import pytest
from django.db import connection

from config.celery import app
from evaluation import recompute
from evaluation.models import Evaluation, JobKind, ReportValue
from funding.models import Allocation
from portal.models import Job, JobStatus
from tests import factories
from tests.evaluation import factories as evaluation
from tests.processes import celery_worker, separate_session, stop

pytestmark = [
    pytest.mark.faults,
    pytest.mark.redis,
    pytest.mark.xdist_group("celery-worker"),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

YEAR = 2025
# Short, so the test does not wait the production 25 minutes for the task to come back.
VISIBILITY_TIMEOUT = 5


def published() -> list[dict]:
    """The year's results, without what differs from run to run (ids, times, the job)."""
    volatile = {"id", "computed_at", "evaluated_at", "evaluation_run_id"}
    return [
        {key: value for key, value in row.items() if key not in volatile}
        for model in (Evaluation, Allocation)
        for row in model.objects.filter(year=YEAR).order_by("complex_id").values()
    ]


def wait_for(condition, what: str, seconds: float = 60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if result := condition():
            return result
        time.sleep(0.2)
    pytest.fail(f"timed out waiting for {what}")


def backends_waiting_on_a_lock() -> list[int]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
            "AND wait_event_type = 'Lock'"
        )
        return [pid for (pid,) in cursor.fetchall()]


def backend_alive(pid: int) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_stat_activity WHERE pid = %s", [pid])
        return cursor.fetchone() is not None


def publication_row_locked():
    holder = separate_session()
    with holder.cursor() as cursor:
        cursor.execute("SELECT 1 FROM evaluation_publication WHERE year = %s FOR UPDATE", [YEAR])
    return holder


@pytest.fixture
def broker(redis_url):
    app.control.purge()
    eager = app.conf.task_always_eager
    app.conf.task_always_eager = False
    yield redis_url
    app.conf.task_always_eager = eager


def test_worker_killed_mid_recomputation_leaves_results_and_the_redelivery_finishes(broker):
    complexes = [factories.ComplexFactory(region=factories.region(code)) for code in
                 ("330784", "330782", "330110")]  # fmt: skip
    for complex_, amount in zip(complexes, (1000, 500, 200), strict=True):
        evaluation.report(
            complex_,
            YEAR,
            "approved",
            {code: Decimal(amount) for code in evaluation.TYPICAL_VALUES},
        )
    recompute.evaluation_recompute(year=YEAR)
    before = published()
    # New material, so the interrupted run has something else to publish: the last is first.
    ReportValue.objects.filter(report__complex=complexes[2]).update(value=Decimal(3000))

    holder = publication_row_locked()
    first = celery_worker(broker, CELERY_VISIBILITY_TIMEOUT=str(VISIBILITY_TIMEOUT))
    try:
        job = recompute.job_start(kind=JobKind.RECOMPUTE, actor=None, parameters={"year": YEAR})
        (blocked,) = wait_for(backends_waiting_on_a_lock, "the worker to reach the scores")
        job.refresh_from_db()
        assert (job.status, job.step) == (JobStatus.RUNNING, "derived_values")
        os.killpg(first.pid, signal.SIGKILL)
        first.wait()
    finally:
        holder.rollback()
        holder.close()
        stop(first)
    # The server ends the dead worker's session (and rolls its transaction back) once the lock
    # it waited for is free and it finds the client gone.
    wait_for(lambda: not backend_alive(blocked), "the killed worker's session to end")
    assert published() == before
    assert Job.objects.get(pk=job.pk).status == JobStatus.RUNNING

    # The broker hands the task out again once the visibility timeout has passed since the
    # first delivery; a worker that starts looks for such tasks straight away.
    time.sleep(VISIBILITY_TIMEOUT + 1)
    second = celery_worker(broker, CELERY_VISIBILITY_TIMEOUT=str(VISIBILITY_TIMEOUT))
    try:
        job = wait_for(
            lambda: Job.objects.filter(pk=job.pk, status__in=[JobStatus.SUCCEEDED, JobStatus.FAILED]).first(),
            "the redelivered job to finish",
        )  # fmt: skip
    finally:
        stop(second)
    assert (job.status, job.progress, job.error) == (JobStatus.SUCCEEDED, 100, "")
    redelivered = published()
    assert redelivered != before
    assert Evaluation.objects.get(year=YEAR, complex=complexes[2]).rank == 1

    recompute.evaluation_recompute(year=YEAR)  # uninterrupted, in this process
    assert published() == redelivered
