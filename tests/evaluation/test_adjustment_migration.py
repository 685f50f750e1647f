"""Migration 0009 turns applied items and proposals into one workflow: applied items become
approved ones (proposed by whoever proposed them), dismissed proposals rejected ones, pending
proposals proposed ones."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from tests import factories

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

BEFORE = [("evaluation", "0008_merge_adjustment_proposals")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def test_applied_items_and_proposals_become_the_workflow():
    old = migrate(BEFORE)
    # Only the evaluation app goes back: users and complexes are today's.
    city = factories.regional_official("330700")
    province = factories.provincial_official()
    complex_ = factories.ComplexFactory()
    Adjustment = old.get_model("evaluation", "Adjustment")
    Proposal = old.get_model("evaluation", "AdjustmentProposal")
    applied = Adjustment.objects.create(
        complex_id=complex_.pk,
        year=2025,
        item_code="national_award",
        reason="表彰",
        applied_by_id=province.pk,
    )
    now = timezone.now()
    Proposal.objects.create(
        complex_id=complex_.pk, year=2025, item_code="national_award", reason="表彰",
        proposed_by_id=city.pk, outcome="confirmed", decided_by_id=province.pk, decided_at=now,
    )  # fmt: skip
    Proposal.objects.create(
        complex_id=complex_.pk, year=2025, item_code="reform_pilot", reason="试点",
        proposed_by_id=city.pk, outcome="dismissed", decided_by_id=province.pk, decided_at=now,
    )  # fmt: skip
    Proposal.objects.create(
        complex_id=complex_.pk,
        year=2025,
        item_code="false_reporting",
        reason="虚报",
        proposed_by_id=city.pk,
    )

    new = migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
    rows = new.get_model("evaluation", "Adjustment").objects.order_by("pk")
    assert list(rows.values_list("item_code", "status", "proposed_by_id", "decided_by_id")) == [
        ("national_award", "approved", city.pk, province.pk),
        ("reform_pilot", "rejected", city.pk, province.pk),
        ("false_reporting", "proposed", city.pk, None),
    ]
    assert rows.first().pk == applied.pk
