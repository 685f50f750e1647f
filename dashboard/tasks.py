from celery import shared_task

from .figures import figures_refresh
from .selectors import current_year


@shared_task(acks_late=True)
def refresh_figures(year: int | None = None) -> int:
    """Recompute the dashboard's regional figures (this year and last, by default)."""
    years = [year] if year else [current_year(), current_year() - 1]
    return sum(figures_refresh(year=each) for each in years)
