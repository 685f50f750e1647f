"""Audit history: who changed what and when, kept by PostgreSQL triggers.

Triggers see every write, bulk ``update()`` and raw SQL included, and the event tables are
append-only (``PGHISTORY_APPEND_ONLY``). The acting user and URL come from pghistory's
middleware, which also sees users authenticated by DRF inside the view.
"""

import pghistory
from pghistory.models import MiddlewareEvents


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


def history_of(*objects):
    """Every audited event of the objects and of the rows that reference them, newest first."""
    return (
        MiddlewareEvents.objects.references(*objects)
        .select_related("user")
        .order_by("-pgh_created_at", "-pgh_id")
    )
