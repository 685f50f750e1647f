from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ServicesConfig(AppConfig):
    name = "services"
    verbose_name = _("Services and vouchers")

    def ready(self):
        from portal.api.public_cache import invalidate_on_write

        from .models import Offering

        invalidate_on_write(Offering)
