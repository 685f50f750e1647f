from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ComplexesConfig(AppConfig):
    name = "complexes"
    verbose_name = _("Complex registry")

    def ready(self):
        from django.urls import reverse

        from portal.api.public_cache import invalidate_on_write
        from portal.audit import HistoryKind, register_history_kind
        from portal.derived import counting_sources
        from portal.figures import figure_sources
        from portal.open_data import OpenDataset, open_dataset_register

        from .exports import COMPLEXES
        from .figures import complex_figures
        from .indicators import COUNTING_SOURCE
        from .models import (
            Complex,
            ComplexStatusChange,
            Institution,
            Region,
            SharedInstrument,
            TalentTeam,
        )

        # What the directory, the catalogue and a complex's public page show.
        invalidate_on_write(
            Complex, ComplexStatusChange, Institution, Region, SharedInstrument, TalentTeam
        )
        open_dataset_register(
            OpenDataset(
                slug="complexes",
                table=COMPLEXES,
                description=_(
                    "The directory of the province's industrial innovation service complexes."
                ),
                updated=_("as the province and the operators edit them"),
            )
        )
        figure_sources.register(complex_figures)
        counting_sources.register(COUNTING_SOURCE)
        register_history_kind(
            "complex",
            HistoryKind(
                "complexes.Complex",
                (
                    "complexes.ComplexEvent",
                    "complexes.InstitutionEvent",
                    "complexes.SharedInstrumentEvent",
                    "complexes.TalentTeamEvent",
                ),
                lambda complex_: reverse("complexes:detail", args=[complex_.code]),
            ),
        )
