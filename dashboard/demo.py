"""The demo's dashboard figures: the last four years, as the nightly job would leave them."""

from portal.seeding import DemoContext

from .figures import figures_refresh


def seed(context: DemoContext) -> None:
    for year in range(context.today.year - 3, context.today.year + 1):
        figures_refresh(year=year)
