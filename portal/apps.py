from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = _("Portal")

    def ready(self):
        # Registers the schema extension of the portal's own serializer fields.
        from portal.api import schema  # noqa: F401

        # The tasks are registered in every process (the web's too), so that a job enqueued by
        # name runs eagerly where Celery is told to (development, tests).
        from . import tasks  # noqa: F401
        from .export_jobs import NOT_QUEUED
        from .job_kinds import JobKind, job_kind_register
        from .models import EXPORT

        job_kind_register(
            EXPORT,
            JobKind(
                label=_("Excel export"),
                task="portal.tasks.build_export",
                not_queued=NOT_QUEUED,
                url_name="export_job",
            ),
        )
