from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvaluationConfig(AppConfig):
    name = "evaluation"
    verbose_name = _("Reports and evaluation")

    def ready(self):
        from django.urls import reverse

        from portal.audit import HistoryKind, register_history_kind, url_with_query
        from portal.figures import figure_sources
        from portal.job_kinds import JobKind, job_kind_register

        from . import tasks  # noqa: F401  (registered in every process: see portal/apps.py)
        from .figures import evaluation_figures
        from .models import JobKind as EvaluationJobKind
        from .recompute import NOT_QUEUED

        figure_sources.register(evaluation_figures)
        register_history_kind(
            "report",
            HistoryKind(
                "evaluation.AnnualReport",
                ("evaluation.AnnualReportEvent", "evaluation.ReportValueEvent"),
                lambda report: reverse("evaluation:report", args=[report.pk]),
            ),
        )
        register_history_kind(
            "scheme",
            HistoryKind(
                "evaluation.EvaluationScheme",
                (
                    "evaluation.EvaluationSchemeEvent",
                    "evaluation.SchemeWeightEvent",
                    "evaluation.AdjustmentItemEvent",
                    "evaluation.RubricItemEvent",
                ),
                lambda scheme: url_with_query(
                    "evaluation:scheme", year=scheme.year, category=scheme.category
                ),
            ),
        )
        job_kind_register(
            EvaluationJobKind.RECOMPUTE,
            JobKind(
                label=EvaluationJobKind.RECOMPUTE.label,
                task="evaluation.tasks.run_job",
                not_queued=NOT_QUEUED,
                url_name="evaluation:job",
            ),
        )
