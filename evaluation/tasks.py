"""Celery tasks of the evaluation: they take ids and call the recomputation's services."""

from celery import shared_task
from django.utils import timezone

from .models import JobKind
from .recompute import job_run, job_start, jobs_catch_up, recompute_year_default
from .reminders import reminders_send


@shared_task(acks_late=True, reject_on_worker_lost=True)
def run_job(job_id: int) -> str:
    """Run a recorded job; safe to redeliver (the recomputation is idempotent)."""
    return job_run(job_id=job_id).status


@shared_task
def nightly_recompute() -> int | None:
    """Beat, 02:00 Asia/Shanghai: first the jobs that could not be queued while the broker was
    down, then recompute the latest year with approved reports."""
    jobs_catch_up()
    year = recompute_year_default()
    if year is None:
        return None
    return job_start(kind=JobKind.RECOMPUTE, actor=None, parameters={"year": year}).pk


@shared_task
def send_report_reminders() -> int:
    """Beat, every morning: remind operators 14, 3 and 0 days before the deadline and when
    overdue."""
    return reminders_send(today=timezone.localdate())
