"""The demo shows the deadline lock: a past year whose lock has passed with a few reports
missing (failing), one of them reopened, and overdue reports in the current year."""

from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command

from evaluation import progress
from evaluation.models import AnnualReport, Evaluation, Grade, ReportAction, ReportingPeriod
from tests import factories

pytestmark = pytest.mark.django_db


def test_the_demo_has_missing_reports_a_reopened_one_and_overdue_ones():
    call_command("seed_demo", stdout=StringIO(), only=["accounts", "complexes", "evaluation"])
    current = date.today().year
    failed = Evaluation.objects.filter(missing_report_by__isnull=False)
    assert failed.count() == 3
    assert {row.year for row in failed} == {current - 2}
    assert {(row.grade, row.score) for row in failed} == {(Grade.FAIL, 0)}
    (reopened,) = AnnualReport.objects.filter(reopened_until__isnull=False)
    assert reopened.year == current - 2
    assert reopened.events.filter(action=ReportAction.REOPEN).exists()
    assert not Evaluation.objects.filter(complex=reopened.complex, year=current - 2).exists()
    period = ReportingPeriod.objects.get(year=current)
    rows = progress.progress_by_region(user=factories.provincial_official(), period=period)
    assert rows[0].level == "province" and rows[0].counts["overdue"] > 0
