from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ComplexesConfig(AppConfig):
    name = "complexes"
    verbose_name = _("Complex registry")
