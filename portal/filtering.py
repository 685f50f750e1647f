"""Filters of a list, validated once and handed to its selector.

A page, the API and an export job read a list through the same selector, which takes the user
and the *validated* filters: the cleaned data of the list's filter form, never a request. The
page validates the query string (a bad value answers 400 with the form's translated messages),
the export job stores the filters as JSON (``filters_as_json``) and validates them again with
the same form before it calls the selector.
"""

from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Any

import django_filters
from django.core.validators import EMPTY_VALUES
from django.db.models import QuerySet
from django.forms import Form
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from .inputs import FIRST_YEAR, LARGEST_ID, LAST_YEAR, WholeNumberField

Filters = Mapping[str, Any]
NO_FILTERS: Filters = {}


class InvalidFilters(Exception):
    """A filter value the list's form refuses; its messages name the fields."""

    def __init__(self, form: Form):
        super().__init__(form.errors.as_text())
        self.form = form

    def messages(self) -> list[tuple[str, list[str]]]:
        """(field label, messages) for each refused field, in the form's order."""
        return [
            (str(self.form.fields[name].label or name) if name in self.form.fields else "", errors)
            for name, errors in self.form.errors.items()
        ]


def validated(form: Form) -> dict[str, Any]:
    """The values a filter form chose, cleaned; an unbound form chooses nothing.

    Raises ``InvalidFilters`` for a value the form refuses."""
    if not form.is_bound:
        return {}
    if not form.is_valid():
        raise InvalidFilters(form)
    return {name: value for name, value in form.cleaned_data.items() if value not in EMPTY_VALUES}


def filters_as_json(form: Form, filters: Filters) -> dict[str, Any]:
    """Validated filters as JSON values that the same form accepts again: an object as its key
    (a region as its code, a complex as its id), a number or date as text."""
    stored = {}
    for name, value in filters.items():
        prepared = form.fields[name].prepare_value(value)
        if isinstance(prepared, Decimal):
            prepared = format(prepared, "f")
        elif isinstance(prepared, date):
            prepared = prepared.isoformat()
        stored[name] = prepared
    return stored


def filtered(filterset_class: type[django_filters.FilterSet], rows: QuerySet, filters: Filters):
    """``rows`` narrowed by validated filters through the filter set's own filters (the same
    ones the API applies to a query string)."""
    filterset = filterset_class(queryset=rows)
    for name, value in filters.items():
        rows = filterset.filters[name].filter(rows, value)
    return rows


class UserFilterSet(django_filters.FilterSet):
    """A filter set built for one user, whose menus may offer only what that user may see.

    The REST framework's filter backend gives the request; a page or a job gives the user."""

    def __init__(self, data=None, queryset=None, *, user=None, request=None, prefix=None):
        super().__init__(data, queryset, request=request, prefix=prefix)
        self.user = user if user is not None else getattr(request, "user", None)


@extend_schema_field(OpenApiTypes.INT)
class WholeNumberFilter(django_filters.Filter):
    """A whole number in ASCII digits within a range (``portal.inputs.WholeNumberField``): an
    id (the default range) or, with ``year=True``, a year."""

    field_class = WholeNumberField

    def __init__(self, *args, year: bool = False, **kwargs):
        low, high = (FIRST_YEAR, LAST_YEAR) if year else (1, LARGEST_ID)
        kwargs.setdefault("minimum", low)
        kwargs.setdefault("maximum", high)
        super().__init__(*args, **kwargs)
