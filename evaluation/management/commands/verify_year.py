"""``python manage.py verify_year YEAR``: score a published year again from its stored inputs
and report any difference to the fen (exit status 1 when there is one)."""

from django.core.management.base import BaseCommand, CommandError

from evaluation.models import EvaluationRun, RevisionStatus
from evaluation.revisions import run_differences


class Command(BaseCommand):
    help = (
        "Recompute a published year's results from the inputs stored with them and report "
        "every result that differs (exit status 1 when one does)."
    )

    def add_arguments(self, parser):
        parser.add_argument("year", type=int)

    def handle(self, *args, year, **options):
        run = EvaluationRun.objects.filter(year=year, status=RevisionStatus.PUBLISHED).first()
        if run is None:
            raise CommandError(f"{year} has no published results.")
        differences = run_differences(run)
        for difference in differences:
            self.stderr.write(difference)
        if differences:
            raise CommandError(
                f"{year} #{run.number}: {len(differences)} differences from the stored inputs.",
                returncode=1,
            )
        self.stdout.write(
            f"{year} #{run.number}: {run.results.count()} results follow from their stored inputs."
        )
