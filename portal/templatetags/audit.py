from django import template
from django.apps import apps
from django.template.defaultfilters import yesno
from django.urls import reverse
from django.utils.translation import gettext_lazy

from portal.audit import HISTORY_KINDS, history_kind_of

register = template.Library()

LABELS = {
    "insert": gettext_lazy("created"),
    "update": gettext_lazy("changed"),
    "delete": gettext_lazy("deleted"),
}


@register.filter
def event_label(label: str) -> str:
    return str(LABELS.get(label, label))


@register.filter
def event_subject(event) -> str:
    """The verbose name of the tracked model (``complexes.Institution`` → 成员机构)."""
    try:
        model = apps.get_model(event.pgh_obj_model)
    except (LookupError, ValueError):
        return event.pgh_obj_model
    return str(model._meta.verbose_name)


@register.filter
def event_changes(event) -> list[tuple[str, object, object]]:
    """(field, before, after) for an update; the stored values for a creation or deletion."""
    if event.pgh_label == "update" and event.pgh_diff:
        return [
            (field, _readable(before), _readable(after))
            for field, (before, after) in sorted(event.pgh_diff.items())
        ]
    data = event.pgh_data or {}
    hidden = {"id", "created_at", "updated_at"}
    return [
        (field, None, _readable(value))
        for field, value in sorted(data.items())
        if field not in hidden
    ]


def _readable(value):
    """Flags in the reader's language (是/否, yes/no) rather than Python's True/False."""
    return yesno(value) if isinstance(value, bool) else value


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
