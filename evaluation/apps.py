from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvaluationConfig(AppConfig):
    name = "evaluation"
    verbose_name = _("Reports and evaluation")

    def ready(self):
        from django.urls import reverse

        from portal.api.public_cache import invalidate_on_write
        from portal.audit import HistoryKind, register_history_kind, url_with_query
        from portal.figures import figure_sources
        from portal.job_kinds import JobKind, job_kind_register
        from portal.open_data import OpenDataset, open_dataset_register

        from . import tasks  # noqa: F401  (registered in every process: see portal/apps.py)
        from .exports import PUBLISHED_RESULTS
        from .figures import evaluation_figures
        from .models import AnnualReport
        from .models import JobKind as EvaluationJobKind
        from .recompute import NOT_QUEUED

        # A complex's public page counts the policies of its latest approved report.
        invalidate_on_write(AnnualReport)
        figure_sources.register(evaluation_figures)
        open_dataset_register(
            OpenDataset(
                slug="evaluation-results",
                table=PUBLISHED_RESULTS,
                description=_(
                    "The annual evaluation's rankings as the province published them, every "
                    "published year; results not yet published are not in it."
                ),
                updated=_("when the province publishes a year's results"),
            )
        )
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
