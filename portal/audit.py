"""Audit history: who changed what and when, kept by PostgreSQL triggers.

Triggers see every write, bulk ``update()`` and raw SQL included, and the event tables are
append-only (``PGHISTORY_APPEND_ONLY``). The acting user and URL come from pghistory's
middleware, which also sees users authenticated by DRF inside the view.
"""

from dataclasses import dataclass
from urllib.parse import urlencode

import pghistory
import pgtrigger
from django.apps import apps
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from pghistory.models import MiddlewareEvents

from portal import policy


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
