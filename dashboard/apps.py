from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardConfig(AppConfig):
    name = "dashboard"
    verbose_name = _("Dashboard")

    def ready(self):
        from complexes.pages import complex_page_blocks

        from .drilldown import complex_page_blocks as dashboard_blocks

        complex_page_blocks.register(dashboard_blocks)
