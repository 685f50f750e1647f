from django import template
from django.urls import reverse

from portal.audit import HISTORY_KINDS, history_kind_of

register = template.Library()


@register.simple_tag
def history_url(obj) -> str:
    """The URL of ``obj``'s change history (for lists whose rows the reader may all read)."""
    return reverse("history", args=[history_kind_of(obj), obj.pk])


@register.inclusion_tag("_history_button.html", takes_context=True)
def history_button(context, obj):
    """A link to ``obj``'s change history, shown only to those who may read it."""
    kind = history_kind_of(obj)
    readable = HISTORY_KINDS[kind].readable(context["request"].user).filter(pk=obj.pk).exists()
    return {"url": reverse("history", args=[kind, obj.pk]) if readable else None}
