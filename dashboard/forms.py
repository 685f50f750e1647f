from django import forms
from django.utils.translation import gettext_lazy as _

from .measures import MAP_MEASURES


class DashboardFilterForm(forms.Form):
    """The year, region and map measure of the dashboard's pages and tables; each defaults
    (``dashboard.selectors``) when left out."""

    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100, required=False)
    region = forms.CharField(label=_("Region"), max_length=6, required=False)
    measure = forms.ChoiceField(label=_("Measure"), choices=MAP_MEASURES, required=False)


def dashboard_filter_form(user, data) -> DashboardFilterForm:
    return DashboardFilterForm(data)
