"""A missing report is a fail (issue 18): once a year is locked (evaluation/report_lock.py),
each complex expected to report (evaluation/progress.py) without an approved report gets a
result of its own in the year's draft revision: score 0, grade fail, ranked after the
category's scored complexes, with the lock date it missed (``Evaluation.missing_report_by``,
whose reason the results, the complex's score page and the API show). Dynamic management then
treats it as any fail. A scheme with ``missing_report_fails`` off leaves its category's missing
reports unscored, as before; a report the province reopened counts once its new date passes.

The recomputation calls ``missing_reports_fail`` right after it has written the scored rows;
like them, the rows come out identical however often it runs.
"""

from collections import Counter
from datetime import date
from decimal import Decimal

from django.db.models import Q
from django.utils import timezone

from . import selectors
from .models import Evaluation, EvaluationRun, Grade, ReportingPeriod, ReportStatus
from .progress import expected_complexes, with_report
from .report_lock import lock_date, year_is_locked

NOT_APPROVED = [status for status in ReportStatus.values if status != ReportStatus.APPROVED]


def missing_reports_fail(*, run: EvaluationRun, today: date | None = None) -> int:
    """Add the year's missing reports to ``run`` as fails; answer how many."""
    today = today or timezone.localdate()
    # A complex flagged by an earlier run that now has an approved report was scored again.
    Evaluation.objects.filter(run=run, missing_report_by__isnull=False).update(
        missing_report_by=None
    )
    period = ReportingPeriod.objects.filter(year=run.year).first()
    if not year_is_locked(period, today=today):
        return 0
    missing = (
        with_report(expected_complexes(run.year), run.year)
        .filter(
            Q(report__id__isnull=True)
            | Q(report__status__in=NOT_APPROVED)
            & (Q(report__reopened_until__isnull=True) | Q(report__reopened_until__lt=today))
        )
        .exclude(pk__in=run.results.values("complex_id"))
        .values_list("pk", "category", "report__reopened_until")
        .order_by("pk")
    )
    ranked = Counter(run.results.values_list("category", flat=True))
    schemes = {}
    rows = []
    for complex_id, category, reopened_until in missing:
        if category not in schemes:
            schemes[category] = selectors.scheme_for(year=run.year, category=category)
        scheme = schemes[category]
        if scheme is None or not scheme.missing_report_fails:
            continue
        rows.append(
            Evaluation(
                run=run,
                status=run.status,
                complex_id=complex_id,
                year=run.year,
                category=category,
                scheme=scheme,
                score=Decimal(0),
                rank=ranked[category] + 1,
                grade=Grade.FAIL,
                breakdown=[],
                adjustment=Decimal(0),
                missing_report_by=reopened_until or lock_date(period),
            )
        )
    Evaluation.objects.bulk_create(rows)
    return len(rows)
