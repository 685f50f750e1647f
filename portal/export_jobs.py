"""Export jobs: a table too large for the response is built by a worker, kept for its owner
for EXPORT_RETENTION_DAYS, and announced in the owner's inbox.

A job stores its owner, the table's name, the validated filters (JSON) and the language. The
worker validates the filters again with the list's filter form and calls the list's selector
with the owner and those filters, in that language: the file holds exactly what the page would
show that person, checked by the same permission checks.
"""

import logging
import tempfile
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy

from .exceptions import DomainError
from .exports import table_export_named
from .filtering import Filters, InvalidFilters
from .jobs import job_create, jobs_requeue
from .lock_objects import job_owner_lock, jobs_select_for_update
from .models import EXPORT, JOB_PENDING, Job, JobStatus
from .notifications import lazy_format, notify

logger = logging.getLogger(__name__)

NOT_QUEUED = gettext_lazy(
    "Not queued: the task queue cannot be reached. The file will be prepared as soon as it is "
    "back, and you will be notified."
)
OUT_OF_SCOPE = gettext_lazy("You may no longer see this table.")
FILTERS_NO_LONGER_VALID = gettext_lazy(
    "The filters of this table are no longer valid (a region or complex may have gone)."
)
TOO_MANY_PENDING = gettext_lazy(
    "You already have %(count)s Excel files being prepared, the most one person may have at "
    "once. Please wait until one of them is ready under “My exports”."
)
BUILD_FAILED = gettext_lazy("The file could not be prepared. Please try again later.")


def export_job_pending(*, owner, export: str, filters: Filters, language: str) -> Job | None:
    """The same export still waiting or being built for the same person, if any."""
    return Job.objects.filter(
        kind=EXPORT,
        owner=owner,
        export=export,
        filters=filters,
        language=language,
        status__in=JOB_PENDING,
    ).first()


@transaction.atomic
def export_job_start(*, owner, export: str, filters: Filters, title: str, language: str) -> Job:
    """Record the export with its validated filters (as JSON) and hand it to a worker once
    committed. The same export still pending for the same person (a second click) is answered
    with the job already recorded; a new one beyond ``EXPORT_JOBS_PER_USER`` unfinished jobs of
    that person is refused (DomainError)."""
    # One person's starts wait for each other, so that two at once cannot both pass the count.
    job_owner_lock(owner)
    same = {"owner": owner, "export": export, "filters": filters, "language": language}
    pending = export_job_pending(**same)
    if pending is not None:
        return pending
    unfinished = Job.objects.filter(kind=EXPORT, owner=owner, status__in=JOB_PENDING).count()
    if unfinished >= settings.EXPORT_JOBS_PER_USER:
        raise DomainError(TOO_MANY_PENDING % {"count": unfinished})
    try:
        with transaction.atomic():
            return job_create(kind=EXPORT, title=title[:100], **same)
    except IntegrityError:
        # A simultaneous click recorded it first (export_one_pending): once its transaction
        # has committed, this one's insert gives way and its job is the answer (or, in the
        # unlikely case it has already finished, a new one).
        return export_job_pending(**same) or export_job_start(title=title, **same)


def export_job_run(*, job_id: int) -> Job:
    """Build the job's file. A redelivered job that already finished is left as it is."""
    with transaction.atomic():
        job = jobs_select_for_update().select_related("owner").get(pk=job_id, kind=EXPORT)
        if job.finished:
            return job
        job.status, job.started_at, job.error = JobStatus.RUNNING, timezone.now(), ""
        job.save(update_fields=["status", "started_at", "error"])
    with translation.override(job.language):
        try:
            _build(job)
        except (PermissionDenied, Http404):
            _finish(job, status=JobStatus.FAILED, error=str(OUT_OF_SCOPE))
        except InvalidFilters:
            _finish(job, status=JobStatus.FAILED, error=str(FILTERS_NO_LONGER_VALID))
        except Exception:
            logger.exception("Export %s failed", job.pk)
            _finish(job, status=JobStatus.FAILED, error=str(BUILD_FAILED))
        else:
            _finish(job, status=JobStatus.SUCCEEDED)
    return job


def _build(job: Job) -> None:
    table = table_export_named(job.export)
    filters = table.filters(job.owner, job.filters)
    rows = table.rows(user=job.owner, filters=filters)
    with tempfile.TemporaryFile() as handle:
        job.rows = table.write(rows, handle)
        job.size = handle.tell()
        handle.seek(0)
        job.filename = table.filename(job.owner, filters)[:150]
        job.file.save(job.filename, File(handle), save=False)


@transaction.atomic
def _finish(job: Job, *, status: str, error: str = "") -> None:
    job.status, job.error, job.finished_at = status, error, timezone.now()
    job.save()
    if job.owner is None:  # the owner's account was deleted meanwhile: nobody to tell
        return
    if status == JobStatus.SUCCEEDED:
        subject = lazy_format(gettext_lazy("Your Excel file “%(title)s” is ready"), title=job.title)
        body = lazy_format(
            gettext_lazy(
                "%(rows)s rows. It can be downloaded from “My exports” for %(days)s days."
            ),
            rows=f"{job.rows:,}",
            days=settings.EXPORT_RETENTION_DAYS,
        )
    else:
        subject = lazy_format(
            gettext_lazy("Your Excel file “%(title)s” could not be prepared"), title=job.title
        )
        body = error
    notify(recipients=[job.owner], subject=subject, body=body, url=job.get_absolute_url())


@transaction.atomic
def export_files_expire(*, now: datetime | None = None) -> int:
    """Delete the jobs (and their files) older than the retention period; answers how many.

    The rows go first, the files once that has committed: a failure leaves at worst a file
    nobody links to, never a "ready" job whose file is gone."""
    cutoff = (now or timezone.now()) - timedelta(days=settings.EXPORT_RETENTION_DAYS)
    expired = jobs_select_for_update().filter(kind=EXPORT, created_at__lt=cutoff)
    names = list(expired.exclude(file="").values_list("file", flat=True))
    deleted, _by_model = expired.delete()
    # Storage has no set-based delete: one call per file, a handful a day.
    transaction.on_commit(lambda: [default_storage.delete(name) for name in names])
    return deleted


def exports_requeue() -> int:
    """Queue again the exports that found the broker unreachable; answers how many."""
    return jobs_requeue(kind=EXPORT)
