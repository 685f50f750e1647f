"""The recomputation on a real Celery worker over Redis and PostgreSQL: idempotent, refused
while another run holds the advisory lock, and a redelivered finished job is left alone."""

from decimal import Decimal

import pytest
from celery.result import EagerResult
from django.conf import settings
from django.utils import translation

from evaluation import recompute
from evaluation.models import Evaluation, JobKind
from portal.models import Job, JobStatus
from tests import factories
from tests.processes import serving_worker, wait_until_finished

from . import factories as evaluation
from .locks import recompute_lock_held_elsewhere

pytestmark = [
    pytest.mark.redis,
    # One Celery worker at a time: parallel test processes share the broker's default queue.
    pytest.mark.xdist_group("celery-worker"),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

YEAR = 2025


@pytest.fixture
def worker(redis_url):
    """A `celery -A config worker` against the test database, on a queue emptied first."""
    with serving_worker(redis_url) as process:
        yield process


def start_and_wait(process, year=YEAR) -> Job:
    job = recompute.job_start(kind=JobKind.RECOMPUTE, actor=None, parameters={"year": year})
    return wait_until_finished(job, process)


@pytest.fixture
def reports(db):
    for region, amount in (("330784", 1000), ("330782", 500), ("330110", 200)):
        complex_ = factories.ComplexFactory(region=factories.region(region))
        evaluation.report(
            complex_,
            YEAR,
            "approved",
            {code: Decimal(amount) for code in evaluation.TYPICAL_VALUES},
        )


def test_worker_recomputes_idempotently_and_refuses_to_overlap(worker, reports):
    first = start_and_wait(worker)
    assert (first.status, first.progress, first.error) == (JobStatus.SUCCEEDED, 100, "")
    assert first.started_at <= first.finished_at
    rows = list(Evaluation.objects.order_by("pk").values())
    assert [row["score"] for row in rows] == [Decimal("87.50"), Decimal("68.75"), Decimal("57.50")]

    second = start_and_wait(worker)
    assert second.status == JobStatus.SUCCEEDED
    assert list(Evaluation.objects.order_by("pk").values()) == rows

    with recompute_lock_held_elsewhere():
        refused = start_and_wait(worker)
    assert refused.status == JobStatus.FAILED
    # The worker writes the message in the portal's default language, whatever language an
    # earlier request left active in this test process.
    with translation.override(settings.LANGUAGE_CODE):
        assert refused.error == str(recompute.REFUSED)
    assert list(Evaluation.objects.order_by("pk").values()) == rows

    # A redelivery of a job that already finished (acks_late) leaves it as it is.
    from evaluation.tasks import run_job

    assert run_job.acks_late is True
    result = run_job.apply_async(args=[first.pk])
    assert not isinstance(result, EagerResult)  # it went through Redis to the worker
    assert result.get(timeout=60) == JobStatus.SUCCEEDED
    first_again = Job.objects.get(pk=first.pk)
    assert (first_again.started_at, first_again.finished_at) == (
        first.started_at,
        first.finished_at,
    )
