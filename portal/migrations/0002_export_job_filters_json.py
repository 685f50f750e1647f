"""Export jobs keep the list's filters as JSON for the selector, instead of the query string the
worker replayed through the page."""

from urllib.parse import parse_qsl

from django.db import migrations, models


def query_to_filters(apps, schema_editor):
    # The last value of each parameter, as the filter forms read a query string; the worker
    # validates them again before it builds the file.
    ExportJob = apps.get_model("portal", "ExportJob")
    for job in ExportJob.objects.exclude(query=""):
        job.filters = dict(parse_qsl(job.query))
        job.save(update_fields=["filters"])


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0001_export_jobs"),
    ]

    operations = [
        migrations.AddField(
            model_name="exportjob",
            name="filters",
            field=models.JSONField(
                blank=True,
                default=dict,
                help_text="The validated filters of the list, as the worker hands them to its selector.",
                verbose_name="filters",
            ),
        ),
        migrations.RunPython(query_to_filters, migrations.RunPython.noop, elidable=True),
        migrations.RemoveField(model_name="exportjob", name="query"),
    ]
