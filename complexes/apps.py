from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ComplexesConfig(AppConfig):
    name = "complexes"
    verbose_name = _("Complex registry")

    def ready(self):
        from portal.api.public_cache import invalidate_on_write

        from .models import Complex, Institution, Region

        invalidate_on_write(Complex, Institution, Region)
