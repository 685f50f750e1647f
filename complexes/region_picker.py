"""The region picker of every form and filter: a menu grouped by prefecture city.

A flat menu of Zhejiang's hundred-odd regions is hard to read: each city heads a group
(``<optgroup>``) holding the city itself and then its counties, in GB/T 2260 order. The choices
are whatever the field's queryset holds (an official's subtree, counties only …), read in one
query; a city whose group would hold only itself (a menu of cities) stays a plain option.
"""

from django import forms
from django.conf import settings
from django.db.models import CharField, F, Value
from django.db.models.functions import Coalesce, NullIf
from django.forms.models import ModelChoiceIterator
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from modeltranslation import settings as mt_settings
from modeltranslation.utils import build_localized_fieldname

from .models import Region, RegionLevel


def translated_name(region_path: str):
    """The name of the region at ``region_path`` as modeltranslation reads it (the active
    language's, else the default language's), as an expression for ``values()``."""
    active = build_localized_fieldname("name", get_language() or settings.LANGUAGE_CODE)
    default = build_localized_fieldname("name", mt_settings.DEFAULT_LANGUAGE)
    return Coalesce(
        NullIf(F(f"{region_path}__{active}"), Value("")),
        F(f"{region_path}__{default}"),
        output_field=CharField(),
    )


class RegionChoiceIterator(ModelChoiceIterator):
    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        plain, groups = [], {}
        # Plain values, not model instances: a hundred regions built through their translated
        # name fields cost more than the rest of a list page's filter form (docs/PERFORMANCE.md).
        rows = (
            self.queryset.order_by("code")
            .annotate(parent_name=translated_name("parent"))
            .values_list("code", "level", "name", "parent_name")
        )
        for code, level, name, parent_name in rows:
            value = code
            if level == RegionLevel.PROVINCE:
                plain.append((value, name))
                continue
            label = name if level == RegionLevel.CITY else parent_name or name
            group = groups.setdefault(code[:4] + "00", (label, [], []))
            if level == RegionLevel.CITY:
                group[1].append((value, self.field.city_label % {"city": name}))
                group[2].append(name)
            else:
                group[1].append((value, name))
        yield from plain
        for label, choices, city_names in groups.values():
            if len(choices) == 1 and city_names:
                yield (choices[0][0], city_names[0])
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
        # The menu's values are codes (RegionChoiceIterator).
        kwargs["to_field_name"] = "code"
        super().__init__(Region.objects.all() if queryset is None else queryset, **kwargs)
