"""The row locks of the shared library: a background job (the worker that runs it, the
housekeeping that expires it; several in primary-key order), and the person who starts an
export, taken first, so that one person's starts wait for each other."""

from django.contrib.auth import get_user_model
from django.db.models import QuerySet

from .models import Job


def jobs_select_for_update() -> QuerySet[Job]:
    return Job.objects.order_by("pk").select_for_update(of=("self",))


def job_owner_lock(owner) -> None:
    get_user_model().objects.select_for_update().filter(pk=owner.pk).first()
