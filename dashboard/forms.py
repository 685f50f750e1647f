from django import forms
from django.utils.translation import gettext_lazy as _

from portal.inputs import year_field

from .measures import MAP_MEASURES


class DashboardFilterForm(forms.Form):
    """The year, region and map measure of the dashboard's pages and tables; each defaults
    (``dashboard.selectors``) when left out."""

    year = year_field(label=_("Year"), required=False)
    region = forms.CharField(label=_("Region"), max_length=6, required=False)
    measure = forms.ChoiceField(label=_("Measure"), choices=MAP_MEASURES, required=False)


def dashboard_filter_form(user, data) -> DashboardFilterForm:
    return DashboardFilterForm(data)
