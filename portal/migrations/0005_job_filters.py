"""Export jobs keep the list's filters as JSON for the selector, instead of the query string the
worker replayed through the page."""

from urllib.parse import parse_qsl

from django.conf import settings
from django.db import migrations, models


def query_to_filters(apps, schema_editor):
    # The last value of each parameter, as the filter forms read a query string; the worker
    # validates them again before it builds the file.
    Job = apps.get_model("portal", "Job")
    for job in Job.objects.filter(kind="export").exclude(query=""):
        job.filters = dict(parse_qsl(job.query))
        job.save(update_fields=["filters"])


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0004_delete_exportjob"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="job",
            name="filters",
            field=models.JSONField(
                blank=True,
                default=dict,
                help_text="The validated filters of the list, as the worker hands them to its selector.",
                verbose_name="filters",
            ),
        ),
        migrations.RunPython(query_to_filters, migrations.RunPython.noop, elidable=True),
        migrations.RemoveConstraint(model_name="job", name="job_export_one_pending"),
        migrations.RemoveField(model_name="job", name="query"),
        migrations.AddConstraint(
            model_name="job",
            constraint=models.UniqueConstraint(
                condition=models.Q(
                    ("kind", "export"), ("status__in", ["queued", "not_queued", "running"])
                ),
                fields=("owner", "export", "filters", "language"),
                name="job_export_one_pending",
            ),
        ),
    ]
