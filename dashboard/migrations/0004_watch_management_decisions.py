"""The evaluation results page keeps its work lists too: the removals proposed (with their
hearings, since the complex's last status change) and the rectifications awaiting a re-check."""

from importlib import import_module

from django.db import migrations

TRIGGER = import_module("dashboard.migrations.0003_data_change_triggers").TRIGGER

WATCHED = (
    "complexes_complexstatuschange",
    "complexes_removalhearing",
    "evaluation_managementdecision",
)


class Migration(migrations.Migration):
    dependencies = [("dashboard", "0003_data_change_triggers")]

    operations = [
        migrations.RunSQL(
            TRIGGER.format(table=table), f"DROP TRIGGER dashboard_data_changed ON {table};"
        )
        for table in WATCHED
    ]
