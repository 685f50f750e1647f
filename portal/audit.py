"""Audit history: who changed what and when, kept by PostgreSQL triggers.

Triggers see every write, bulk ``update()`` and raw SQL included, and the event tables are
append-only (``PGHISTORY_APPEND_ONLY``). The acting user and URL come from pghistory's
middleware, which also sees users authenticated by DRF inside the view.
"""

from dataclasses import dataclass, replace
from datetime import UTC, datetime
from decimal import Decimal
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

import pghistory
import pgtrigger
from django.apps import apps
from django.conf import settings
from django.db import models
from django.template.defaultfilters import yesno
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from pghistory.models import MiddlewareEvents

from portal import policy
from portal.money import MONEY_DIGITS


def audited(
    *,
    fields: list[str] | None = None,
    model_name: str | None = None,
    related_name: str = "events",
):
    """Class decorator: keep the model's inserts, updates and deletes (of ``fields``, if given).

    The events are reachable as ``obj.events`` and the event model is ``<Model>Event``, unless
    named otherwise (for models that already have a timeline of their own by those names).
    """
    # Trackers are bound to the model they track, so each model gets new ones.
    trackers = (pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
    return pghistory.track(
        *trackers,
        fields=fields,
        model_name=model_name,
        obj_field=pghistory.ObjForeignKey(related_name=related_name),
    )


# The triggers ``audited`` installs, named <label>_<operation> by pghistory.
AUDIT_TRIGGERS = ("insert_insert", "update_update", "delete_delete")


def audited_models() -> list[type[models.Model]]:
    return [model for model in apps.get_models() if "pgh_event_model" in model.__dict__]


def unaudited():
    """Write without recording history: only for loading rows that are nobody's edit (the demo
    province). Besides, every audited row in one large transaction slows the next one down
    (the triggers' exception blocks): a seed at scale 1 would take many minutes."""
    return pgtrigger.ignore(
        *(f"{model._meta.label}:{name}" for model in audited_models() for name in AUDIT_TRIGGERS)
    )


@dataclass(frozen=True)
class HistoryKind:
    """A kind of object whose history the portal shows on a page of its own.

    ``event_models`` are the event models read: the object's own and those of the rows that
    belong to it (a report's values, a voucher's ledger), never rows that merely point at it
    from elsewhere, which could lie outside the reader's scope.
    """

    model: str
    event_models: tuple[str, ...]
    page_url: object  # the object → the URL of its own page

    def readable(self, user) -> models.QuerySet:
        """The objects of this kind whose history ``user`` may read.

        Officials read what is in their scope, operators their complex's objects; enterprise
        users read none. Province-wide rules (no scope) are read by every official.
        """
        model = apps.get_model(self.model)
        if hasattr(model.objects, "in_scope"):
            return model.objects.in_scope(user, "history.view")
        if policy.can(user, "history.view_unscoped"):
            return model.objects.all()
        return model.objects.none()

    def events(self, obj):
        return history_of(obj).across(*self.event_models)


def url_with_query(url_name: str, **params) -> str:
    return f"{reverse(url_name)}?{urlencode(params)}"


# The kinds of objects with a history page, by the name in its URL: each app registers its own
# in ``AppConfig.ready()`` with ``register_history_kind``.
HISTORY_KINDS: dict[str, HistoryKind] = {}


def register_history_kind(name: str, kind: HistoryKind) -> None:
    HISTORY_KINDS[name] = kind


@dataclass(frozen=True)
class HistoryFile:
    """A file field of an audited model, as history pages show it: the storage path is an
    implementation detail (and was once a public URL), so the page names the file by the name
    it was uploaded with and links to the view that checks the reader's scope."""

    field: str
    original_name: str  # the field keeping the name the file was uploaded with
    download_url: str  # URL name of the scope-checked download, taking the object's pk
    placeholder: object = _("file")


# Every audited file field, by the tracked model's label (``pgh_obj_model``) and field name:
# each app registers its own in ``AppConfig.ready()`` with ``register_history_file``.
HISTORY_FILES: dict[str, dict[str, HistoryFile]] = {}


def register_history_file(model: str, file: HistoryFile) -> None:
    HISTORY_FILES.setdefault(model, {})[file.field] = file


def history_kind_of(obj) -> str | None:
    """The name under which ``obj``'s history page is found, if it has one."""
    label = obj._meta.label
    return next((name for name, kind in HISTORY_KINDS.items() if kind.model == label), None)


def history_of(*objects):
    """Every audited event of the objects and of the rows that reference them, newest first."""
    return (
        MiddlewareEvents.objects.references(*objects)
        .select_related("user")
        .order_by("-pgh_created_at", "-pgh_id")
    )


# Reading the history: entries a person can read ---------------------------------------------

# Columns every row has and no reader needs in its history.
UNREAD_COLUMNS = {"id", "created_at", "updated_at", "version"}
# The zone history times are shown in (the portal's, whatever the server's clock runs on).
HISTORY_TIME_ZONE = ZoneInfo(settings.TIME_ZONE)


@dataclass(frozen=True)
class Change:
    label: str  # the field's label as its form shows it
    before: object
    after: object
    has_before: bool  # False: a creation, a deletion, or the first change ever recorded


@dataclass(frozen=True)
class HistoryEntry:
    when: datetime  # in the portal's time zone
    who: object  # the user, or None for the system
    what: str  # the kind of record and which one (its indicator, its name)
    action: str  # created, changed, deleted
    changes: list[Change]


ACTION_LABELS = {"insert": _("created"), "update": _("changed"), "delete": _("deleted")}


def history_entries(events, subject) -> list[HistoryEntry]:
    """The events as a person reads them: labels instead of column names, related records by
    name (one query per kind of related record on the page), choices by their label, amounts
    formatted, times in the portal's zone, a creation as one entry."""
    events = list(events)
    names = _related_names(events)
    entries = []
    for creation in _creations(events, subject):
        first, *rows = [_entry(event, subject, names) for event in creation]
        if rows:
            # The rows created with the record (a report's values) as lines of its creation.
            first = replace(first, changes=[*first.changes, *map(_as_line, rows)])
        entries.append(first)
    return entries


def _creations(events, subject) -> list[list]:
    """The events in groups: the inserts made in one request or task (one pghistory context)
    make one group, led by the subject's own (else the earliest); any other event is a group
    of its own."""
    groups: list[list] = []
    for event in events:
        previous = groups[-1][-1] if groups else None
        together = (
            previous is not None
            and event.pgh_label == previous.pgh_label == "insert"
            and event.pgh_context_id is not None
            and event.pgh_context_id == previous.pgh_context_id
        )
        if together:
            groups[-1].append(event)
        else:
            groups.append([event])
    return [
        sorted(group, key=lambda event: (not _is_subject(event, subject), event.pgh_id))
        for group in groups
    ]


def _is_subject(event, subject) -> bool:
    return event.pgh_obj_model == subject._meta.label and event.pgh_obj_id == str(subject.pk)


def _as_line(row: "HistoryEntry") -> "Change":
    """A row created with a record, as one line of the record's creation."""
    values = "; ".join(f"{change.label}: {change.after}" for change in row.changes)
    return Change(row.what, None, values, has_before=False)


def _model_of(event):
    try:
        return apps.get_model(event.pgh_obj_model)
    except (LookupError, ValueError):
        return None


def _fields_by_column(model) -> dict[str, models.Field]:
    return {field.attname: field for field in model._meta.concrete_fields} if model else {}


def _values_of(event) -> dict:
    """Every value the event names: its row's data and, for an update, both sides of the diff."""
    values = dict(event.pgh_data or {})
    for column, (before, after) in (event.pgh_diff or {}).items():
        values[f"{column}\0before"], values[column] = before, after
    return values


def _related_names(events) -> dict[tuple[type, object], str]:
    """The name of every related record the events point at, by (model, pk)."""
    wanted: dict[type, set] = {}
    for event in events:
        fields = _fields_by_column(_model_of(event))
        for key, value in _values_of(event).items():
            field = fields.get(key.split("\0")[0])
            if field is not None and field.is_relation and value is not None:
                wanted.setdefault(field.related_model, set()).add(value)
    names = {}
    for model, pks in wanted.items():
        for obj in model._base_manager.filter(pk__in=pks):
            names[(model, obj.pk)] = str(obj)
    return names


def _shown(field: models.Field | None, value, names) -> object:
    """A stored value as a person reads it."""
    if value is None or value == "":
        return None
    if field is None:
        return value
    if field.is_relation:
        return names.get((field.related_model, value), f"#{value}")
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return yesno(value)
    if isinstance(field, models.DecimalField):
        return _number(field, value)
    if isinstance(field, models.DateTimeField):
        return _local_time(value)
    return value


def _local_time(value) -> str:
    """A stored moment (ISO 8601, in UTC) as the portal's clock shows it."""
    moment = parse_datetime(value) if isinstance(value, str) else value
    if moment is None:
        return value
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment, UTC)
    return f"{timezone.localtime(moment, HISTORY_TIME_ZONE):%Y-%m-%d %H:%M}"


