"""The kinds of background job, registered by the app that runs them (in AppConfig.ready()), so
that the shared job machinery names no domain app: what a kind is called, which Celery task
runs it (enqueued by name), what its owner is told when the task queue cannot be reached, and
which page shows it."""

from dataclasses import dataclass

from django.utils.functional import Promise


@dataclass(frozen=True)
class JobKind:
    label: Promise
    task: str  # the Celery task's name; it takes the job's id
    not_queued: Promise  # the job's error while the broker cannot be reached
    url_name: str  # the page of one job, reversed with its id


JOB_KINDS: dict[str, JobKind] = {}


def job_kind_register(name: str, kind: JobKind) -> None:
    JOB_KINDS[name] = kind
