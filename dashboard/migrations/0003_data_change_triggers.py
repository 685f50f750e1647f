"""Every statement that writes to a table the dashboard reads records its transaction in
``dashboard_datachange`` (once per transaction): ``dashboard.data_version``."""

from django.db import migrations

# The tables the dashboard's pages read (tests/test_kept_pages.py holds the pages to them).
WATCHED = (
    "complexes_complex",
    "complexes_region",
    "dashboard_regionfigure",
    "evaluation_annualreport",
    "evaluation_derivedvalue",
    "evaluation_evaluation",
    "evaluation_evaluationrun",
    "evaluation_evaluationscheme",
    "evaluation_indicator",
    "evaluation_reportingperiod",
    "funding_allocation",
)

FUNCTION = """
CREATE FUNCTION dashboard_data_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- One row a transaction, visible when and only if it commits.
    IF current_setting('dashboard.changed_in', true) IS DISTINCT FROM txid_current()::text THEN
        PERFORM set_config('dashboard.changed_in', txid_current()::text, true);
        INSERT INTO dashboard_datachange DEFAULT VALUES;
    END IF;
    RETURN NULL;
END
$$;
"""

TRIGGER = """
CREATE TRIGGER dashboard_data_changed
AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table}
FOR EACH STATEMENT EXECUTE FUNCTION dashboard_data_changed();
"""


class Migration(migrations.Migration):
    dependencies = [
        ("dashboard", "0002_data_change"),
        ("complexes", "0009_removal_hearing_predecessor"),
        ("evaluation", "0020_evaluation_run_category"),
        ("funding", "0007_decision_document"),
    ]

    operations = [
        migrations.RunSQL(FUNCTION, "DROP FUNCTION dashboard_data_changed();"),
        *(
            migrations.RunSQL(
                TRIGGER.format(table=table),
                f"DROP TRIGGER dashboard_data_changed ON {table};",
            )
            for table in WATCHED
        ),
    ]
