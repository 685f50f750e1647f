"""The region picker of every form and filter: a menu grouped by prefecture city.

A flat menu of Zhejiang's hundred-odd regions is hard to read: each city heads a group
(``<optgroup>``) holding the city itself and then its counties, in GB/T 2260 order. The choices
are whatever the field's queryset holds (an official's subtree, counties only …), read in one
query; a city whose group would hold only itself (a menu of cities) stays a plain option.
"""

from django import forms
from django.forms.models import ModelChoiceIterator
from django.utils.translation import gettext_lazy as _

from .models import Region, RegionLevel


class RegionChoiceIterator(ModelChoiceIterator):
    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        plain, groups = [], {}
        for region in self.queryset.select_related("parent").order_by("code"):
            if region.level == RegionLevel.PROVINCE:
                plain.append(self.choice(region))
                continue
            city = region if region.level == RegionLevel.CITY else region.parent
            label = city.name if city is not None else region.name
            group = groups.setdefault(region.city_code, (label, []))[1]
            if region.level == RegionLevel.CITY:
                value, _name = self.choice(region)
                group.append((value, self.field.city_label % {"city": region.name}))
            else:
                group.append(self.choice(region))
        yield from plain
        for label, choices in groups.values():
            if len(choices) == 1 and choices[0][0].instance.level == RegionLevel.CITY:
                value, _label = choices[0]
                yield (value, value.instance.name)
            else:
                yield (label, choices)


class RegionChoiceField(forms.ModelChoiceField):
    """A region by its code, picked from a menu grouped by city (``RegionChoiceIterator``).

    ``city_label`` names a city's own option inside its group: in a filter the city stands for
    its whole subtree, in a form for the city-level government itself."""

    iterator = RegionChoiceIterator
    WHOLE_CITY = _("%(city)s (whole city)")
    CITY_LEVEL = _("%(city)s (city level)")

    def __init__(self, queryset=None, *, city_label=CITY_LEVEL, **kwargs):
        self.city_label = city_label
        kwargs.setdefault("to_field_name", "code")
        super().__init__(Region.objects.all() if queryset is None else queryset, **kwargs)
