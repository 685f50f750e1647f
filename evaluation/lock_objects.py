"""The row locks of the evaluation app, in the one order every service takes them.

An annual report is locked before its values (the values are written only while their report
is locked, so they need no lock of their own); a management decision and a bonus or penalty
item each on their own; the revisions of a year last. Rows of
one kind are locked in primary-key order, so two transactions never wait for each other.
"""

from django.db.models import QuerySet

from .models import Adjustment, AnnualReport, EvaluationRun, ExpertReview, ManagementDecision


def reports_select_for_update() -> QuerySet[AnnualReport]:
    """1. Annual reports: whoever holds the lock may write the report's values and versions."""
    return AnnualReport.objects.order_by("pk").select_for_update(of=("self",))


def management_decisions_select_for_update() -> QuerySet[ManagementDecision]:
    """2. Management decisions (a proposed removal the province decides)."""
    return ManagementDecision.objects.order_by("pk").select_for_update(of=("self",))


def adjustments_select_for_update() -> QuerySet[Adjustment]:
    """3. Bonus and penalty items, while one is decided or withdrawn."""
    return Adjustment.objects.order_by("pk").select_for_update(of=("self",))


def runs_select_for_update() -> QuerySet[EvaluationRun]:
    """4. Revisions of a year's results: the recomputation holds the draft while it rewrites
    it, the province the year's revisions while it publishes or discards one."""
    return EvaluationRun.objects.order_by("pk").select_for_update(of=("self",))


def expert_reviews_select_for_update() -> QuerySet[ExpertReview]:
    """An expert's review while it is saved or submitted; never taken with other rows."""
    return ExpertReview.objects.order_by("pk").select_for_update(of=("self",))
