from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FundingConfig(AppConfig):
    name = "funding"
    verbose_name = _("Funding allocation")

    def ready(self):
        from django.core import checks
        from django.urls import reverse

        from evaluation.complex_report import complex_report_parts
        from portal.audit import HistoryKind, register_history_kind, url_with_query
        from portal.figures import figure_sources
        from portal.open_data import OpenDataset, open_dataset_register

        from .checks import decision_number_pattern
        from .exports import PUBLISHED_ALLOCATIONS
        from .figures import funding_figures
        from .selectors import allocation_report_part

        checks.register(decision_number_pattern)
        figure_sources.register(funding_figures)
        open_dataset_register(
            OpenDataset(
                slug="funding-allocations",
                table=PUBLISHED_ALLOCATIONS,
                description=_(
                    "The provincial funding shared out among the complexes, as the province "
                    "published it, every published year; drafts are not in it."
                ),
                updated=_("when the province publishes a year's allocation"),
            )
        )
        complex_report_parts.register(allocation_report_part)
        register_history_kind(
            "ruleset",
            HistoryKind(
                "funding.RuleSet",
                ("funding.RuleSetEvent",),
                lambda rule_set: (
                    reverse("funding:rules")
                    + (f"?year={rule_set.year}" if rule_set.year is not None else "")
                ),
            ),
        )
        register_history_kind(
            "allocation",
            HistoryKind(
                "funding.Allocation",
                ("funding.AllocationEvent",),
                lambda allocation: url_with_query("funding:table", year=allocation.year),
            ),
        )
