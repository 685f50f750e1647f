"""Celery tasks of the export jobs: they take ids and call the services of portal.export_jobs."""

from celery import shared_task

from .export_jobs import export_files_expire, export_job_run, exports_requeue


@shared_task(acks_late=True, reject_on_worker_lost=True)
def build_export(job_id: int) -> str:
    """Build a recorded export; a redelivery of a finished one changes nothing."""
    return export_job_run(job_id=job_id).status


@shared_task
def export_housekeeping() -> int:
    """Beat, hourly: queue the exports that found the broker down, delete expired files."""
    exports_requeue()
    return export_files_expire()
