from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models


class Migration(migrations.Migration):
    # Built without locking out the writes to the province's requests meanwhile.
    atomic = False

    dependencies = [
        ("complexes", "0009_removal_hearing_predecessor"),
        ("services", "0014_merge_surveys_and_indexes"),
    ]

    operations = [
        AddIndexConcurrently(
            model_name="servicerequest",
            index=models.Index(
                condition=models.Q(("status", "completed")),
                fields=["complex", "completed_at"],
                name="request_complex_completed",
            ),
        ),
        AddIndexConcurrently(
            model_name="servicerequest",
            index=models.Index(
                fields=["complex", "-submitted_at", "-id"], name="request_complex_recent"
            ),
        ),
    ]
