from datetime import date
from importlib import import_module
from time import monotonic

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts.demo import headline_accounts
from complexes.models import Complex
from portal.api.public_cache import public_lists_changed
from portal.audit import unaudited
from portal.seeding import DemoContext

DEFAULT_PASSWORD = "demo-pass-2026"


class Command(BaseCommand):
    help = (
        "Fill an empty database with a deterministic demo province: every installed app's "
        "demo.seed() runs in turn, in one transaction. Prints the demo accounts."
    )

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=int, default=1, help="About 168 × N complexes.")
        parser.add_argument("--seed", type=int, default=2026, help="Same seed, same data.")
        parser.add_argument("--password", default=DEFAULT_PASSWORD)
        parser.add_argument(
            "--only",
            nargs="+",
            metavar="APP",
            help="Seed only these apps (their demo steps still run in INSTALLED_APPS order); "
            "for tests that need part of the province.",
        )
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing (but print the accounts) when the database already has complexes.",
        )

    def handle(self, *args, scale, seed, password, if_empty, only, **options):
        if scale < 1:
            raise CommandError("--scale must be at least 1.")
        if Complex.objects.exists():
            if if_empty:
                self.stdout.write("Demo data already loaded.")
                self._print_accounts(password)
                return
            raise CommandError("The database already has complexes: seed_demo fills empty ones.")
        context = DemoContext(scale=scale, seed=seed, password=password, today=date.today())
        started = monotonic()
        with transaction.atomic(), unaudited():
            for app_config in apps.get_app_configs():
                if only and app_config.label not in only:
                    continue
                try:
                    module = import_module(f"{app_config.name}.demo")
                except ModuleNotFoundError as error:
                    if error.name != f"{app_config.name}.demo":
                        raise
                    continue
                step_started = monotonic()
                module.seed(context)
                self.stdout.write(
                    f"  {app_config.label}: {monotonic() - step_started:.1f} s", self.style.SUCCESS
                )
            # The demo steps write in bulk, which sends no signals.
            public_lists_changed()
        self.stdout.write(
            self.style.SUCCESS(f"Demo province loaded in {monotonic() - started:.1f} s.")
        )
        self._print_accounts(password)

    def _print_accounts(self, password):
        accounts = headline_accounts()
        self.stdout.write(f"\nDemo accounts (password: {password}):")
        width = max((len(username) for username, _ in accounts), default=10)
        for username, description in accounts:
            self.stdout.write(f"  {username.ljust(width)}  {description}")
