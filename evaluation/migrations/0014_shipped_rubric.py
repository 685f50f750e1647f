"""Every scheme without a rubric gets the rubric shipped with the portal (docs/EVALUATION.md,
"Data and experts"), its item names written as the catalogue knows them."""

from decimal import Decimal

from django.db import migrations

# As evaluation.models.SHIPPED_RUBRIC was when this migration was written.
SHIPPED_RUBRIC = (
    ("Construction and operating mechanism", Decimal(20)),
    ("Services to enterprises and their quality", Decimal(30)),
    ("Support to the industry cluster", Decimal(30)),
    ("Innovation resources and team", Decimal(20)),
)


def ship_rubric(apps, schema_editor):
    scheme_model = apps.get_model("evaluation", "EvaluationScheme")
    rubric_item = apps.get_model("evaluation", "RubricItem")
    rubric_item.objects.bulk_create(
        rubric_item(scheme=scheme, name=name, maximum=maximum, position=position)
        for scheme in scheme_model.objects.filter(rubric_items__isnull=True)
        for position, (name, maximum) in enumerate(SHIPPED_RUBRIC, 1)
    )


class Migration(migrations.Migration):
    dependencies = [("evaluation", "0013_expert_review")]

    operations = [migrations.RunPython(ship_rubric, migrations.RunPython.noop)]
