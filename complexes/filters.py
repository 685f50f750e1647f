import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from portal import policy
from portal.filtering import UserFilterSet
from portal.forms import FilterForm
from portal.policy import subtree_prefix

from .models import Category, Complex, Institution, InstitutionType, Level, Region, Status


def complex_search_condition(text: str) -> Q:
    return (
        Q(name__icontains=text)
        | Q(industry__icontains=text)
        | Q(host_unit__icontains=text)
        | Q(code__icontains=text)
        | Q(region__name_zh_hans__icontains=text)
        | Q(region__name_en__icontains=text)
    )


@extend_schema_field(OpenApiTypes.STR)
class RegionSubtreeFilter(django_filters.ModelChoiceFilter):
    """A region code that matches the region and everything under it."""

    def __init__(self, *args, field_path="region__code", **kwargs):
        self.field_path = field_path
        kwargs.setdefault("queryset", Region.objects.all())
        kwargs.setdefault("to_field_name", "code")
        kwargs.setdefault("label", _("Region"))
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        if not value:
            return qs
        return qs.filter(**{f"{self.field_path}__startswith": subtree_prefix(value.code)})


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
    industry = django_filters.CharFilter(
        field_name="industry", lookup_expr="icontains", label=_("Industry")
    )

    class Meta:
        model = Complex
        form = FilterForm
        fields = ["q", "level", "category", "status", "region", "industry"]

    def search(self, queryset, name, value):
        return (
            queryset.filter(complex_search_condition(value.strip())) if value.strip() else queryset
        )


class InstitutionFilter(UserFilterSet):
    complex = django_filters.NumberFilter(field_name="complex_id", label=_("Complex"))
    type = django_filters.ChoiceFilter(choices=InstitutionType.choices, label=_("Type"))
    region = RegionSubtreeFilter(field_path="complex__region__code", label=_("City / county"))
    q = django_filters.CharFilter(field_name="name", lookup_expr="icontains", label=_("Search"))

    class Meta:
        model = Institution
        form = FilterForm
        fields = ["complex", "type", "region", "q"]
