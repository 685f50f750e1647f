from django.db import migrations, models


class Migration(migrations.Migration):
    """The old columns and the proposals' table go once their rows are moved (0010): a table
    cannot be altered in the transaction that wrote its rows (deferred foreign-key checks)."""

    dependencies = [
        ("evaluation", "0010_adjustment_workflow_rows"),
    ]

    operations = [
        migrations.RemoveField(
            model_name='adjustmentproposal',
            name='complex',
        ),
        migrations.RemoveField(
            model_name='adjustmentproposal',
            name='decided_by',
        ),
        migrations.RemoveField(
            model_name='adjustmentproposal',
            name='proposed_by',
        ),
        migrations.RemoveField(
            model_name='adjustment',
            name='applied_at',
        ),
        migrations.RemoveField(
            model_name='adjustment',
            name='applied_by',
        ),
        migrations.DeleteModel(
            name='AdjustmentProposal',
        ),
        migrations.AddConstraint(
            model_name='adjustment',
            constraint=models.UniqueConstraint(condition=models.Q(('status__in', ('proposed', 'approved'))), fields=('complex', 'year', 'item_code'), name='one_open_adjustment_per_item', violation_error_message='This item is already proposed or approved for this complex and year.'),
        ),
    ]
