"""The recomputation jobs and the export jobs move into the one job table, portal.Job.

Recomputation jobs keep their ids (API clients hold them: /api/v1/jobs/{id}/). Export jobs get
new ids after them, and the links in their owners' inboxes are rewritten to match.
"""

import re

from django.db import migrations

EXPORT_LINK = re.compile(r"/exports/(?P<id>[0-9]+)/(file/)?$")
EXPORT_LINK_SQL = r"/exports/[0-9]+/(file/)?$"  # the same, as PostgreSQL reads a pattern


def jobs_into_portal(apps, schema_editor):
    Job = apps.get_model("portal", "Job")
    RecomputeJob = apps.get_model("evaluation", "Job")
    ExportJob = apps.get_model("portal", "ExportJob")
    Notification = apps.get_model("accounts", "Notification")
    jobs, recomputations, exports = (
        Job._meta.db_table,
        RecomputeJob._meta.db_table,
        ExportJob._meta.db_table,
    )
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {jobs} (id, kind, owner_id, parameters, status, progress, step, timings,
                error, created_at, started_at, finished_at, export, title, query, language,
                file, filename)
            SELECT id, kind, created_by_id, parameters, status, progress, step, timings, error,
                created_at, started_at, finished_at, '', '', '', '', '', ''
            FROM {recomputations}
            """
        )
        cursor.execute(
            f"SELECT setval(pg_get_serial_sequence(%s, 'id'),"
            f" COALESCE((SELECT max(id) FROM {jobs}), 0) + 1, false)",
            [jobs],
        )
        cursor.execute(f"SELECT id FROM {exports} ORDER BY id")
        new_ids = {}
        for (old_id,) in cursor.fetchall():
            cursor.execute(
                f"""
                INSERT INTO {jobs} (kind, owner_id, parameters, status, progress, step, timings,
                    error, created_at, started_at, finished_at, export, title, query, language,
                    rows, file, filename, size)
                SELECT 'export', owner_id, '{{}}', status, 0, '', '{{}}', error, created_at,
                    started_at, finished_at, export, title, query, language, rows, file,
                    filename, size
                FROM {exports} WHERE id = %s
                RETURNING id
                """,
                [old_id],
            )
            (new_ids[old_id],) = cursor.fetchone()
    # Every link is rewritten from the old id at once (an old id may be another job's new one).
    links = []
    for notification in Notification.objects.filter(url__regex=EXPORT_LINK_SQL):
        match = EXPORT_LINK.search(notification.url)
        old_id = int(match["id"])
        if old_id in new_ids:
            notification.url = (
                notification.url[: match.start("id")]
                + str(new_ids[old_id])
                + notification.url[match.end("id") :]
            )
            links.append(notification)
    Notification.objects.bulk_update(links, ["url"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0004_audit_history"),
        ("evaluation", "0004_job_not_queued"),
        ("portal", "0003_job"),
    ]
    run_before = [("portal", "0004_delete_exportjob")]

    operations = [
        migrations.RunPython(jobs_into_portal, migrations.RunPython.noop),
    ]
