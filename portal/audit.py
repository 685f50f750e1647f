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


def _with_query(url_name: str, **params) -> str:
    return f"{reverse(url_name)}?{urlencode(params)}"


HISTORY_KINDS = {
    "complex": HistoryKind(
        "complexes.Complex",
        (
            "complexes.ComplexEvent",
            "complexes.InstitutionEvent",
            "complexes.SharedInstrumentEvent",
            "complexes.TalentTeamEvent",
        ),
        lambda complex_: reverse("complexes:detail", args=[complex_.code]),
    ),
    "offering": HistoryKind(
        "services.Offering",
        ("services.OfferingEvent",),
        lambda offering: reverse("services:offering_detail", args=[offering.pk]),
    ),
    "request": HistoryKind(
        "services.ServiceRequest",
        ("services.ServiceRequestChange", "services.VoucherEntryEvent"),
        lambda request_: reverse("services:request_detail", args=[request_.pk]),
    ),
    "voucher": HistoryKind(
        "services.Voucher",
        ("services.VoucherEvent", "services.VoucherEntryEvent"),
        lambda voucher: reverse("services:voucher_detail", args=[voucher.pk]),
    ),
    "settlement": HistoryKind(
        "services.VoucherSettlement",
        ("services.VoucherSettlementEvent", "services.VoucherEntryEvent"),
        lambda settlement: reverse("services:settlements"),
    ),
    "report": HistoryKind(
        "evaluation.AnnualReport",
        ("evaluation.AnnualReportEvent", "evaluation.ReportValueEvent"),
        lambda report: reverse("evaluation:report", args=[report.pk]),
    ),
    "scheme": HistoryKind(
        "evaluation.EvaluationScheme",
        (
            "evaluation.EvaluationSchemeEvent",
            "evaluation.SchemeWeightEvent",
            "evaluation.AdjustmentItemEvent",
        ),
        lambda scheme: _with_query("evaluation:scheme", year=scheme.year, category=scheme.category),
    ),
    "ruleset": HistoryKind(
        "funding.RuleSet",
        ("funding.RuleSetEvent",),
        lambda rule_set: (
            reverse("funding:rules")
            + (f"?year={rule_set.year}" if rule_set.year is not None else "")
        ),
    ),
    "allocation": HistoryKind(
        "funding.Allocation",
        ("funding.AllocationEvent",),
        lambda allocation: _with_query("funding:table", year=allocation.year),
    ),
}


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
