"""The project's last demo step: what needs every app's demo rows first."""

from accounts.demo import seed_teams
from portal.seeding import DemoContext


def seed(context: DemoContext) -> None:
    seed_teams(context)
