from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardConfig(AppConfig):
    name = "dashboard"
    verbose_name = _("Dashboard")

    def ready(self):
        from complexes import pages

        from . import drilldown

        pages.complex_page_blocks.register(drilldown.complex_page_blocks)
        pages.complex_page_figures.register(drilldown.complex_page_figures)
