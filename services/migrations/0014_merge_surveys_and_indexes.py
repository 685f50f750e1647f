from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("services", "0013_impact_surveys"),
        ("services", "0013_request_enterprise_completed"),
        ("services", "0013_enterprise_by_name"),
    ]

    operations = []