def _number(field: models.DecimalField, value) -> str:
    """Money with its currency and cents, any other decimal as the reader writes it."""
    amount = Decimal(str(value)).quantize(Decimal(1).scaleb(-field.decimal_places))
    if (field.max_digits, field.decimal_places) == MONEY_DIGITS:
        return f"¥{amount:,.2f}"
    return f"{amount:,.0f}" if amount == amount.to_integral_value() else f"{amount:,}"


def _what(event, model, subject, names) -> str:
    """The record an event is about: the subject itself by its kind, a row belonging to it by
    its kind and what tells it apart (its other related record, or its name)."""
    if model is None:
        return event.pgh_obj_model
    kind = str(model._meta.verbose_name)
    if _is_subject(event, subject):
        return kind
    data = event.pgh_data or {}
    for field in model._meta.concrete_fields:
        if field.is_relation and not isinstance(subject, field.related_model):
            value = data.get(field.attname)
            if value is not None and field.related_model._meta.label != "accounts.User":
                return f"{kind} · {names.get((field.related_model, value), f'#{value}')}"
    for attribute in ("name", "title"):
        if data.get(attribute):
            return f"{kind} · {data[attribute]}"
    return f"{kind} #{event.pgh_obj_id}"


def _file_changes(shown: HistoryFile, event, subject, before, after, diff):
    """A file's before and after: its original name (or a plain word), never its storage path;
    the current file of the subject linked to its scope-checked download."""
    data = event.pgh_data or {}
    name_before, name_after = (diff or {}).get(shown.original_name, [None, None])
    before = _file_name(shown, before, name_before or data.get(shown.original_name))
    after = _file_name(shown, after, name_after or data.get(shown.original_name))
    if event.pgh_label != "delete":
        after = _with_link(shown, after, event, subject)
    return before, after


