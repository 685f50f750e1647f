from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvaluationConfig(AppConfig):
    name = "evaluation"
    verbose_name = _("Reports and evaluation")

    def ready(self):
        from portal.job_kinds import JobKind, job_kind_register

        from . import tasks  # noqa: F401  (registered in every process: see portal/apps.py)
        from .models import JobKind as EvaluationJobKind
        from .recompute import NOT_QUEUED

        job_kind_register(
            EvaluationJobKind.RECOMPUTE,
            JobKind(
                label=EvaluationJobKind.RECOMPUTE.label,
                task="evaluation.tasks.run_job",
                not_queued=NOT_QUEUED,
                url_name="evaluation:job",
            ),
        )
