"""The version of what the dashboard shows, kept by the database.

The dashboard's figures, rankings and warnings come from tables written by officials' and
operators' actions and by the nightly job's own SQL statements. A statement trigger on each of
those tables records each writing transaction as a row of ``dashboard_datachange`` (migration
0003), which becomes visible when, and only if, the transaction commits. The version is the
count, lowest and highest id of the rows a reader sees: any commit changes the count, so a page
rendered after reading the version is kept under a version that no later commit can carry, and
no row lock is taken (writers do not wait for each other). The nightly refresh removes rows a
day old but never the newest: the lowest id then rises, so no version comes back.
"""

from django.db import connection

from .models import DataChange

KEPT_HOURS = 24


def data_version() -> tuple[int, int, int] | None:
    """The version the reader sees; None while the reader's own transaction has written (its
    rows are seen by none but itself, and its later writes in the same transaction would not
    change the version): such a reader's page is rendered and not kept."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT count(*), coalesce(min(id), 0), coalesce(max(id), 0), "
            f"txid_current_if_assigned() IS NOT NULL FROM {DataChange._meta.db_table}"
        )
        count, lowest, highest, has_written = cursor.fetchone()
    return None if has_written else (count, lowest, highest)


def forget_old_changes() -> int:
    """Remove the changes older than a day, the newest always kept; answers how many."""
    table = DataChange._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {table} WHERE changed_at < now() - make_interval(hours => %s) "
            f"AND id < (SELECT max(id) FROM {table})",
            [KEPT_HOURS],
        )
        return cursor.rowcount
