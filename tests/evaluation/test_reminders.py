"""Deadline reminders: 14, 3 and 0 days before, once overdue; only to those who have not
submitted; never twice."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from accounts.models import Notification
from evaluation.models import ReportReminder, ReportStatus
from evaluation.reminders import reminders_send
from evaluation.tasks import send_report_reminders
from tests import factories

from . import factories as evaluation

pytestmark = pytest.mark.django_db

DEADLINE = date(2026, 3, 31)


@pytest.fixture
def operators(yongkang_complex, hangzhou_complex):
    evaluation.open_period(2025, DEADLINE)
    evaluation.report(yongkang_complex, 2025)
    evaluation.report(hangzhou_complex, 2025, status=ReportStatus.SUBMITTED)
    return factories.operator_of(yongkang_complex), factories.operator_of(hangzhou_complex)


def inbox(user):
    return list(Notification.objects.filter(recipient=user).values_list("subject", flat=True))


@pytest.mark.parametrize("days_before", [14, 3, 0])
def test_reminders_before_the_deadline_go_to_those_who_have_not_submitted(operators, days_before):
    due, done = operators
    assert reminders_send(today=DEADLINE - timedelta(days=days_before)) == 1
    assert inbox(due) == ["您的2025年度报告须于2026-03-31前提交"]
    assert inbox(done) == []
    assert reminders_send(today=DEADLINE - timedelta(days=days_before)) == 0
    assert len(inbox(due)) == 1


def test_no_reminder_on_other_days_and_one_when_overdue(operators, mailoutbox):
    due, _ = operators
    assert reminders_send(today=DEADLINE - timedelta(days=5)) == 0
    assert reminders_send(today=DEADLINE + timedelta(days=1)) == 1
    assert reminders_send(today=DEADLINE + timedelta(days=2)) == 0
    assert inbox(due) == ["您的2025年度报告已逾期"]
    assert list(ReportReminder.objects.values_list("kind", flat=True)) == ["overdue"]


def test_the_nightly_task_reminds_14_days_before_today_s_deadline(yongkang_complex):
    evaluation.open_period(2030, timezone.localdate() + timedelta(days=14))
    operator = factories.operator_of(yongkang_complex)
    assert send_report_reminders.delay().get() == 1
    assert len(inbox(operator)) == 1
