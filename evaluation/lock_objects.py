"""The row locks of the evaluation app, in the one order every service takes them.

An annual report is locked before its values (the values are written only while their report
is locked, so they need no lock of their own); a management decision and a city's proposed
adjustment each on their own; the revisions of a year last. Rows of
one kind are locked in primary-key order, so two transactions never wait for each other.
"""

from django.db.models import QuerySet

from .models import AdjustmentProposal, AnnualReport, EvaluationRun, ManagementDecision


def reports_select_for_update() -> QuerySet[AnnualReport]:
    """1. Annual reports: whoever holds the lock may write the report's values and versions."""
    return AnnualReport.objects.order_by("pk").select_for_update(of=("self",))


def management_decisions_select_for_update() -> QuerySet[ManagementDecision]:
    """2. Management decisions (a proposed removal the province decides)."""
    return ManagementDecision.objects.order_by("pk").select_for_update(of=("self",))


def adjustment_proposals_select_for_update() -> QuerySet[AdjustmentProposal]:
    """3. Proposed bonus/penalty items, while the province decides one."""
    return AdjustmentProposal.objects.order_by("pk").select_for_update(of=("self",))


def runs_select_for_update() -> QuerySet[EvaluationRun]:
    """4. Revisions of a year's results: the recomputation holds the draft while it rewrites
    it, the province the year's revisions while it publishes or discards one."""
    return EvaluationRun.objects.order_by("pk").select_for_update(of=("self",))
