from django import template
from django.apps import apps
from django.template.defaultfilters import yesno
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy

from portal.audit import HISTORY_FILES, HISTORY_KINDS, HistoryFile, history_kind_of

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


def _tracked_fields(event) -> dict:
    """The tracked model's fields by the names the history stores them under (``complex_id``
    for a foreign key); empty for a model no longer known."""
    try:
        model = apps.get_model(event.pgh_obj_model)
    except (LookupError, ValueError):
        return {}
    return {field.attname: field for field in model._meta.concrete_fields}


def _as_read(fields: dict, name: str, before, after) -> tuple[str, object, object]:
    """A change as people read it: the field's verbose name, a choice's label (never the
    stored code)."""
    field = fields.get(name)
    if field is None:
        return name, _readable(before), _readable(after)
    choices = dict(field.flatchoices) if field.choices else {}
    return (
        str(field.verbose_name),
        _readable(choices.get(before, before)),
        _readable(choices.get(after, after)),
    )


@register.filter
def event_changes(event, subject=None) -> list[tuple[str, object, object]]:
    """(field, before, after) for an update; the stored values for a creation or deletion,
    each field under its verbose name.

    A file appears as its original name, never as its storage path (``subject``: the object
    whose history is read, whose current file links to its scope-checked download)."""
    files = HISTORY_FILES.get(event.pgh_obj_model, {})
    fields = _tracked_fields(event)
    data = event.pgh_data or {}
    if event.pgh_label == "update" and event.pgh_diff:
        diff = event.pgh_diff
        changes = []
        for field, (before, after) in sorted(diff.items()):
            if field in files:
                shown = files[field]
                name_before, name_after = diff.get(shown.original_name, [None, None])
                before = _file(shown, before, name_before or data.get(shown.original_name))
                after = _file(shown, after, name_after or data.get(shown.original_name))
                after = _with_link(shown, after, event, subject)
            changes.append(_as_read(fields, field, before, after))
        return changes
    hidden = {"id", "created_at", "updated_at"}
    changes = []
    for field, value in sorted(data.items()):
        if field in hidden:
            continue
        if field in files:
            shown = files[field]
            value = _file(shown, value, data.get(shown.original_name))
            if event.pgh_label != "delete":
                value = _with_link(shown, value, event, subject)
        changes.append(_as_read(fields, field, None, value))
    return changes


def _file(shown: HistoryFile, stored_path, original_name):
    """A file's value on the page: its original name (or a plain word), never its path."""
    if not stored_path:
        return None
    return original_name or str(shown.placeholder)


def _with_link(shown: HistoryFile, value, event, subject):
    """The file's name linked to its download view, when it is still the subject's file."""
    if value is None or subject is None or event.pgh_obj_id != str(subject.pk):
        return value
    if event.pgh_obj_model != subject._meta.label:
        return value
    if (event.pgh_data or {}).get(shown.field) != getattr(subject, shown.field).name:
        return value
    url = reverse(shown.download_url, args=[subject.pk])
    return format_html('<a href="{}">{}</a>', url, value)


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
