"""Celery tasks of the services app, all nightly and idempotent (each run finishes what is due
and a second run finds nothing left): the clocks of service requests, the vouchers' expiry and
reminders, the catalogue's figures, the fraud signals and the impact follow-up."""

from celery import shared_task
from django.utils import timezone

from .auto_confirm import auto_confirm_run
from .fraud import flags_compute
from .impact import impact_surveys_send
from .offering_stats import offering_stats_refresh
from .overdue import overdue_notices_send
from .vouchers import voucher_reminders_send, vouchers_expire


@shared_task
def run_request_clocks() -> dict[str, int]:
    """Beat, 01:30 Asia/Shanghai: confirm what was delivered long ago (after the notice), and
    tell operators, then officials, of late requests. Running it twice sends nothing twice."""
    now = timezone.now()
    confirmations = auto_confirm_run(now=now)
    return {
        "announced": confirmations.announced,
        "confirmed": confirmations.confirmed,
        "overdue_notices": overdue_notices_send(now=now),
    }


@shared_task
def refresh_offering_stats() -> int:
    """Beat, nightly: the catalogue's served and rating figures of every offering (requests
    the clocks confirmed in bulk send no signal)."""
    return offering_stats_refresh()


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


@shared_task
def compute_fraud_flags() -> int:
    """Beat, every night: flag the voucher-paid requests the fraud rules find."""
    return flags_compute()


@shared_task(acks_late=True)
def send_impact_surveys() -> int:
    """Beat, every morning: ask the enterprises whose requests were completed twelve months
    ago what the service changed (once per request), and expire unanswered invitations."""
    return impact_surveys_send(now=timezone.now())
