"""Celery tasks of the services app: the nightly clocks of service requests."""

from celery import shared_task
from django.utils import timezone

from .auto_confirm import auto_confirm_run
from .overdue import overdue_notices_send


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
