from django.db import migrations


def workflow_from_applied_and_proposed(apps, schema_editor):
    """Applied items become approved ones (by whoever applied them); proposals the province
    dismissed become rejected ones, pending proposals proposed ones (the confirmed ones are
    the applied items already, proposed by their proposer)."""
    Adjustment = apps.get_model("evaluation", "Adjustment")
    Proposal = apps.get_model("evaluation", "AdjustmentProposal")
    for adjustment in Adjustment.objects.all():
        adjustment.status = "approved"
        adjustment.proposed_by_id = adjustment.decided_by_id = adjustment.applied_by_id
        adjustment.proposed_at = adjustment.decided_at = adjustment.applied_at
        adjustment.save()
    approved = set(Adjustment.objects.values_list("complex_id", "year", "item_code"))
    for proposal in Proposal.objects.filter(outcome="confirmed"):
        Adjustment.objects.filter(
            complex_id=proposal.complex_id, year=proposal.year, item_code=proposal.item_code
        ).update(proposed_by_id=proposal.proposed_by_id, proposed_at=proposal.proposed_at)
    for proposal in Proposal.objects.exclude(outcome="confirmed").order_by("pk"):
        key = (proposal.complex_id, proposal.year, proposal.item_code)
        if proposal.outcome == "pending" and key in approved:
            continue  # already applied: the item is open once
        Adjustment.objects.create(
            complex_id=proposal.complex_id,
            year=proposal.year,
            item_code=proposal.item_code,
            reason=proposal.reason,
            status="proposed" if proposal.outcome == "pending" else "rejected",
            proposed_by_id=proposal.proposed_by_id,
            proposed_at=proposal.proposed_at,
            decided_by_id=proposal.decided_by_id,
            decided_at=proposal.decided_at,
        )


class Migration(migrations.Migration):
    """The rows move in a migration of their own: the schema's deferred statements (indexes,
    foreign keys) of 0009 and the removals of 0011 cannot run in the transaction that wrote
    them (pending trigger events)."""

    dependencies = [
        ("evaluation", "0009_adjustment_workflow"),
    ]

    operations = [
        migrations.RunPython(workflow_from_applied_and_proposed, migrations.RunPython.noop),
    ]
