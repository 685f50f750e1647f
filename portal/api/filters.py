"""Lists of the API read through the selectors the pages call."""

from django_filters.rest_framework import DjangoFilterBackend
from django_filters.utils import translate_validation

from portal.filtering import Filters, InvalidFilters, validated


class SelectorFilterBackend(DjangoFilterBackend):
    """Documents the view's filter set (drf-spectacular reads it from here) but leaves the rows
    as they are: a ``SelectorListMixin`` view filters in its selector."""

    def filter_queryset(self, request, queryset, view):
        return queryset


class SelectorListMixin:
    """A list endpoint answered by the selector of its page: ``query_filters()`` validates the
    query string with the view's filter set (400 naming a refused field, as django-filter
    answers) and the view's ``get_queryset`` hands the user and those filters to the selector.
    A single object is looked up without the list's filters."""

    filter_backends = [SelectorFilterBackend]

    def query_filters(self) -> Filters:
        if self.detail or getattr(self, "swagger_fake_view", False):
            return {}
        filterset = self.filterset_class(self.request.query_params or None, request=self.request)
        try:
            return validated(filterset.form)
        except InvalidFilters as error:
            raise translate_validation(error.form.errors) from error
