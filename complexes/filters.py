import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from portal import policy
from portal.filtering import UserFilterSet, WholeNumberFilter
from portal.forms import FilterForm
from portal.policy import subtree_prefix
from portal.search import all_terms_match

from .models import Category, Complex, Institution, InstitutionType, Level, Region, Status
from .region_picker import RegionChoiceField

# A complex is registered under a county (or a city): its city's and the province's names find
# it too, so that "杭州" finds Hangzhou's complexes in every district.
REGION_NAME_FIELDS = [
    f"{region}__{name}"
    for region in ("region", "region__parent", "region__parent__parent")
    for name in ("name_zh_hans", "name_en")
]
COMPLEX_SEARCH_FIELDS = ["name", "industry", "host_unit", "code", *REGION_NAME_FIELDS]


def complex_search_condition(text: str) -> Q:
    """Every term in one of the complex's names, its industry, host unit or regions."""
    return all_terms_match(text, COMPLEX_SEARCH_FIELDS)


@extend_schema_field(OpenApiTypes.STR)
class RegionSubtreeFilter(django_filters.ModelChoiceFilter):
    """A region code that matches the region and everything under it; its menu is grouped by
    city (``RegionChoiceField``)."""

    field_class = RegionChoiceField

    def __init__(self, *args, field_path="region__code", **kwargs):
        self.field_path = field_path
        kwargs.setdefault("queryset", Region.objects.all())
        kwargs.setdefault("to_field_name", "code")
        kwargs.setdefault("label", _("Region"))
        kwargs.setdefault("city_label", RegionChoiceField.WHOLE_CITY)
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        if not value:
            return qs
        return qs.filter(**{f"{self.field_path}__startswith": subtree_prefix(value.code)})


class Mountain26Filter(django_filters.BooleanFilter):
    """``true``: only rows in one of the 26 mountain counties (山区26县); ``false``: only rows
    outside them; through the region's ``mountain_26`` flag."""

    def __init__(self, *args, field_name="region__mountain_26", **kwargs):
        kwargs.setdefault("label", _("26 mountain counties"))
        kwargs.setdefault(
            "help_text",
            _(
                "true: only those in one of the 26 mountain counties (山区26县); "
                "false: only those outside them."
            ),
        )
        super().__init__(*args, field_name=field_name, **kwargs)


def offer_regions_in_scope(filterset, user):
    """Narrow the region menus of a page's filters to the official's subtree, so that a city
    official picks among their city and its counties, not the whole province. The API keeps
    accepting any region code: the rows are scoped anyway, and an empty answer reveals nothing."""
    if policy.scope_of(user, "view") != policy.SUBTREE:
        return filterset
    for name, filter_ in filterset.filters.items():
        if isinstance(filter_, RegionSubtreeFilter) and name in filterset.form.fields:
            field = filterset.form.fields[name]
            field.queryset = field.queryset.subtree(user.region_id)
    return filterset


def page_filters(filterset_class: type[UserFilterSet], data, *, user) -> UserFilterSet:
    """A list's filters as its page and its export validate them: bound to the query string
    (or to an export job's stored filters), with the region menus of the user's subtree."""
    return offer_regions_in_scope(filterset_class(data or None, user=user), user)


def page_filter_form(filterset_class: type[UserFilterSet]):
    """The filter form of a table's export: its page's (``page_filters``)."""

    def form(user, data):
        return page_filters(filterset_class, data, user=user).form

    return form


class ComplexFilter(UserFilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    level = django_filters.ChoiceFilter(choices=Level.choices, label=_("Level"))
    category = django_filters.ChoiceFilter(choices=Category.choices, label=_("Category"))
    status = django_filters.ChoiceFilter(choices=Status.choices, label=_("Status"))
    region = RegionSubtreeFilter(label=_("City / county"))
    mountain_26 = Mountain26Filter()
    industry = django_filters.CharFilter(
        field_name="industry", lookup_expr="icontains", label=_("Industry")
    )

    class Meta:
        model = Complex
        form = FilterForm
        fields = ["q", "level", "category", "status", "region", "mountain_26", "industry"]

    def search(self, queryset, name, value):
        return (
            queryset.filter(complex_search_condition(value.strip())) if value.strip() else queryset
        )


class InstitutionFilter(UserFilterSet):
    complex = WholeNumberFilter(field_name="complex_id", label=_("Complex"))
    type = django_filters.ChoiceFilter(choices=InstitutionType.choices, label=_("Type"))
    region = RegionSubtreeFilter(field_path="complex__region__code", label=_("City / county"))
    mountain_26 = Mountain26Filter(field_name="complex__region__mountain_26")
    q = django_filters.CharFilter(field_name="name", lookup_expr="icontains", label=_("Search"))

    class Meta:
        model = Institution
        form = FilterForm
        fields = ["complex", "type", "region", "mountain_26", "q"]
