from celery import shared_task

from evaluation.recompute import AlreadyRunning, recompute_lock

from .data_version import forget_old_changes
from .figures import figures_refresh
from .selectors import current_year

# While a recomputation runs (it refreshes its year's figures as its last step), the refresh
# waits for it: tried again every 5 minutes, for up to 2 hours.
REFRESH_RETRY_SECONDS = 300
REFRESH_RETRIES = 24


@shared_task(
    bind=True,
    acks_late=True,
    default_retry_delay=REFRESH_RETRY_SECONDS,
    max_retries=REFRESH_RETRIES,
)
def refresh_figures(self, year: int | None = None) -> int:
    """Recompute the dashboard's regional figures (this year and last, by default), under the
    recomputation's advisory lock, so that it never reads scores and allocations half
    replaced."""
    years = [year] if year else [current_year(), current_year() - 1]
    forget_old_changes()
    try:
        with recompute_lock():
            return sum(figures_refresh(year=each) for each in years)
    except AlreadyRunning as running:
        raise self.retry(exc=running) from running
