from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = _("Portal")

    def ready(self):
        # Registers the schema extension of the portal's own serializer fields.
        from portal.api import schema  # noqa: F401
