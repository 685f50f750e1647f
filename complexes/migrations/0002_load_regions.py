"""Load Zhejiang's administrative divisions (GB/T 2260, current codes) from data/regions.csv."""

from django.db import migrations


def load_regions(apps, schema_editor):
    from complexes.regions import load_regions_into

    load_regions_into(apps.get_model("complexes", "Region"))


class Migration(migrations.Migration):
    dependencies = [("complexes", "0001_initial")]

    operations = [migrations.RunPython(load_regions, migrations.RunPython.noop)]
