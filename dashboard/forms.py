from django import forms
from django.utils.translation import gettext_lazy as _

from complexes.region_picker import RegionChoiceField
from complexes.selectors import regions_in_scope
from evaluation.selectors import default_year
from portal.forms import quick_select
from portal.inputs import year_field

from .measures import MAP_MEASURES


class DashboardFilterForm(forms.Form):
    """The year, region and map measure of the dashboard's pages and tables; each defaults
    (``dashboard.selectors``) when left out."""

    year = year_field(label=_("Year"), required=False)
    region = forms.CharField(label=_("Region"), max_length=6, required=False)
    measure = forms.ChoiceField(label=_("Measure"), choices=MAP_MEASURES, required=False)


class DashboardTableFilterForm(DashboardFilterForm):
    """The filters of a dashboard table's export, with the default year resolved once: the
    rows and the file name both need it."""

    def clean_year(self):
        return self.cleaned_data["year"] or default_year()


def dashboard_filter_form(user, data) -> DashboardFilterForm:
    # Bound even without a query string, so that the default year is resolved in the form.
    return DashboardTableFilterForm(data or {})


class RegionPickerForm(forms.Form):
    """The menu that moves the dashboard to another region of the official's subtree, grouped
    by city. Only drawn: the region it sends is validated by ``DashboardFilterForm`` (a region
    outside the subtree answers 404, as the map's links do)."""

    region = RegionChoiceField(
        label=_("Region"), city_label=RegionChoiceField.WHOLE_CITY, empty_label=None
    )

    def __init__(self, *, user, region):
        super().__init__(initial={"region": region.code}, auto_id="region-%s")
        field = self.fields["region"]
        field.queryset = regions_in_scope(user)
        # Read once (through iter(): list() would count the rows first): a menu without an
        # empty choice is read again to decide on "required".
        field.widget.choices = list(iter(field.choices))
        field.widget.attrs.update(
            {"class": "form-select form-select-sm", "data-submit-on-change": ""}
        )
        quick_select(field.widget)