def _file_name(shown: HistoryFile, stored_path, original_name):
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


def _points_at(field, value, subject) -> bool:
    return (
        field is not None
        and field.is_relation
        and isinstance(subject, field.related_model)
        and value == subject.pk
    )


def _entry(event, subject, names) -> HistoryEntry:
    model = _model_of(event)
    fields = _fields_by_column(model)
    label = lambda column: str(fields[column].verbose_name) if column in fields else column  # noqa: E731
    files = HISTORY_FILES.get(event.pgh_obj_model, {})
    diff = event.pgh_diff if event.pgh_label == "update" else None
    # An update without a diff is the first recorded event of a row loaded without history:
    # what it was before is unknown, not empty, so its values show without a "before".
    first_recorded = not diff
    if diff:
        pairs = [(column, before, after) for column, (before, after) in diff.items()]
    else:
        pairs = [(column, None, value) for column, value in (event.pgh_data or {}).items()]
    changes = []
    for column, before, after in pairs:
        if column in UNREAD_COLUMNS or column in {f.original_name for f in files.values()}:
            continue
        if _points_at(fields.get(column), after, subject):
            continue  # a row's link to the record whose history this is says nothing new
        if column in files:
            before, after = _file_changes(files[column], event, subject, before, after, diff)
        else:
            before, after = (_shown(fields.get(column), value, names) for value in (before, after))
        if diff is None and after is None:
            continue  # an empty field of a new or deleted row says nothing
        changes.append(Change(label(column), before, after, has_before=not first_recorded))
    when = event.pgh_created_at
    if timezone.is_naive(when):
        when = timezone.make_aware(when, UTC)
    return HistoryEntry(
        when=timezone.localtime(when, HISTORY_TIME_ZONE),
        who=event.user,
        what=_what(event, model, subject, names),
        action=str(ACTION_LABELS.get(event.pgh_label, event.pgh_label)),
        changes=sorted(changes, key=lambda change: change.label),
    )
