"""The one way a background job is recorded, handed to a worker and kept up to date, whatever
its kind (exports, recomputations: see ``portal.job_kinds``).

The task is enqueued by name, so the shared library imports no app's tasks; while the broker
cannot be reached the job is recorded as not queued, with its kind's message, and the request
that started it still succeeds.
"""

import logging

from celery import signature
from django.db import IntegrityError, transaction
from kombu.exceptions import OperationalError as BrokerUnavailable

from .job_kinds import JOB_KINDS
from .models import JOB_PENDING, Job, JobStatus

logger = logging.getLogger(__name__)


def job_create(*, kind: str, owner=None, **fields) -> Job:
    """Record a job and hand it to a worker once the row is committed."""
    job = Job.objects.create(kind=kind, owner=owner, **fields)
    transaction.on_commit(lambda: job_enqueue(job))
    return job


@transaction.atomic
def job_start_once(*, kind: str, owner=None, parameters: dict) -> Job:
    """The pending job of ``kind`` with these ``parameters`` if there is one, else a new one:
    two starts at the same moment (on two web servers) meet on the database's constraint."""
    pending = Job.objects.filter(kind=kind, parameters=parameters, status__in=JOB_PENDING)
    if (job := pending.first()) is not None:
        return job
    try:
        with transaction.atomic():
            return job_create(kind=kind, owner=owner, parameters=parameters)
    except IntegrityError:
        # The other start committed first: its job is the answer (or, should it have finished
        # in the meantime, a new one).
        return pending.first() or job_start_once(kind=kind, owner=owner, parameters=parameters)


def job_enqueue(job: Job) -> None:
    """Hand the job to its kind's task. The portal reads the outcome from the job row, never
    from a result backend."""
    kind = JOB_KINDS[job.kind]
    try:
        signature(kind.task, args=[job.pk]).apply_async(ignore_result=True)
    except BrokerUnavailable:
        logger.warning("Job %s not queued: the broker is unreachable", job.pk, exc_info=True)
        Job.objects.filter(pk=job.pk, status=JobStatus.QUEUED).update(
            status=JobStatus.NOT_QUEUED, error=str(kind.not_queued)
        )


def jobs_not_queued(*, kind: str) -> list[int]:
    """The ids of the jobs of ``kind`` that found the broker unreachable, oldest first."""
    return list(
        Job.objects.filter(kind=kind, status=JobStatus.NOT_QUEUED)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def jobs_requeue(*, kind: str) -> int:
    """Queue again the jobs of ``kind`` that found the broker unreachable; answers how many."""
    waiting = jobs_not_queued(kind=kind)
    Job.objects.filter(pk__in=waiting).update(status=JobStatus.QUEUED, error="")
    for job in Job.objects.filter(pk__in=waiting).order_by("pk"):
        job_enqueue(job)
    return len(waiting)


def job_update(job: Job, **fields) -> None:
    """Set ``fields`` on the job and its row at once (a worker's progress, visible at once)."""
    for name, value in fields.items():
        setattr(job, name, value)
    Job.objects.filter(pk=job.pk).update(**fields)
