"""Decision documents: every decision gets a number (文号), its sequence in its year of issue and
the approver's name; decisions made before are numbered in the order they were made."""

from django.conf import settings
import pgtrigger.compiler
import pgtrigger.migrations
from django.db import migrations, models
from django.utils import timezone


def number_past_decisions(apps, schema_editor):
    Decision = apps.get_model("funding", "AllocationDecision")
    sequences: dict[int, int] = {}
    for decision in Decision.objects.select_related("decided_by").order_by("decided_at", "pk"):
        issued_in = timezone.localtime(decision.decided_at).year
        sequences[issued_in] = sequences.get(issued_in, 0) + 1
        decision.sequence = sequences[issued_in]
        decision.number = settings.FUNDING_DECISION_NUMBER_PATTERN.format(
            year=issued_in, seq=decision.sequence, allocation_year=decision.year
        )
        user = decision.decided_by
        if user is not None:
            full_name = f"{user.first_name} {user.last_name}".strip()
            decision.approver_name = full_name or user.username
        decision.save(update_fields=["sequence", "number", "approver_name"])


class Migration(migrations.Migration):
    dependencies = [("funding", "0006_merge_length_limits_and_portal_jobs")]

    operations = [
        pgtrigger.migrations.RemoveTrigger(
            model_name="allocationdecision",
            name="insert_insert",
        ),
        pgtrigger.migrations.RemoveTrigger(
            model_name="allocationdecision",
            name="update_update",
        ),
        pgtrigger.migrations.RemoveTrigger(
            model_name="allocationdecision",
            name="delete_delete",
        ),
        migrations.AddField(
            model_name="allocationdecision",
            name="approver_name",
            field=models.CharField(blank=True, max_length=150, verbose_name="approver"),
        ),
        migrations.AddField(
            model_name="allocationdecision",
            name="number",
            field=models.CharField(default="", max_length=60, verbose_name="document number"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="allocationdecision",
            name="sequence",
            field=models.PositiveIntegerField(
                default=0, verbose_name="sequence in the year of issue"
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="allocationdecisionevent",
            name="approver_name",
            field=models.CharField(blank=True, max_length=150, verbose_name="approver"),
        ),
        migrations.AddField(
            model_name="allocationdecisionevent",
            name="number",
            field=models.CharField(default="", max_length=60, verbose_name="document number"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="allocationdecisionevent",
            name="sequence",
            field=models.PositiveIntegerField(
                default=0, verbose_name="sequence in the year of issue"
            ),
            preserve_default=False,
        ),
        migrations.RunPython(number_past_decisions, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="allocationdecision",
            name="number",
            field=models.CharField(max_length=60, unique=True, verbose_name="document number"),
        ),
        migrations.AlterField(
            model_name="allocationdecision",
            name="sequence",
            field=models.PositiveIntegerField(verbose_name="sequence in the year of issue"),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="allocationdecision",
            trigger=pgtrigger.compiler.Trigger(
                name="insert_insert",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func='INSERT INTO "funding_allocationdecisionevent" ("approver_name", "decided_at", "decided_by_id", "evaluated_at", "evaluation_run_id", "id", "number", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "pool", "reason", "replaces_id", "rule_set_id", "sequence", "total", "unallocated", "year") VALUES (NEW."approver_name", NEW."decided_at", NEW."decided_by_id", NEW."evaluated_at", NEW."evaluation_run_id", NEW."id", NEW."number", _pgh_attach_context(), NOW(), \'insert\', NEW."id", NEW."pool", NEW."reason", NEW."replaces_id", NEW."rule_set_id", NEW."sequence", NEW."total", NEW."unallocated", NEW."year"); RETURN NULL;',
                    hash="3c1fad596bdd09cfb80152538e883c1540aca439",
                    operation="INSERT",
                    pgid="pgtrigger_insert_insert_b4176",
                    table="funding_allocationdecision",
                    when="AFTER",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="allocationdecision",
            trigger=pgtrigger.compiler.Trigger(
                name="update_update",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    condition="WHEN (OLD.* IS DISTINCT FROM NEW.*)",
                    func='INSERT INTO "funding_allocationdecisionevent" ("approver_name", "decided_at", "decided_by_id", "evaluated_at", "evaluation_run_id", "id", "number", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "pool", "reason", "replaces_id", "rule_set_id", "sequence", "total", "unallocated", "year") VALUES (NEW."approver_name", NEW."decided_at", NEW."decided_by_id", NEW."evaluated_at", NEW."evaluation_run_id", NEW."id", NEW."number", _pgh_attach_context(), NOW(), \'update\', NEW."id", NEW."pool", NEW."reason", NEW."replaces_id", NEW."rule_set_id", NEW."sequence", NEW."total", NEW."unallocated", NEW."year"); RETURN NULL;',
                    hash="c670f909852610d51c18215258a0ad6bf8480b0c",
                    operation="UPDATE",
                    pgid="pgtrigger_update_update_5524e",
                    table="funding_allocationdecision",
                    when="AFTER",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="allocationdecision",
            trigger=pgtrigger.compiler.Trigger(
                name="delete_delete",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func='INSERT INTO "funding_allocationdecisionevent" ("approver_name", "decided_at", "decided_by_id", "evaluated_at", "evaluation_run_id", "id", "number", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "pool", "reason", "replaces_id", "rule_set_id", "sequence", "total", "unallocated", "year") VALUES (OLD."approver_name", OLD."decided_at", OLD."decided_by_id", OLD."evaluated_at", OLD."evaluation_run_id", OLD."id", OLD."number", _pgh_attach_context(), NOW(), \'delete\', OLD."id", OLD."pool", OLD."reason", OLD."replaces_id", OLD."rule_set_id", OLD."sequence", OLD."total", OLD."unallocated", OLD."year"); RETURN NULL;',
                    hash="e4d7b6b7480594d2408fb453da64defad79121f1",
                    operation="DELETE",
                    pgid="pgtrigger_delete_delete_a2f5a",
                    table="funding_allocationdecision",
                    when="AFTER",
                ),
            ),
        ),
    ]
