"""The row locks of the shared library: a background job is the only row it locks (the worker
that runs it, the housekeeping that expires it). Several jobs are locked in primary-key order."""

from django.db.models import QuerySet

from .models import Job


def jobs_select_for_update() -> QuerySet[Job]:
    return Job.objects.order_by("pk").select_for_update(of=("self",))
