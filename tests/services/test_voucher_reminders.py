"""Nightly voucher runs: reminders 30 and 7 days before expiry, once per voucher and kind; the
unused balance lapses at expiry. Both are idempotent."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.models import Notification
from services import tasks, vouchers
from services.models import EntryKind, Voucher, VoucherReminder
from tests import factories

from .factories import VoucherFactory

pytestmark = pytest.mark.django_db

EXPIRES = date(2026, 12, 31)


@pytest.fixture
def voucher():
    enterprise = factories.EnterpriseFactory()
    factories.enterprise_user_of(enterprise)
    return VoucherFactory(enterprise=enterprise, valid_from=date(2026, 1, 1), expires_on=EXPIRES)


def reminders_on(day: date) -> int:
    return vouchers.voucher_reminders_send(today=day)


@pytest.mark.parametrize(
    ("days", "sent"),
    [(31, []), (30, [30]), (8, [30]), (7, [7]), (0, [7])],
    ids=["31-days", "30-days", "8-days", "7-days", "last-day"],
)
def test_the_reminder_due_on_a_day(voucher, days, sent):
    assert reminders_on(EXPIRES - timedelta(days=days)) == len(sent)
    kinds = VoucherReminder.objects.filter(voucher=voucher).values_list("days_before", flat=True)
    assert list(kinds) == sent
    assert Notification.objects.count() == len(sent)


def test_each_reminder_is_sent_once_however_often_the_night_runs(voucher):
    day = EXPIRES - timedelta(days=30)
    assert reminders_on(day) == 1
    assert reminders_on(day) == 0
    assert reminders_on(day + timedelta(days=10)) == 0  # still the 30-day reminder's window
    assert reminders_on(EXPIRES - timedelta(days=7)) == 1
    assert reminders_on(EXPIRES - timedelta(days=2)) == 0
    subjects = list(Notification.objects.order_by("pk").values_list("subject", flat=True))
    assert len(subjects) == 2 and all(str(voucher.pk) in subject for subject in subjects)


def test_a_voucher_found_late_gets_only_the_nearer_reminder(voucher):
    assert reminders_on(EXPIRES - timedelta(days=3)) == 1
    assert list(VoucherReminder.objects.values_list("days_before", flat=True)) == [7]
    assert reminders_on(EXPIRES - timedelta(days=2)) == 0


def test_no_reminder_for_a_voucher_with_nothing_left(voucher):
    Voucher.objects.filter(pk=voucher.pk).update(balance=0, held=voucher.amount)
    assert reminders_on(EXPIRES - timedelta(days=7)) == 0


def test_a_reminder_names_the_voucher_and_links_to_it(voucher):
    reminders_on(EXPIRES - timedelta(days=30))
    notice = Notification.objects.get()
    assert notice.url == f"/services/vouchers/{voucher.pk}/"
    assert "2026-12-31" in notice.subject


def test_the_nightly_expiry_lapses_the_unused_balance_once(voucher):
    after = EXPIRES + timedelta(days=1)
    assert vouchers.vouchers_expire(today=EXPIRES) == 0  # valid through its last day
    assert vouchers.vouchers_expire(today=after) == 1
    assert vouchers.vouchers_expire(today=after) == 0
    voucher.refresh_from_db()
    assert (voucher.balance, voucher.lapsed, voucher.consumed) == (
        Decimal("0.00"),
        Decimal("10000.00"),
        Decimal("0.00"),
    )
    assert voucher.entries.filter(kind=EntryKind.LAPSE).count() == 1


def test_the_beat_tasks_run_the_nightly_services(voucher):
    """The tasks use today's date: a voucher expiring within the week is reminded, one that
    expired yesterday lapses."""
    today = timezone.localdate()
    Voucher.objects.filter(pk=voucher.pk).update(
        valid_from=today - timedelta(days=300), expires_on=today + timedelta(days=5)
    )
    expired = VoucherFactory(
        valid_from=today - timedelta(days=300), expires_on=today - timedelta(days=1)
    )
    assert tasks.send_voucher_reminders.delay().get() == 1
    assert tasks.expire_vouchers.delay().get() == 1
    expired.refresh_from_db()
    assert expired.lapsed == expired.amount
