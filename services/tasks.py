from celery import shared_task

from .offering_stats import offering_stats_refresh


@shared_task
def refresh_offering_stats() -> int:
    """Beat, nightly: the catalogue's served and rating figures of every offering."""
    return offering_stats_refresh()
