"""Celery tasks of the vouchers: nightly, idempotent (each run finishes what is due and a
second run finds nothing left)."""

from celery import shared_task
from django.utils import timezone

from .vouchers import voucher_reminders_send, vouchers_expire


@shared_task(acks_late=True)
def expire_vouchers() -> int:
    """Beat, 00:30 Asia/Shanghai: release the holds of requests not yet accepted on vouchers
    that expired, and lapse their unused balance."""
    return vouchers_expire(today=timezone.localdate())


@shared_task(acks_late=True)
def send_voucher_reminders() -> int:
    """Beat, every morning: tell enterprises 30 and 7 days before a voucher expires, once
    each."""
    return voucher_reminders_send(today=timezone.localdate())
