# The export jobs now live in portal.Job (moved by evaluation 0005_jobs_into_portal).

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0003_job"),
    ]

    operations = [
        migrations.DeleteModel(name="ExportJob"),
    ]
