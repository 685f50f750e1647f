"""The services' contribution to the dashboard's regional figures (see ``portal.figures``):
per complex, the services it completed in the year for enterprises in the 26 mountain counties
(山区26县), counted as the derived indicator ``services_delivered`` counts services."""

from django.db.models import Count

from portal.figures import figure_rows

from .indicators import completed_in

MOUNTAIN_26_SERVICES = "services.mountain_26"


def service_figures(*, year: int) -> list:
    to_mountain_counties = completed_in(year).filter(enterprise__region__mountain_26=True)
    return [
        figure_rows(
            to_mountain_counties,
            complex_id="complex_id",
            figures=[(MOUNTAIN_26_SERVICES, Count("id"))],
        )
    ]
