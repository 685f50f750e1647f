"""Form fields shown read-only, as people read them."""

from django import template
from django.template.defaultfilters import yesno

register = template.Library()

NOTHING = "—"


@register.filter
def as_read(bound_field) -> str:
    """A bound field's value for a reader who may not change it: a choice by its label (never
    its stored code), a flag as yes or no, an empty value as —."""
    value = bound_field.value()
    if isinstance(value, bool):
        return yesno(value)
    if value in (None, ""):
        return NOTHING
    choices = getattr(bound_field.field, "choices", None)
    if choices:
        labels = {str(key): label for key, label in choices}
        return str(labels.get(str(value), value))
    return str(value)
