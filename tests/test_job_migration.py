"""The rows of the two former job tables move into portal.Job: recomputation jobs keep their ids
(API clients hold them), export jobs are renumbered after them and their inbox links follow."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

BEFORE = [
    ("accounts", "0004_audit_history"),
    ("evaluation", "0004_job_not_queued"),
    ("funding", "0004_audit_history"),
    ("portal", "0002_export_one_pending"),
]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def test_jobs_move_into_portal_keeping_the_recomputation_ids():
    old = migrate(BEFORE)
    owner = old.get_model("accounts", "User").objects.create(username="exporter", role="staff")
    RecomputeJob = old.get_model("evaluation", "Job")
    RecomputeJob.objects.create(id=3, kind="recompute", parameters={"year": 2024}, status="failed")
    RecomputeJob.objects.create(
        id=7, kind="recompute", parameters={"year": 2025}, status="succeeded", created_by=owner
    )
    ExportJob = old.get_model("portal", "ExportJob")
    for old_id in (7, 8):
        ExportJob.objects.create(
            id=old_id, owner=owner, export="services:requests_export", title=f"t{old_id}",
            query=f"page={old_id}", language="zh-hans", status="succeeded",
        )  # fmt: skip
    Notification = old.get_model("accounts", "Notification")
    for url in ("/exports/7/", "/exports/8/file/", "/evaluation/reports/7/"):
        Notification.objects.create(recipient=owner, subject="s", url=url)

    executor = MigrationExecutor(connection)
    new = migrate(executor.loader.graph.leaf_nodes())

    Job = new.get_model("portal", "Job")
    rows = list(
        Job.objects.order_by("pk").values_list("pk", "kind", "owner_id", "parameters", "title")
    )
    assert rows == [
        (3, "recompute", None, {"year": 2024}, ""),
        (7, "recompute", owner.pk, {"year": 2025}, ""),
        (8, "export", owner.pk, {}, "t7"),
        (9, "export", owner.pk, {}, "t8"),
    ]
    # Their query strings became the filters their selectors take.
    exports = Job.objects.filter(kind="export").order_by("pk")
    assert list(exports.values_list("filters", flat=True)) == [{"page": "7"}, {"page": "8"}]
    links = new.get_model("accounts", "Notification").objects.order_by("pk")
    assert list(links.values_list("url", flat=True)) == [
        "/exports/8/",
        "/exports/9/file/",
        "/evaluation/reports/7/",
    ]
    assert Job.objects.create(kind="recompute").pk == 10
