from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvaluationConfig(AppConfig):
    name = "evaluation"
    verbose_name = _("Reports and evaluation")

    def ready(self):
        from django.urls import reverse

        from portal.audit import HistoryKind, register_history_kind, url_with_query
        from portal.figures import figure_sources

        from .figures import evaluation_figures

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
                ),
                lambda scheme: url_with_query(
                    "evaluation:scheme", year=scheme.year, category=scheme.category
                ),
            ),
        )
