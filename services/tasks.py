"""Celery tasks of the services app: the nightly clocks of service requests, and the
catalogue's figures."""

from celery import shared_task
from django.utils import timezone

from .auto_confirm import auto_confirm_run
from .offering_stats import offering_stats_refresh
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


@shared_task
def refresh_offering_stats() -> int:
    """Beat, nightly: the catalogue's served and rating figures of every offering (requests
    the clocks confirmed in bulk send no signal)."""
    return offering_stats_refresh()
